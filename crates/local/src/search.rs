//! Name search over the applicant library. FTS5's trigram tokenizer finds substrings of three or
//! more characters; most Chinese names are two or three characters, so two-character queries go
//! to an indexed table of every two-character substring (bigram) of every name instead.

use rusqlite::{params, Connection};

use crate::error::Result;

/// Every distinct two-character substring of `name` (for a one-character name, the name itself).
pub fn bigrams(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<String> = if chars.len() < 2 {
        vec![chars.iter().collect()]
    } else {
        chars.windows(2).map(|w| w.iter().collect()).collect()
    };
    out.retain(|s| !s.is_empty());
    out.sort();
    out.dedup();
    out
}

/// Replaces the bigrams of the applicant at `row` (`old_name` is `None` for a new applicant).
/// Rows are deleted by their full key, so a rename never scans the table.
pub fn index_name(conn: &Connection, row: i64, old_name: Option<&str>, name: &str) -> Result<()> {
    if let Some(old) = old_name {
        let mut delete = conn.prepare_cached(
            "DELETE FROM applicant_name_bigrams WHERE bigram = ?1 AND applicant_row = ?2",
        )?;
        for g in bigrams(old) {
            delete.execute(params![g, row])?;
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO applicant_name_bigrams (bigram, applicant_row) VALUES (?1, ?2)",
    )?;
    for g in bigrams(name) {
        insert.execute(params![g, row])?;
    }
    Ok(())
}

/// The rowids of applicants whose name contains `query`, at most `limit`.
pub fn name_rows(conn: &Connection, query: &str, limit: usize) -> Result<Vec<i64>> {
    let q: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    let n = q.chars().count();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    if n == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<i64> = if n >= 3 {
        // A phrase query: the trigram tokenizer matches it as a substring. Quotes inside the
        // query are doubled so user text is never FTS syntax.
        let phrase = format!("\"{}\"", q.replace('"', "\"\""));
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM applicant_names_fts WHERE applicant_names_fts MATCH ?1 LIMIT ?2",
        )?;
        let r = stmt.query_map(params![phrase, limit], |r| r.get(0))?;
        r.collect::<rusqlite::Result<_>>()?
    } else if n == 2 {
        let mut stmt = conn.prepare_cached(
            "SELECT applicant_row FROM applicant_name_bigrams WHERE bigram = ?1 LIMIT ?2",
        )?;
        let r = stmt.query_map(params![q, limit], |r| r.get(0))?;
        r.collect::<rusqlite::Result<_>>()?
    } else {
        // One character: too broad for a substring search; match names starting with it.
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM applicants WHERE name >= ?1 AND name < ?1 || char(1114111) LIMIT ?2",
        )?;
        let r = stmt.query_map(params![q, limit], |r| r.get(0))?;
        r.collect::<rusqlite::Result<_>>()?
    };
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_of_names() {
        assert_eq!(bigrams("王芳"), vec!["王芳"]);
        assert_eq!(bigrams("欧阳娜娜"), vec!["娜娜", "欧阳", "阳娜"]);
        assert_eq!(bigrams("李"), vec!["李"]);
    }
}
