//! Subsetting a TrueType face for one voucher: the glyphs it prints (plus `.notdef` and the
//! components of composite glyphs, which wqy-microhei uses for most hanzi), renumbered from 0.
//!
//! printpdf can subset, but its subsetter parses a record for every glyph of the face on every
//! call (49,531 in wqy-microhei, 52,008 in HanaMinA): about a fifth of a voucher's time, and
//! more than half of one with a rare character. Here only the used glyphs are read. CFF faces
//! (Noto Sans CJK) still go through printpdf.
//!
//! The subset is named `XXXXXX+PostScriptName` with a tag derived from its glyphs, so the same
//! glyphs always make the same bytes and different subsets do not share a name (a printer that
//! caches fonts by name must not mix them up).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::glyf::components;
use crate::sfnt::{
    face_tables, name_table, postscript_name, read_u16, read_u32, stub_cmap, write_sfnt,
};

/// A face's subset for one voucher.
pub struct Subset {
    /// A TrueType font program with glyphs 0..n.
    pub bytes: Vec<u8>,
    /// Glyph id in the face → glyph id in the subset.
    pub new_ids: BTreeMap<u16, u16>,
}

/// The subset of `face` (a face from `sfnt::print_face`) holding `used`; `Ok(None)` when the
/// face has no TrueType outlines.
pub fn subset_glyf(face: &[u8], used: &BTreeSet<u16>) -> Result<Option<Subset>, String> {
    let tables = face_tables(face, 0)?;
    let table = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d);
    let (Some(glyf), Some(loca)) = (table(b"glyf"), table(b"loca")) else {
        return Ok(None);
    };
    let head = table(b"head").ok_or("没有 head 表")?;
    let hhea = table(b"hhea").ok_or("没有 hhea 表")?;
    let maxp = table(b"maxp").ok_or("没有 maxp 表")?;
    let hmtx = table(b"hmtx").ok_or("没有 hmtx 表")?;
    let long_loca = read_u16(head, 50)? == 1;
    let glyphs = read_u16(maxp, 4)?;
    let glyph = |gid: u16| -> Result<&[u8], String> {
        let at = |i: usize| -> Result<usize, String> {
            Ok(if long_loca {
                read_u32(loca, 4 * i)? as usize
            } else {
                2 * usize::from(read_u16(loca, 2 * i)?)
            })
        };
        let i = usize::from(gid);
        glyf.get(at(i)?..at(i + 1)?)
            .ok_or_else(|| "loca 指向 glyf 之外".to_owned())
    };

    // New order: .notdef, the used glyphs, then components as they are found.
    let mut order: Vec<u16> = std::iter::once(0)
        .chain(used.iter().copied().filter(|g| *g != 0 && *g < glyphs))
        .collect();
    let mut new_ids: BTreeMap<u16, u16> = BTreeMap::new();
    for (i, g) in order.iter().enumerate() {
        new_ids.insert(*g, i as u16);
    }
    let mut i = 0;
    while i < order.len() {
        let g = glyph(order[i])?;
        if is_composite(g)? {
            for (_, component) in components(g)? {
                if component < glyphs && !new_ids.contains_key(&component) {
                    new_ids.insert(component, order.len() as u16);
                    order.push(component);
                }
            }
        }
        i += 1;
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (order.len() + 1));
    for old in &order {
        new_loca.extend((new_glyf.len() as u32).to_be_bytes());
        let g = glyph(*old)?;
        let start = new_glyf.len();
        new_glyf.extend_from_slice(g);
        if is_composite(g)? {
            for (at, component) in components(g)? {
                let new = new_ids.get(&component).copied().unwrap_or(0);
                new_glyf[start + at..start + at + 2].copy_from_slice(&new.to_be_bytes());
            }
        }
        new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
    }
    new_loca.extend((new_glyf.len() as u32).to_be_bytes());

    let metrics = usize::from(read_u16(hhea, 34)?).max(1);
    let mut new_hmtx = Vec::with_capacity(4 * order.len());
    for old in &order {
        let g = usize::from(*old);
        let (advance, lsb) = if g < metrics {
            (read_u16(hmtx, 4 * g)?, read_u16(hmtx, 4 * g + 2)?)
        } else {
            let lsb_at = 4 * metrics + 2 * (g - metrics);
            (read_u16(hmtx, 4 * (metrics - 1))?, read_u16(hmtx, lsb_at)?)
        };
        new_hmtx.extend(advance.to_be_bytes());
        new_hmtx.extend(lsb.to_be_bytes());
    }

    let n = (order.len() as u16).to_be_bytes();
    let patched = |data: &[u8], at: usize, value: [u8; 2]| -> Result<Vec<u8>, String> {
        let mut v = data.to_vec();
        v.get_mut(at..at + 2)
            .ok_or("表过短")?
            .copy_from_slice(&value);
        Ok(v)
    };
    let name = table(b"name").and_then(postscript_name).unwrap_or_default();
    let tagged = format!("{}+{name}", tag(&name, &order));
    let mut out: Vec<([u8; 4], Cow<'_, [u8]>)> = vec![
        (*b"head", Cow::Owned(patched(head, 50, 1u16.to_be_bytes())?)),
        (*b"hhea", Cow::Owned(patched(hhea, 34, n)?)),
        (*b"maxp", Cow::Owned(patched(maxp, 4, n)?)),
        (*b"hmtx", Cow::Owned(new_hmtx)),
        (*b"loca", Cow::Owned(new_loca)),
        (*b"glyf", Cow::Owned(new_glyf)),
        (*b"cmap", Cow::Owned(stub_cmap())),
        (*b"name", Cow::Owned(name_table(&tagged))),
    ];
    // OS/2 gives the PDF's font descriptor the face's weight (StemV) and cap height.
    for tag in [b"OS/2", b"post"] {
        if let Some(data) = table(tag) {
            out.push((*tag, Cow::Borrowed(data)));
        }
    }
    Ok(Some(Subset {
        bytes: write_sfnt(0x0001_0000, out),
        new_ids,
    }))
}

