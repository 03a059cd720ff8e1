//! Closed sets of error kinds, each declared once: the enum, its stable snake_case spelling
//! on the wire and in logs, and the list of all of them. The host's refusals
//! ([`crate::net::ErrorKind`]), detection's ([`crate::scheme::DetectErrorKind`]) and the
//! wallet's own ([`crate::wallet::WalletErrorKind`]) are tables of this macro; the sandbox,
//! the bindings and the CLI name kinds through them, never by a string of their own.

/// Declares an error-kind enum from `Variant = "spelling"` rows.
#[macro_export]
macro_rules! error_kinds {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$doc:meta])* $variant:ident = $kind:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$doc])* $variant,)*
        }

        impl $name {
            /// Every kind, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable snake_case spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $kind,)*
                }
            }

            /// The kind spelled `s`, if this build knows it.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($kind => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
