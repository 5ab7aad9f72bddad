//! Putting the faces a voucher used into its PDF. TrueType faces are subset here (`subset.rs`)
//! and embedded as they are; CFF faces, or a face the subsetter cannot read, are handed to
//! printpdf, which subsets them itself.

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    FontEmbeddingMode, FontId, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PrintpdfFontMeta, TextItem,
};
use tracing::warn;

use crate::error::ReceiptError;
use crate::fonts::Face;
use crate::subset::subset_glyf;

/// Add `face` (drawn as `id`, using the glyphs `used`) to `doc`. Returns the glyph renumbering
/// the page ops need when the face was subset here.
pub fn embed_face(
    doc: &mut PdfDocument,
    id: &FontId,
    face: &Face,
    used: &BTreeSet<u16>,
) -> Result<Option<BTreeMap<u16, u16>>, ReceiptError> {
    let prepared = face.prepared()?;
    let subset = subset_glyf(prepared.as_slice(), used);
    let parsed = match subset {
        Ok(Some(s)) => ParsedFont::from_bytes(&s.bytes, 0, &mut Vec::new()).map(|f| (f, s)),
        Ok(None) => None,
        Err(e) => {
            warn!(font = %face.source.path.display(), error = %e, "subset failed; printpdf subsets instead");
            None
        }
    };
    let Some((font, subset)) = parsed else {
        let whole =
            ParsedFont::from_bytes(prepared.as_slice(), 0, &mut Vec::new()).ok_or_else(|| {
                ReceiptError::FontUnreadable {
                    path: face.source.path.clone(),
                    reason: "字形数据无法解析".into(),
                }
            })?;
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(whole));
        return Ok(None);
    };
    // Already a subset: printpdf must embed it as it is.
    let meta = PrintpdfFontMeta {
        embedding_mode: FontEmbeddingMode::Full,
        requires_subsetting: false,
        ..PrintpdfFontMeta::default()
    };
    doc.resources
        .fonts
        .map
        .insert(id.clone(), PdfFont::with_meta(font, meta));
    Ok(Some(subset.new_ids))
}

/// Rewrite the glyph ids of text drawn with the fonts in `renumbered` to their subset ids.
pub fn renumber(pages: &mut [Vec<Op>], renumbered: &BTreeMap<FontId, BTreeMap<u16, u16>>) {
    for ops in pages {
        let mut current = None;
        for op in ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => current = renumbered.get(id),
                Op::ShowText { items } => {
                    let Some(map) = current else { continue };
                    for item in items {
                        if let TextItem::GlyphIds(glyphs) = item {
                            for g in glyphs {
                                g.gid = map.get(&g.gid).copied().unwrap_or(0);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
