//! The QR code, drawn as vector rectangles (one per horizontal run of dark modules): a few
//! hundred bytes instead of an image.

use printpdf::{Op, PaintMode};
use qrcode::{EcLevel, QrCode};

use crate::draw::rect;
use crate::error::ReceiptError;

/// Ops drawing `payload` as a QR code of side `size` points with its top-left corner at `x`,
/// `y` (from the top). A quiet zone of 2 modules is kept inside `size` and painted white.
pub fn qr_ops(payload: &str, x: f32, y: f32, size: f32) -> Result<Vec<Op>, ReceiptError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| ReceiptError::Qr(e.to_string()))?;
    let n = code.width();
    let quiet = 2;
    let module = size / (n + 2 * quiet) as f32;
    let colors = code.to_colors();
    let mut ops = vec![
        Op::SetFillColor {
            col: printpdf::Color::Greyscale(printpdf::Greyscale::new(1.0, None)),
        },
        Op::DrawRectangle {
            rectangle: rect(x, y, size, size, PaintMode::Fill),
        },
    ];
    ops.push(Op::SetFillColor {
        col: printpdf::Color::Greyscale(printpdf::Greyscale::new(0.0, None)),
    });
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                ops.push(Op::DrawRectangle {
                    rectangle: rect(
                        x + (start + quiet) as f32 * module,
                        y + (row + quiet) as f32 * module,
                        (col - start) as f32 * module,
                        module,
                        PaintMode::Fill,
                    ),
                });
            } else {
                col += 1;
            }
        }
    }
    Ok(ops)
}
