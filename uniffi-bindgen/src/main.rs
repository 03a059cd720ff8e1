//! `uniffi-bindgen`: generates the Kotlin and Swift bindings for `koban-ffi`.
//!
//! Shipped in the workspace so the generator always matches the pinned uniffi version.

fn main() {
    uniffi::uniffi_bindgen_main()
}
