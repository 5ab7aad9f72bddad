//! Masking for screens and logs. ID numbers are sensitive personal information (PIPL art. 28), and
//! DOMAIN.md §8 asks that they never appear whole on screen or in a log line.

use super::trim_ascii_ws;

/// Keep the first `head` and last `tail` characters and star the rest; strings too short to keep
/// anything meaningful hidden are starred entirely.
fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `110101199003071233` → `110***********1233`: the province-level prefix and the last four
/// characters (what a citizen is asked to confirm on the status page) stay visible.
pub fn mask_resident_id(id: &str) -> String {
    keep_ends(trim_ascii_ws(id), 3, 4)
}

/// `13800138000` → `138****8000`; `0571-00001101` → `0571-****1101`.
pub fn mask_phone(phone: &str) -> String {
    let s = trim_ascii_ws(phone);
    match s.split_once('-') {
        Some((area, rest)) if area.starts_with('0') => {
            let (local, ext) = match rest.split_once('-') {
                Some((l, e)) => (l, Some(e)),
                None => (rest, None),
            };
            let mut out = format!("{area}-{}", keep_ends(local, 0, 4));
            if let Some(e) = ext {
                out.push('-');
                out.push_str(e);
            }
            out
        }
        _ => keep_ends(s, 3, 4),
    }
}

fn is_mobile(run: &[u8]) -> bool {
    run.len() == 11 && run[0] == b'1' && (b'3'..=b'9').contains(&run[1])
}

/// Mask everything in free text that looks like a citizen ID (17 digits followed by a digit or
/// X/x) or a mainland mobile number (11 digits starting `1[3-9]`, optionally after `86`).
///
/// A match must be a whole run of digits, so longer numbers such as the 21-character acceptance
/// number are left alone. The check character is not verified: a mistyped ID is still personal
/// data and is masked too.
pub fn mask_personal_data(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &bytes[start..i];
        let x_follows = i < bytes.len()
            && (bytes[i] == b'X' || bytes[i] == b'x')
            && !bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric());
        // All indices below fall on ASCII bytes, so the slices are on char boundaries.
        let masked = if run.len() == 17 && x_follows {
            i += 1;
            Some(mask_resident_id(&text[start..i]))
        } else if run.len() == 18 {
            Some(mask_resident_id(&text[start..i]))
        } else if is_mobile(run) {
            Some(mask_phone(&text[start..i]))
        } else if run.len() == 13 && run.starts_with(b"86") && is_mobile(&run[2..]) {
            Some(format!("86{}", mask_phone(&text[start + 2..i])))
        } else {
            None
        };
        if let Some(m) = masked {
            out.push_str(&text[copied..start]);
            out.push_str(&m);
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_ids_and_phones() {
        assert_eq!(mask_resident_id("110101199003071233"), "110***********1233");
        assert_eq!(mask_resident_id("123"), "***");
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("0571-00001101"), "0571-****1101");
        assert_eq!(mask_phone("0571-00001101-12"), "0571-****1101-12");
    }

    #[test]
    fn masks_inside_text() {
        let line =
            "申请人 张三 身份证 44030519880808008x，电话13800138000；受理号 990101000126112700011";
        assert_eq!(
            mask_personal_data(line),
            "申请人 张三 身份证 440***********008x，电话138****8000；受理号 990101000126112700011"
        );
        assert_eq!(
            mask_personal_data("id=110101199003071233&tel=+8613912345678"),
            "id=110***********1233&tel=+86139****5678"
        );
        // Not a mobile (second digit 2), not an ID (19 digits), and an X that starts a word.
        assert_eq!(mask_personal_data("12800138000"), "12800138000");
        assert_eq!(
            mask_personal_data("3301061985112021467"),
            "3301061985112021467"
        );
        assert_eq!(
            mask_personal_data("11010119900307123Xyz"),
            "11010119900307123Xyz"
        );
        assert_eq!(mask_personal_data(""), "");
    }
}
