//! The rare-character check (生僻字). Every character is looked up in the font chain before
//! anything is drawn; one with no glyph anywhere would print as a blank box on a legal
//! document, so rendering refuses (`receipt.missing_glyph`) unless the caller asks for a marked
//! substitution: the character becomes 〓 and a footnote lists the code points.

use std::collections::BTreeSet;

use crate::fonts::FontSet;

/// The visible placeholder printed for a character no font has (U+3013 GETA MARK, the
/// traditional typesetter's mark for a missing character).
pub const SUBSTITUTE: char = '〓';

/// The characters of `texts` that no face of `fonts` has, sorted and without duplicates.
pub fn missing_glyphs<'a>(fonts: &FontSet, texts: impl IntoIterator<Item = &'a str>) -> Vec<char> {
    let mut missing = BTreeSet::new();
    for t in texts {
        for c in t.chars() {
            if c != '\n' && fonts.face_for(c).is_none() {
                missing.insert(c);
            }
        }
    }
    missing.into_iter().collect()
}

/// `s` with every character of `missing` replaced by [`SUBSTITUTE`].
pub fn substitute(s: &str, missing: &[char]) -> String {
    s.chars()
        .map(|c| if missing.contains(&c) { SUBSTITUTE } else { c })
        .collect()
}

/// The footnote printed when characters were substituted.
pub fn footnote(missing: &[char]) -> String {
    let points = missing
        .iter()
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect::<Vec<_>>()
        .join("、");
    format!("注：文中“{SUBSTITUTE}”为字库缺字，所缺字的 Unicode 码位为 {points}，以申请人身份证件为准。")
}
