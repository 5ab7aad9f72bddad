//! Finding an item at the window by what the clerk types: part of its name, its code, or the
//! pinyin initials of its name (`gtgsh` finds 个体工商户…). Clerks type initials because they are
//! faster than an input method; a character with several readings (多音字, such as 行 or 长)
//! matches on any of them, so the clerk never has to guess which one the index chose.

use pinyin::ToPinyinMulti;

use super::Item;

/// How well an item matched; lower sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    CodeExact,
    NameStart,
    NameContains,
    InitialsStart,
    InitialsContain,
    CodeContains,
}

/// The search key of one item, built once per catalogue edition.
#[derive(Debug, Clone)]
pub struct ItemKey {
    pub impl_code: String,
    basic_code: String,
    name: String,
    /// Per searchable character of the name, the initials it may be typed as.
    initials: Vec<Vec<char>>,
}

impl ItemKey {
    pub fn new(item: &Item) -> ItemKey {
        ItemKey {
            impl_code: item.impl_code.clone(),
            basic_code: item.basic_code.clone(),
            name: item.name.clone(),
            initials: initials_of(&item.name),
        }
    }

    /// How `query` matches this item, if it does. The query is trimmed; Latin letters match
    /// initials case-insensitively.
    pub fn rank(&self, query: &str) -> Option<MatchRank> {
        let q = query.trim();
        if q.is_empty() {
            return None;
        }
        if q.eq_ignore_ascii_case(&self.impl_code) || q.eq_ignore_ascii_case(&self.basic_code) {
            return Some(MatchRank::CodeExact);
        }
        if self.name.starts_with(q) {
            return Some(MatchRank::NameStart);
        }
        if self.name.contains(q) {
            return Some(MatchRank::NameContains);
        }
        let letters: Vec<char> = q.chars().map(|c| c.to_ascii_lowercase()).collect();
        if letters.iter().all(|c| c.is_ascii_alphabetic()) {
            match initials_at(&self.initials, &letters) {
                Some(0) => return Some(MatchRank::InitialsStart),
                Some(_) => return Some(MatchRank::InitialsContain),
                None => {}
            }
        }
        let upper = q.to_ascii_uppercase();
        if self.impl_code.to_ascii_uppercase().contains(&upper)
            || self.basic_code.to_ascii_uppercase().contains(&upper)
        {
            return Some(MatchRank::CodeContains);
        }
        None
    }
}

/// The initials of each character of `name` that can be typed: Chinese characters give their
/// pinyin initials (all readings), Latin letters and digits themselves; punctuation is skipped
/// so 个体工商户（个人） reads as one run.
fn initials_of(name: &str) -> Vec<Vec<char>> {
    name.chars()
        .zip(name.to_pinyin_multi())
        .filter_map(|(ch, readings)| {
            let mut set: Vec<char> = match readings {
                Some(multi) => multi
                    .into_iter()
                    .filter_map(|p| p.first_letter().chars().next())
                    .collect(),
                None if ch.is_ascii_alphanumeric() => vec![ch.to_ascii_lowercase()],
                None => Vec::new(),
            };
            set.sort_unstable();
            set.dedup();
            (!set.is_empty()).then_some(set)
        })
        .collect()
}

/// The first position where `letters` match consecutive characters' initials.
fn initials_at(initials: &[Vec<char>], letters: &[char]) -> Option<usize> {
    if letters.len() > initials.len() {
        return None;
    }
    (0..=initials.len() - letters.len()).find(|&start| {
        letters
            .iter()
            .zip(&initials[start..])
            .all(|(l, set)| set.contains(l))
    })
}

/// The items matching `query`, best first (then by name), at most `limit`.
pub fn search<'a>(keys: &'a [ItemKey], query: &str, limit: usize) -> Vec<&'a ItemKey> {
    let mut hits: Vec<(MatchRank, &ItemKey)> = keys
        .iter()
        .filter_map(|k| k.rank(query).map(|r| (r, k)))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    hits.into_iter().take(limit).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, code: &str) -> ItemKey {
        ItemKey {
            impl_code: code.to_owned(),
            basic_code: format!("B{code}"),
            name: name.to_owned(),
            initials: initials_of(name),
        }
    }

    #[test]
    fn initials_find_the_item() {
        let k = key("个体工商户设立登记", "X1");
        assert_eq!(k.rank("gtgsh"), Some(MatchRank::InitialsStart));
        assert_eq!(k.rank("GTGSH"), Some(MatchRank::InitialsStart));
        assert_eq!(k.rank("gsh"), Some(MatchRank::InitialsContain));
        assert_eq!(k.rank("gtgsx"), None);
    }

    #[test]
    fn any_reading_of_a_polyphone_matches() {
        // 行 reads xíng and háng; 银行 is typed "yh", 行政 "xz".
        let k = key("银行开户行政许可", "X2");
        assert!(k.rank("yhkh").is_some());
        assert!(k.rank("xzxk").is_some());
    }

    #[test]
    fn punctuation_is_skipped_and_codes_match() {
        let k = key("食品经营许可（新办）", "11330000MB0001");
        assert_eq!(k.rank("jyxkxb"), Some(MatchRank::InitialsContain));
        assert_eq!(k.rank("11330000mb0001"), Some(MatchRank::CodeExact));
        assert_eq!(k.rank("MB00"), Some(MatchRank::CodeContains));
        assert_eq!(k.rank("食品"), Some(MatchRank::NameStart));
        assert_eq!(k.rank("经营"), Some(MatchRank::NameContains));
        assert_eq!(k.rank("  "), None);
    }

    #[test]
    fn results_are_ranked() {
        let keys = vec![
            key("农村个体工商户登记", "A"),
            key("个体工商户设立登记", "B"),
            key("道路运输许可", "C"),
        ];
        let hits: Vec<&str> = search(&keys, "gtgsh", 10)
            .iter()
            .map(|k| k.impl_code.as_str())
            .collect();
        assert_eq!(hits, vec!["B", "A"]);
    }
}
