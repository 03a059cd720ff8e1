//! Koban consumer-presented codes: the QR module matrix for drawing one.

use koban_core::cpm as core;

/// A square QR module matrix without the quiet zone, so apps draw the code crisply at any size.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: u32,
    /// `size * size` modules, row by row; `true` is dark (module x, y is at `y * size + x`).
    pub modules: Vec<bool>,
}

impl From<core::QrMatrix> for QrMatrix {
    fn from(m: core::QrMatrix) -> Self {
        QrMatrix { size: m.size, modules: m.modules }
    }
}
