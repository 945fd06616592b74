//! SVG to PDF with the one embedded font.
//!
//! ## Main items
//!
//! - [`svg_to_pdf`]: vector PDF of an SVG text (`usvg` parses it, `svg2pdf` writes the PDF).
//! - [`FONT`]: DejaVu Sans (`paper/fonts/DejaVuSans.ttf`, Bitstream Vera licence beside it),
//!   compiled into the binary, so no system font is looked up.
//!
//! ## Implementation notes
//!
//! The font database holds only [`FONT`] and every family name resolves to it, so the PDF is the
//! same on every machine. `svg2pdf` writes no date and no random document id: the same SVG gives
//! the same bytes.
//!
//! ## References
//!
//! - `svg2pdf` and `usvg` (the `resvg` project), Adobe *PDF Reference* 1.7.

use std::sync::Arc;

/// DejaVu Sans (Book), the font of every figure.
pub const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Convert an SVG text to a one-page vector PDF with [`FONT`] embedded (subset). Errors name
/// the parser's or the converter's complaint.
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>, String> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    let family = crate::chart::FONT_FAMILY.to_string();
    db.set_sans_serif_family(family.clone());
    db.set_serif_family(family.clone());
    let opt = usvg::Options {
        font_family: family,
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("SVG: {e}"))?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| format!("PDF: {e}"))
}
