//! Check-character arithmetic shared by several identifiers.

/// ISO 7064 MOD 11-2 over `digits` (values 0..=9), returning the check value 0..=10.
///
/// The weight of the i-th digit (1-based) of an n-digit body is `2^(n+1-i) mod 11`, and the check
/// value is `(12 - S mod 11) mod 11`, so that the whole string including the check (weight 1)
/// sums to 1 mod 11. GB 11643-1999 uses this for the 18th character of the citizen ID; the
/// acceptance number (ARCHITECTURE.md §4) and the registration number reuse it. Because 11 is
/// prime and adjacent weights differ, every single-digit change and every swap of two different
/// adjacent characters changes the sum, so the check catches it.
pub(crate) fn mod11_2(digits: &[u8]) -> u8 {
    let mut weight: u32 = 1;
    let mut sum: u32 = 0;
    for &d in digits.iter().rev() {
        weight = (weight * 2) % 11;
        sum += u32::from(d) * weight;
    }
    // The result is < 11, so the narrowing cannot lose anything.
    ((12 - sum % 11) % 11) as u8
}

/// The written form of a MOD 11-2 check value: `0`..`9`, and `X` for 10.
pub(crate) fn mod11_2_char(value: u8) -> char {
    match value {
        10 => 'X',
        v => char::from(b'0' + v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_match_gb11643() {
        // GB 11643-1999 weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2: a single 1 in each place
        // gives S = weight, so the check is (12 - w) mod 11.
        let weights = [7u8, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        for (i, w) in weights.iter().enumerate() {
            let mut d = [0u8; 17];
            d[i] = 1;
            assert_eq!(mod11_2(&d), (12 - w) % 11);
        }
    }
}
