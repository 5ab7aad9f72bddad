//! Preparing a font face for printing, once per process. The face is cut out of its file
//! (a `.ttc` collection holds several) into a standalone sfnt that keeps only what a PDF
//! needs, so that each voucher's subset (`subset.rs` for TrueType faces, printpdf for CFF ones)
//! starts from a small, clean face instead of a 20 MB collection:
//!
//! - TrueType hinting is dropped (`fpgm`, `prep`, `cvt `, and each glyph's instructions, see
//!   `glyf.rs`): it only steers pixels on low-resolution screens and means nothing on paper, yet
//!   every subset copied the programs whole and wqy-microhei's Latin letters and digits carry
//!   instructions.
//! - `name` keeps only the PostScript name (the PDF's font name); every subset copied the whole
//!   table with its licence text.
//! - Layout, vertical-metrics and bitmap tables are dropped: vouchers are set horizontally
//!   without shaping.
//! - `post` becomes version 3 (no glyph names): wqy-microhei's 540 KB of names were re-read for
//!   every voucher.
//! - `cmap` becomes a stub. Characters are mapped to glyphs by the crate itself ([`CharMap`],
//!   read by `face_metrics.rs` from the real `cmap`) and handed to printpdf as glyph ids; printpdf's subsetter
//!   otherwise walks every mapping of the face for each voucher. The embedded subset never needs
//!   a `cmap`: a PDF addresses glyphs by id (`Identity-H`) and copy/paste uses `/ToUnicode`.

use std::borrow::Cow;

use crate::glyf::{strip_instructions, Unhinted};

/// Tables kept in the printed face; everything else is dropped.
const KEEP: &[&[u8; 4]] = &[
    b"head", b"hhea", b"hmtx", b"maxp", b"OS/2", b"name", b"post", b"cmap", b"glyf", b"loca",
    b"CFF ",
];

/// A face ready for embedding (its real character map is read by `face_metrics.rs`).
pub struct PrintFace {
    /// A standalone sfnt (see the module doc).
    pub bytes: Vec<u8>,
}

/// Cut face `index` out of `file` and prepare it for printing. `Err` says what is wrong with the
/// file, for `receipt.font_unreadable`.
pub fn print_face(file: &[u8], index: usize) -> Result<PrintFace, String> {
    let tables = face_tables(file, index)?;
    let table = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d);
    let version = read_u32(file, face_offset(file, index)?)?;

    // Unchanged tables are borrowed: the Mincho fallbacks are 50 MB.
    let mut out: Vec<([u8; 4], Cow<'_, [u8]>)> = tables
        .iter()
        .filter(|(tag, _)| KEEP.contains(&tag) && !matches!(tag, b"cmap" | b"post" | b"name"))
        .map(|(tag, data)| (*tag, Cow::Borrowed(*data)))
        .collect();
    out.push((*b"cmap", Cow::Owned(stub_cmap())));
    if let Some(post) = table(b"post") {
        out.push((*b"post", Cow::Owned(post_v3(post)?)));
    }
    if let Some(name) = table(b"name") {
        let short = postscript_name_only(name);
        out.push((*b"name", short.map_or(Cow::Borrowed(name), Cow::Owned)));
    }
    if let (Some(glyf), Some(loca)) = (table(b"glyf"), table(b"loca")) {
        let head = table(b"head").ok_or("没有 head 表")?;
        let maxp = table(b"maxp").ok_or("没有 maxp 表")?;
        let long_loca = read_u16(head, 50)? == 1;
        let glyphs = usize::from(read_u16(maxp, 4)?);
        if let Some(Unhinted { glyf, loca }) = strip_instructions(glyf, loca, glyphs, long_loca)? {
            out.retain(|(t, _)| !matches!(t, b"glyf" | b"loca" | b"head"));
            out.push((*b"glyf", Cow::Owned(glyf)));
            out.push((*b"loca", Cow::Owned(loca)));
            // The new loca is always the long format.
            let mut head = head.to_vec();
            head.get_mut(50..52)
                .ok_or("head 表过短")?
                .copy_from_slice(&1u16.to_be_bytes());
            out.push((*b"head", Cow::Owned(head)));
        }
    }
    Ok(PrintFace {
        bytes: write_sfnt(version, out),
    })
}

/// Character → glyph id, sorted by character; from the face's Unicode `cmap` (format 12 when
/// there is one, so that CJK Ext B and beyond are found, else format 4).
#[derive(Debug, Clone, Default)]
pub struct CharMap(Vec<(u32, u16)>);

