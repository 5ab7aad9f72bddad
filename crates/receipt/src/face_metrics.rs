//! What laying out a voucher needs from a face, read straight from its tables: the character map,
//! the advance widths and the em size. The face's outlines are only needed when a voucher is
//! embedded (`embed.rs`), so a fallback face costs a few hundred kilobytes of memory here
//! instead of its whole file parsed (printpdf's parse of the four faces took ~190 MB).

use crate::sfnt::{face_tables, read_u16, CharMap};

/// A face's layout metrics.
#[derive(Debug, Clone)]
pub struct FaceMetrics {
    pub chars: CharMap,
    /// `hmtx` advances, in font units, of the first `numberOfHMetrics` glyphs; later glyphs share
    /// the last one (OpenType `hmtx`).
    advances: Vec<u16>,
    pub units_per_em: u16,
}

impl FaceMetrics {
    /// Reads face `index` of `file` (a `.ttf`, `.otf` or `.ttc`).
    pub fn read(file: &[u8], index: usize) -> Result<FaceMetrics, String> {
        let tables = face_tables(file, index)?;
        let table = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d);
        let head = table(b"head").ok_or("没有 head 表")?;
        let hhea = table(b"hhea").ok_or("没有 hhea 表")?;
        let hmtx = table(b"hmtx").ok_or("没有 hmtx 表")?;
        let cmap = table(b"cmap").ok_or("没有 cmap 表")?;
        let metrics = usize::from(read_u16(hhea, 34)?);
        if metrics == 0 {
            return Err("hhea 表没有水平度量".into());
        }
        let advances = (0..metrics)
            .map(|i| read_u16(hmtx, 4 * i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FaceMetrics {
            chars: CharMap::parse(cmap)?,
            advances,
            units_per_em: read_u16(head, 18)?.max(1),
        })
    }

    /// The advance of glyph `gid` in font units.
    pub fn advance(&self, gid: u16) -> u16 {
        let last = self.advances.len() - 1;
        self.advances[usize::from(gid).min(last)]
    }
}
