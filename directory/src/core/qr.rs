//! QR codes drawn as SVG on the server, so the 2FA key never leaves for a third party and
//! the page needs no script to show it.

use crate::error::{Error, Result};
use qrcodegen::{QrCode, QrCodeEcc};
use std::fmt::Write as _;

/// Modules of white space around the code, as the QR standard asks.
const QUIET_ZONE: i32 = 4;

/// An SVG of `text` as a QR code. Dark modules are one path; the background is white in
/// both colour schemes, since scanners need the contrast.
pub fn svg(text: &str, title: &str) -> Result<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|_| Error::Internal("text too long for a QR code".into()))?;
    let size = code.size() + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                let _ = write!(path, "M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE);
            }
        }
    }
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "#,
            r#"shape-rendering="crispEdges" role="img" aria-label="{title}">"#,
            r##"<rect width="100%" height="100%" fill="#fff"/>"##,
            r##"<path d="{path}" fill="#000"/></svg>"##
        ),
        size = size,
        title = escape(title),
        path = path
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_square_svgs_with_a_quiet_zone() -> Result<()> {
        let image = svg("otpauth://totp/Gatehouse:ada?secret=ABC", "QR \"code\"")?;
        assert!(image.starts_with("<svg"));
        // 39 bytes at medium correction need version 3 (29 modules), plus 2 × 4 quiet zone.
        assert!(image.contains(r#"viewBox="0 0 37 37""#), "{image}");
        assert!(
            image.contains("M4,4h1v1h-1z"),
            "the finder pattern starts in the corner"
        );
        assert!(image.contains("QR &quot;code&quot;"));
        Ok(())
    }
}