impl CharMap {
    pub fn glyph(&self, c: char) -> Option<u16> {
        let c = u32::from(c);
        self.0
            .binary_search_by_key(&c, |(k, _)| *k)
            .ok()
            .map(|i| self.0[i].1)
    }

    pub(crate) fn parse(cmap: &[u8]) -> Result<CharMap, String> {
        let count = usize::from(read_u16(cmap, 2)?);
        let mut best: Option<(u8, usize)> = None;
        for i in 0..count {
            let rec = 4 + i * 8;
            let (platform, encoding) = (read_u16(cmap, rec)?, read_u16(cmap, rec + 2)?);
            let offset = read_u32(cmap, rec + 4)? as usize;
            let format = read_u16(cmap, offset)?;
            let rank = match (platform, encoding, format) {
                (3, 10, 12) | (0, 4, 12) | (0, 6, 12) => 2,
                (3, 1, 4) | (0, 3, 4) => 1,
                _ => continue,
            };
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, offset));
            }
        }
        let (_, offset) = best.ok_or("没有 Unicode 字符映射（cmap 格式 4 或 12）")?;
        let sub = cmap.get(offset..).ok_or("cmap 越界")?;
        let mut map = if read_u16(sub, 0)? == 12 {
            format12(sub)?
        } else {
            format4(sub)?
        };
        map.sort_unstable();
        map.dedup_by_key(|(c, _)| *c);
        Ok(CharMap(map))
    }
}

fn format12(sub: &[u8]) -> Result<Vec<(u32, u16)>, String> {
    let groups = read_u32(sub, 12)? as usize;
    let mut map = Vec::new();
    for g in 0..groups {
        let at = 16 + g * 12;
        let (start, end, first) = (
            read_u32(sub, at)?,
            read_u32(sub, at + 4)?,
            read_u32(sub, at + 8)?,
        );
        if end < start || end > 0x10FFFF {
            return Err("cmap 格式 12 分组无效".into());
        }
        for c in start..=end {
            let gid = first.saturating_add(c - start);
            if gid != 0 && gid <= u32::from(u16::MAX) {
                map.push((c, gid as u16));
            }
        }
    }
    Ok(map)
}

