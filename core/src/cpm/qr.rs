//! The QR module matrix of a code, so apps draw it crisply at any size.

use super::CpmError;
use qrcode::{Color, EcLevel, QrCode};

/// A square matrix of dark/light modules, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: u32,
    /// `size * size` modules, row-major; `true` is dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` in byte mode at error-correction level M (the CPM spec allows L to H).
    pub fn encode(text: &str) -> Result<QrMatrix, CpmError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| CpmError::Render(e.to_string()))?;
        let size = code.width() as u32;
        let modules = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        Ok(QrMatrix { size, modules })
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the matrix).
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.size && y < self.size && self.modules[(y * self.size + x) as usize]
    }

    /// Renders for a terminal with half-block characters, quiet zone included (dark on light).
    pub fn to_terminal(&self) -> String {
        let q = 2i64;
        let n = i64::from(self.size);
        let dark = |x: i64, y: i64| x >= 0 && y >= 0 && self.is_dark(x as u32, y as u32);
        let mut out = String::new();
        let mut y = -q;
        while y < n + q {
            for x in -q..n + q {
                out.push(match (dark(x, y), dark(x, y + 1)) {
                    (true, true) => ' ',
                    (true, false) => '▄',
                    (false, true) => '▀',
                    (false, false) => '█',
                });
            }
            out.push('\n');
            y += 2;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_has_finder_patterns() {
        let m = QrMatrix::encode("hQVDUFYwMWE").unwrap();
        assert_eq!(m.modules.len(), (m.size * m.size) as usize);
        // Finder pattern corners: a dark ring with a light gap then a dark core.
        for (x, y) in [(0, 0), (m.size - 7, 0), (0, m.size - 7)] {
            assert!(m.is_dark(x, y) && m.is_dark(x + 6, y + 6) && !m.is_dark(x + 1, y + 1) && m.is_dark(x + 3, y + 3));
        }
        assert!(!m.is_dark(m.size, 0));
        assert!(m.to_terminal().lines().count() > (m.size / 2) as usize);
    }
}
