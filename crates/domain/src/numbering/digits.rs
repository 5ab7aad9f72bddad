//! Shared parsing of the all-digit numbers with a MOD 11-2 check character.

use super::{NumberType, NumberingError};
use crate::checksum::{mod11_2, mod11_2_char};
use crate::ids::trim_ascii_ws;

/// Trim, drop the hyphens of the grouped form (only where the grouped form has them), check the
/// length, the characters and the check character, and return the body digits.
///
/// `groups` are the lengths of the groups of the grouped form, check character included.
pub(super) fn parse_checked(
    input: &str,
    number: NumberType,
    groups: &[usize],
) -> Result<Vec<u8>, NumberingError> {
    let total: usize = groups.iter().sum();
    let trimmed = trim_ascii_ws(input);
    let mut chars: Vec<char> = trimmed.chars().collect();
    if chars.len() == total + groups.len() - 1 && is_grouped(&chars, groups) {
        chars.retain(|&c| c != '-');
    }
    if chars.len() != total {
        return Err(NumberingError::BadLength {
            number,
            actual: chars.len(),
            expected: match number {
                NumberType::Acceptance => "21 位（20 位数字 + 1 位校验码）",
                NumberType::Registration => "17 位（16 位数字 + 1 位校验码）",
            },
        });
    }
    let mut body = Vec::with_capacity(total - 1);
    for (i, &c) in chars[..total - 1].iter().enumerate() {
        if !c.is_ascii_digit() {
            return Err(NumberingError::BadChar {
                number,
                ch: c,
                position: i + 1,
                rule: "校验码之前必须全部是半角数字",
            });
        }
        body.push(c as u8 - b'0');
    }
    let last = chars[total - 1].to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(NumberingError::BadChar {
            number,
            ch: chars[total - 1],
            position: total,
            rule: "校验码只能是半角数字或 X",
        });
    }
    let expected = mod11_2_char(mod11_2(&body));
    if expected != last {
        return Err(NumberingError::BadCheck {
            number,
            expected,
            actual: last,
        });
    }
    Ok(body)
}

fn is_grouped(chars: &[char], groups: &[usize]) -> bool {
    let mut at = 0;
    for (i, g) in groups.iter().enumerate() {
        at += g;
        if i + 1 < groups.len() {
            if chars.get(at) != Some(&'-') {
                return false;
            }
            at += 1;
        }
    }
    chars.iter().filter(|&&c| c == '-').count() == groups.len() - 1
}

/// Digits to a number; callers pass short slices, so it cannot overflow.
pub(super) fn value(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &x| acc * 10 + u32::from(x))
}

/// Append the digits of `v` zero-padded to `width`.
pub(super) fn push_padded(out: &mut Vec<u8>, v: u32, width: usize) {
    let s = format!("{v:0width$}");
    out.extend(s.bytes().map(|b| b - b'0'));
}

/// The body digits plus their check character as a string.
pub(super) fn render(body: &[u8]) -> String {
    let mut s: String = body.iter().map(|&d| char::from(b'0' + d)).collect();
    s.push(mod11_2_char(mod11_2(body)));
    s
}