fn is_composite(glyph: &[u8]) -> Result<bool, String> {
    Ok(!glyph.is_empty() && (read_u16(glyph, 0)? as i16) < 0)
}

/// Six capital letters from the face name and the glyphs (ISO 32000-1 §9.6.4).
fn tag(name: &str, order: &[u16]) -> String {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    for g in order {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[u16]) -> Vec<u8> {
        w.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    /// A face of 4 glyphs: .notdef (empty), a triangle, a composite of the triangle, and one
    /// more triangle; two long metrics, so glyphs 2 and 3 share the last advance.
    fn face() -> Vec<u8> {
        let mut triangle = words(&[1, 0, 0, 10, 10, 2, 0]); // 1 contour, bbox, endPt 2, no instr.
        triangle.extend([7, 7, 7, 0, 5, 5, 0, 5, 5, 0, 0, 0]); // flags, x, y, padding
        let mut composite = words(&[0xFFFF, 0, 0, 10, 10]);
        composite.extend(words(&[0x0002, 1, 0])); // ARGS_ARE_XY_VALUES, glyph 1, dx 0 dy 0
        let glyf = [triangle.clone(), composite, triangle].concat();
        let loca = words(&[0, 0, 13, 21, 34]); // short loca: offsets / 2
        let mut head = vec![0u8; 54];
        head[12..16].copy_from_slice(&0x5F0F_3CF5u32.to_be_bytes());
        let mut hhea = vec![0u8; 36];
        hhea[34..36].copy_from_slice(&2u16.to_be_bytes());
        let maxp = words(&[0, 0x5000, 4]); // version 0.5, 4 glyphs
        let hmtx = words(&[500, 0, 1000, 1, 2, 3]); // 2 long metrics, then lsb 2 and 3
        write_sfnt(
            0x0001_0000,
            vec![
                (*b"head", Cow::Owned(head)),
                (*b"hhea", Cow::Owned(hhea)),
                (*b"maxp", Cow::Owned(maxp)),
                (*b"hmtx", Cow::Owned(hmtx)),
                (*b"loca", Cow::Owned(loca)),
                (*b"glyf", Cow::Owned(glyf)),
                (*b"name", Cow::Owned(name_table("Face-Regular"))),
            ],
        )
    }

    #[test]
    fn used_glyphs_and_their_components_are_renumbered_from_one() {
        let used = BTreeSet::from([3, 2]);
        let s = subset_glyf(&face(), &used)
            .expect("subset")
            .expect("TrueType");
        // .notdef, the used glyphs in order, then the component the composite needs.
        assert_eq!(s.new_ids, BTreeMap::from([(0, 0), (1, 3), (2, 1), (3, 2)]));
        let tables = face_tables(&s.bytes, 0).expect("valid sfnt");
        let table = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).expect("table").1;
        assert_eq!(read_u16(table(b"maxp"), 4), Ok(4));
        assert_eq!(read_u16(table(b"hhea"), 34), Ok(4));
        assert_eq!(read_u16(table(b"head"), 50), Ok(1));
        // Advances: .notdef 500, glyph 2 and 3 the last long metric (1000), glyph 1 1000.
        assert_eq!(table(b"hmtx"), words(&[500, 0, 1000, 2, 1000, 3, 1000, 1]));
        // The composite (now glyph 1) points at the triangle's new id, 3.
        let loca = table(b"loca");
        let start = read_u32(loca, 4).expect("loca") as usize;
        assert_eq!(read_u16(table(b"glyf"), start + 12), Ok(3));
        let name = postscript_name(table(b"name")).expect("name");
        assert!(
            name.ends_with("+Face-Regular") && name.len() == 19,
            "{name}"
        );
    }

    #[test]
    fn the_tag_depends_on_the_glyphs() {
        assert_eq!(tag("F", &[0, 1]), tag("F", &[0, 1]));
        assert_ne!(tag("F", &[0, 1]), tag("F", &[0, 2]));
        assert!(tag("F", &[0]).chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn a_cff_face_is_left_to_printpdf() {
        let cff = write_sfnt(0x4F54_544F, vec![(*b"CFF ", Cow::Owned(vec![1, 0, 4, 1]))]);
        assert!(matches!(subset_glyf(&cff, &BTreeSet::from([1])), Ok(None)));
    }
}