fn format4(sub: &[u8]) -> Result<Vec<(u32, u16)>, String> {
    let segs = usize::from(read_u16(sub, 6)? / 2);
    let (ends, starts) = (14, 16 + 2 * segs);
    let (deltas, ranges) = (starts + 2 * segs, starts + 4 * segs);
    let mut map = Vec::new();
    for s in 0..segs {
        let (start, end) = (read_u16(sub, starts + 2 * s)?, read_u16(sub, ends + 2 * s)?);
        let delta = read_u16(sub, deltas + 2 * s)?;
        let range = usize::from(read_u16(sub, ranges + 2 * s)?);
        for c in start..=end {
            if c == 0xFFFF {
                break;
            }
            let gid = if range == 0 {
                c.wrapping_add(delta)
            } else {
                let at = ranges + 2 * s + range + 2 * usize::from(c - start);
                match read_u16(sub, at)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            if gid != 0 {
                map.push((u32::from(c), gid));
            }
        }
    }
    Ok(map)
}

/// A valid `cmap` that maps nothing: one format-4 subtable (3,1) holding only the required
/// final segment.
pub(crate) fn stub_cmap() -> Vec<u8> {
    let words: [u16; 14] = [
        0, 1, 3, 1, 0, 12, // version, one record (3,1) at offset 12
        4, 24, 0, 2, 2, 0, 0, // format 4, length, language, segCountX2, search fields
        0xFFFF,
    ];
    let tail: [u16; 4] = [0, 0xFFFF, 1, 0]; // reservedPad, startCode, idDelta, idRangeOffset
    words
        .iter()
        .chain(tail.iter())
        .flat_map(|w| w.to_be_bytes())
        .collect()
}

/// A `name` table holding only the PostScript name (what the PDF calls the font by); the
/// copyright and licence strings of a whole table would be copied into every voucher. `None`
/// when the face has no readable PostScript name.
fn postscript_name_only(name: &[u8]) -> Option<Vec<u8>> {
    postscript_name(name).map(|ps| name_table(&ps))
}

/// The PostScript name (name id 6) of a `name` table, if it is plain ASCII.
pub(crate) fn postscript_name(name: &[u8]) -> Option<String> {
    let count = usize::from(read_u16(name, 2).ok()?);
    let strings = usize::from(read_u16(name, 4).ok()?);
    let ps: String = (0..count).find_map(|i| {
        let rec = 6 + 12 * i;
        let field = |k: usize| read_u16(name, rec + 2 * k).ok();
        let (platform, name_id) = (field(0)?, field(3)?);
        let (len, offset) = (usize::from(field(4)?), usize::from(field(5)?));
        let raw = name.get(strings + offset..strings + offset + len)?;
        match (name_id, platform) {
            (6, 3) | (6, 0) => {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()
            }
            (6, 1) => Some(raw.iter().map(|b| char::from(*b)).collect()),
            _ => None,
        }
    })?;
    (!ps.is_empty() && ps.is_ascii()).then_some(ps)
}

/// A `name` table with one record: `ps` as the PostScript name (Windows, Unicode, en-US).
pub(crate) fn name_table(ps: &str) -> Vec<u8> {
    let utf16: Vec<u8> = ps.encode_utf16().flat_map(u16::to_be_bytes).collect();
    // format 0, one record, strings at 18; record: platform 3, encoding 1, language, id 6.
    let header: [u16; 9] = [0, 1, 18, 3, 1, 0x0409, 6, utf16.len() as u16, 0];
    let mut v: Vec<u8> = header.iter().flat_map(|w| w.to_be_bytes()).collect();
    v.extend(utf16);
    v
}

/// `post` version 3: the same header, no glyph names.
fn post_v3(post: &[u8]) -> Result<Vec<u8>, String> {
    let mut v = post.get(..32).ok_or("post 表过短")?.to_vec();
    v[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    Ok(v)
}

fn face_offset(file: &[u8], index: usize) -> Result<usize, String> {
    if file.get(..4) == Some(b"ttcf") {
        let faces = read_u32(file, 8)? as usize;
        if index >= faces {
            return Err(format!("字体集合只有 {faces} 个字体"));
        }
        Ok(read_u32(file, 12 + 4 * index)? as usize)
    } else if index == 0 {
        Ok(0)
    } else {
        Err(format!("不是字体集合，没有第 {index} 个字体"))
    }
}

/// A table of a face: its tag and data.
type Table<'a> = ([u8; 4], &'a [u8]);

/// The tables of face `index`, in directory order.
pub(crate) fn face_tables(file: &[u8], index: usize) -> Result<Vec<Table<'_>>, String> {
    let at = face_offset(file, index)?;
    let count = usize::from(read_u16(file, at + 4)?);
    (0..count)
        .map(|i| {
            let rec = at + 12 + 16 * i;
            let tag: [u8; 4] = file
                .get(rec..rec + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or("表目录越界")?;
            let (offset, len) = (
                read_u32(file, rec + 8)? as usize,
                read_u32(file, rec + 12)? as usize,
            );
            let data = file.get(offset..offset + len).ok_or("表数据越界")?;
            Ok((tag, data))
        })
        .collect()
}

/// A standalone sfnt: sorted table directory, 4-byte aligned tables, checksums and the `head`
/// checksum adjustment as the OpenType spec asks.
pub(crate) fn write_sfnt(version: u32, mut tables: Vec<([u8; 4], Cow<'_, [u8]>)>) -> Vec<u8> {
    tables.sort_by_key(|(t, _)| *t);
    if let Some((_, head)) = tables.iter_mut().find(|(t, _)| t == b"head") {
        if let Some(adjustment) = head.to_mut().get_mut(8..12) {
            adjustment.fill(0);
        }
    }
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros() as u16);
    let size = 12 + 16 * tables.len();
    let mut out = Vec::with_capacity(
        size + tables
            .iter()
            .map(|(_, d)| d.len().next_multiple_of(4))
            .sum::<usize>(),
    );
    out.extend(version.to_be_bytes());
    for w in [
        n,
        power * 16,
        power.trailing_zeros() as u16,
        n * 16 - power * 16,
    ] {
        out.extend(w.to_be_bytes());
    }
    let mut offset = size;
    let mut total = 0u32;
    for (tag, data) in &tables {
        let sum = checksum(data);
        total = total.wrapping_add(sum);
        out.extend(tag);
        out.extend(sum.to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    // The file's sum is the directory's plus every table's (tables are zero-padded).
    total = total.wrapping_add(checksum(&out));
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at.filter(|at| out.len() >= at + 12) {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(total);
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let tail = words.remainder();
    let mut sum = words.fold(0u32, |sum, w| {
        sum.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    });
    if !tail.is_empty() {
        let mut w = [0u8; 4];
        w[..tail.len()].copy_from_slice(tail);
        sum = sum.wrapping_add(u32::from_be_bytes(w));
    }
    sum
}

pub(crate) fn read_u16(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| format!("字体数据在 {at} 处截断"))
}

pub(crate) fn read_u32(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| format!("字体数据在 {at} 处截断"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stub_cmap_maps_nothing_and_parses() {
        let map = CharMap::parse(&stub_cmap()).expect("valid format 4");
        assert!(map.0.is_empty());
    }

    fn words(w: &[u16]) -> Vec<u8> {
        w.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    #[test]
    fn format_4_with_deltas_and_a_glyph_array_is_read() {
        // Two segments: 'A'..'C' by delta (+10 → 75..77) and 'a'..'b' through the glyph array.
        let mut cmap = words(&[0, 1, 3, 1, 0, 12]);
        cmap.extend(words(&[4, 40, 0, 6, 4, 1, 2])); // format, length, language, 3 segments
        cmap.extend(words(&[0x43, 0x62, 0xFFFF, 0])); // endCode, reservedPad
        cmap.extend(words(&[0x41, 0x61, 0xFFFF])); // startCode
        cmap.extend(words(&[10, 0, 1])); // idDelta
        cmap.extend(words(&[0, 4, 0])); // idRangeOffset: segment 1 → glyphIdArray[0]
        cmap.extend(words(&[7, 0])); // 'a' → 7, 'b' → missing
        let map = CharMap::parse(&cmap).expect("format 4");
        assert_eq!(map.glyph('A'), Some(75));
        assert_eq!(map.glyph('C'), Some(77));
        assert_eq!(map.glyph('a'), Some(7));
        assert_eq!(map.glyph('b'), None);
        assert_eq!(map.glyph('D'), None);
    }

    #[test]
    fn format_12_wins_over_format_4_and_reaches_beyond_the_bmp() {
        let mut cmap = words(&[0, 2, 3, 1, 0, 20, 3, 10, 0, 44]);
        cmap.extend(words(&[4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0])); // empty format 4
        cmap.extend(words(&[12, 0, 0, 28, 0, 0, 0, 1])); // format 12, one group
        cmap.extend(words(&[0x2, 0x0BB7, 0x2, 0x0BB8, 0, 500])); // U+20BB7..U+20BB8 → 500..
        let map = CharMap::parse(&cmap).expect("format 12");
        assert_eq!(map.glyph('\u{20BB7}'), Some(500));
        assert_eq!(map.glyph('\u{20BB8}'), Some(501));
        assert_eq!(map.glyph('\u{20BB9}'), None);
    }

    #[test]
    fn the_name_table_keeps_only_the_postscript_name() {
        // Two records: a copyright (id 0) and the PostScript name (id 6), Windows UTF-16BE.
        let ps: Vec<u8> = "Face-Regular"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let mut name = words(&[0, 2, 30, 3, 1, 0x409, 0, 4, 0, 3, 1, 0x409, 6]);
        name.extend(words(&[ps.len() as u16, 4]));
        name.extend(words(&[0x00A9, 0x0032])); // "©2"
        name.extend(&ps);
        let short = postscript_name_only(&name).expect("has a PostScript name");
        assert_eq!(&short[18..], ps.as_slice());
        assert_eq!(read_u16(&short, 2), Ok(1));
    }

    #[test]
    fn the_directory_is_sorted_aligned_and_checksummed() {
        let mut head = vec![0u8; 54];
        head[12..16].copy_from_slice(&0x5F0F_3CF5u32.to_be_bytes());
        let sfnt = write_sfnt(
            0x0001_0000,
            vec![
                (*b"post", Cow::Owned(vec![1, 2, 3])),
                (*b"head", Cow::Owned(head)),
            ],
        );
        assert_eq!(read_u16(&sfnt, 4), Ok(2));
        assert_eq!(&sfnt[12..16], b"head");
        assert_eq!(&sfnt[28..32], b"post");
        assert_eq!(sfnt.len() % 4, 0);
        // The whole file sums to the magic number once the adjustment is in.
        assert_eq!(checksum(&sfnt), 0xB1B0_AFBA);
    }
}
