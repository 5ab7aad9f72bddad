//! Removing TrueType hinting instructions from `glyf`, glyph ids unchanged. Instructions only
//! steer the rasteriser on low-resolution screens; a voucher is read on paper (and viewers
//! render unhinted at zoom anyway), while the instructions of a CJK face are about an eighth of
//! every embedded glyph.

use crate::sfnt::{read_u16, read_u32};

/// Composite glyph component flags (OpenType `glyf`).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
const WE_HAVE_INSTRUCTIONS: u16 = 0x0100;

/// Rebuilt `glyf` and `loca` tables (`loca` in the long format).
pub struct Unhinted {
    pub glyf: Vec<u8>,
    pub loca: Vec<u8>,
}

/// `glyf` and a long-format `loca` for the same `glyphs` glyphs, without instructions; `None`
/// when no glyph has any (the Hanazono faces), so the tables can be used as they are.
pub fn strip_instructions(
    glyf: &[u8],
    loca: &[u8],
    glyphs: usize,
    long_loca: bool,
) -> Result<Option<Unhinted>, String> {
    let offset = |i: usize| -> Result<usize, String> {
        Ok(if long_loca {
            read_u32(loca, 4 * i)? as usize
        } else {
            2 * usize::from(read_u16(loca, 2 * i)?)
        })
    };
    let glyph = |i: usize| -> Result<&[u8], String> {
        glyf.get(offset(i)?..offset(i + 1)?)
            .ok_or_else(|| "loca 指向 glyf 之外".to_owned())
    };
    let mut hinted = false;
    for i in 0..glyphs {
        if has_instructions(glyph(i)?)? {
            hinted = true;
            break;
        }
    }
    if !hinted {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for i in 0..glyphs {
        new_loca.extend((out.len() as u32).to_be_bytes());
        let g = glyph(i)?;
        if !g.is_empty() {
            strip_glyph(g, &mut out)?;
            // Glyph offsets stay 4-byte aligned, as the spec recommends.
            out.resize(out.len().next_multiple_of(4), 0);
        }
    }
    new_loca.extend((out.len() as u32).to_be_bytes());
    Ok(Some(Unhinted {
        glyf: out,
        loca: new_loca,
    }))
}

fn has_instructions(glyph: &[u8]) -> Result<bool, String> {
    if glyph.is_empty() {
        return Ok(false);
    }
    let contours = read_u16(glyph, 0)? as i16;
    if contours >= 0 {
        return Ok(read_u16(glyph, 10 + 2 * contours as usize)? != 0);
    }
    let (last_flags_at, _) = component_extent(glyph)?;
    Ok(read_u16(glyph, last_flags_at)? & WE_HAVE_INSTRUCTIONS != 0)
}

/// Append `glyph` without its instructions to `out`.
fn strip_glyph(glyph: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let contours = read_u16(glyph, 0)? as i16;
    if contours >= 0 {
        // Header (10 bytes), endPtsOfContours, instructionLength, instructions, flags and points
        // (then the file's padding, which is left out: the caller aligns again).
        let contours = contours as usize;
        let len_at = 10 + 2 * contours;
        let points_at = len_at + 2 + usize::from(read_u16(glyph, len_at)?);
        let points = match contours {
            0 => 0,
            _ => usize::from(read_u16(glyph, len_at - 2)?) + 1,
        };
        let end = points_at + outline_len(glyph.get(points_at..).unwrap_or(&[]), points)?;
        let outline = glyph.get(points_at..end).ok_or("字形轮廓越界")?;
        out.extend(&glyph[..len_at]);
        out.extend([0, 0]);
        out.extend(outline);
        return Ok(());
    }
    // Composite: keep the components, clear WE_HAVE_INSTRUCTIONS and drop what follows them.
    let (last_flags_at, end) = component_extent(glyph)?;
    let first = out.len();
    out.extend(&glyph[..end]);
    let flags = read_u16(glyph, last_flags_at)? & !WE_HAVE_INSTRUCTIONS;
    let at = first + last_flags_at;
    out[at..at + 2].copy_from_slice(&flags.to_be_bytes());
    Ok(())
}

/// Bytes of the flags and coordinates of a simple glyph with `points` points.
fn outline_len(data: &[u8], points: usize) -> Result<usize, String> {
    const X_SHORT: u8 = 0x02;
    const Y_SHORT: u8 = 0x04;
    const REPEAT: u8 = 0x08;
    const X_SAME_OR_POSITIVE: u8 = 0x10;
    const Y_SAME_OR_POSITIVE: u8 = 0x20;
    let byte = |at: usize| data.get(at).copied().ok_or("字形标志越界");
    let (mut at, mut seen, mut coords) = (0, 0, 0);
    while seen < points {
        let flag = byte(at)?;
        at += 1;
        let mut times = 1;
        if flag & REPEAT != 0 {
            times += usize::from(byte(at)?);
            at += 1;
        }
        let x = match (flag & X_SHORT != 0, flag & X_SAME_OR_POSITIVE != 0) {
            (true, _) => 1,
            (false, true) => 0,
            (false, false) => 2,
        };
        let y = match (flag & Y_SHORT != 0, flag & Y_SAME_OR_POSITIVE != 0) {
            (true, _) => 1,
            (false, true) => 0,
            (false, false) => 2,
        };
        coords += (x + y) * times;
        seen += times;
    }
    Ok(at + coords)
}

/// Where the last component's flags are and where the components end, in a composite glyph.
fn component_extent(glyph: &[u8]) -> Result<(usize, usize), String> {
    let last = walk_components(glyph)?.pop().ok_or("复合字形没有部件")?;
    Ok(last)
}

/// The components of a composite glyph: where each one's glyph id is, and the id.
pub fn components(glyph: &[u8]) -> Result<Vec<(usize, u16)>, String> {
    walk_components(glyph)?
        .into_iter()
        .map(|(flags_at, _)| Ok((flags_at + 2, read_u16(glyph, flags_at + 2)?)))
        .collect()
}

/// (where its flags are, where it ends) for each component of a composite glyph.
fn walk_components(glyph: &[u8]) -> Result<Vec<(usize, usize)>, String> {
    let mut found = Vec::new();
    let mut at = 10;
    loop {
        let flags = read_u16(glyph, at)?;
        let mut len = 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        if flags & WE_HAVE_A_SCALE != 0 {
            len += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            len += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            len += 8;
        }
        let end = at + len;
        if end > glyph.len() {
            return Err("复合字形越界".into());
        }
        found.push((at, end));
        if flags & MORE_COMPONENTS == 0 {
            return Ok(found);
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-contour triangle with 3 bytes of instructions.
    fn simple() -> Vec<u8> {
        let mut g = vec![0, 1, 0, 0, 0, 0, 0, 10, 0, 10]; // 1 contour, bbox
        g.extend([0, 2]); // endPts: last point 2
        g.extend([0, 3, 0xB0, 0x01, 0x2F]); // 3 instruction bytes
        g.extend([7, 7, 7, 0, 5, 5, 0, 5, 5]); // flags (on curve, short x, short y), x, y
        g
    }

    #[test]
    fn simple_glyph_loses_only_its_instructions_and_padding() {
        let mut padded = simple();
        padded.extend([0, 0, 0]);
        let mut out = Vec::new();
        strip_glyph(&padded, &mut out).expect("strip");
        let mut want = simple();
        want.drain(14..17);
        want[12..14].copy_from_slice(&[0, 0]);
        assert_eq!(out, want);
    }

    #[test]
    fn repeated_flags_and_long_coordinates_are_measured() {
        // 4 points: flag 0x09 (on curve, repeated twice more) with 2-byte x and y, then 0x31
        // (x and y unchanged, no bytes) for the last point.
        let data = [0x09, 2, 0x31, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6];
        assert_eq!(outline_len(&data, 4), Ok(data.len()));
        assert!(outline_len(&data[..2], 4).is_err());
    }

    #[test]
    fn composite_glyph_loses_its_instruction_flag_and_bytes() {
        let mut g = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10];
        g.extend([0x00, 0x20 | 0x01, 0, 5, 0, 1, 0, 2]); // word args, more components
        g.extend([0x01, 0x08, 0, 6, 1, 2, 0x40, 0]); // byte args, scale, instructions
        g.extend([0, 2, 0xB0, 0x01]); // instructions
        let mut out = Vec::new();
        strip_glyph(&g, &mut out).expect("strip");
        assert_eq!(out.len(), g.len() - 4);
        assert_eq!(&out[18..20], &[0x00, 0x08]);
        assert_eq!(components(&g), Ok(vec![(12, 5), (20, 6)]));
    }

    #[test]
    fn loca_is_rebuilt_long_and_aligned() {
        let mut glyf = simple();
        let second = glyf.len();
        glyf.extend(simple());
        let loca: Vec<u8> = [0u16, 0, second as u16 / 2, glyf.len() as u16 / 2]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        // Glyph 0 is empty (as .notdef may be), glyphs 1 and 2 are triangles.
        let Unhinted {
            glyf: new_glyf,
            loca: new_loca,
        } = strip_instructions(&glyf, &loca, 3, false)
            .expect("strip")
            .expect("hinted");
        let at = |i: usize| read_u32(&new_loca, 4 * i).expect("loca");
        assert_eq!((at(0), at(1)), (0, 0));
        assert_eq!(at(2) % 4, 0);
        assert_eq!(at(3) as usize, new_glyf.len());
        assert!(new_glyf.len() < glyf.len());
    }

    #[test]
    fn an_unhinted_face_is_left_alone() {
        let mut g = simple();
        g.drain(14..17);
        g[12..14].copy_from_slice(&[0, 0]);
        let loca: Vec<u8> = [0u16, g.len() as u16 / 2]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert!(matches!(strip_instructions(&g, &loca, 1, false), Ok(None)));
    }
}
