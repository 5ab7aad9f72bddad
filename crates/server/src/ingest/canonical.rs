//! The op hash of ingest, written in one pass from the payload's JSON text.
//!
//! `onestop_protocol::op_hash` is sha256 over the canonical JSON (`onestop_domain::canonical`) of
//! `{"kind": kind, "payload": payload}`. Per op it deep-copies the parsed payload twice (into the
//! `json!` object, then into a `Value` again) and allocates for every key and scalar it prints;
//! with parsing the payload into a `Value` first, that was a third of the server's CPU in an
//! ingest. Here the canonical bytes are written straight from the text as it arrived, with no
//! `Value` tree, and kept: the payload's canonical text is also what the store keeps as the
//! snapshot (or applicant record), so it is not printed a second time.
//!
//! Same bytes as `canonical_json` of the parsed payload: object keys in byte order (the last of a
//! repeated key wins, as when parsing into a `Value`), no whitespace, strings and numbers printed
//! by serde_json after parsing them as a `Value` would. The tests below hold the two together.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, Error as _, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Nesting deeper than this is refused, as serde_json refuses it when it parses into a `Value`
/// (the text was only scanned so far, and the writer below recurses).
const MAX_DEPTH: usize = 128;

/// The payload's canonical JSON and the op hash over it.
pub struct Canonical {
    /// Canonical JSON of the payload: what `serde_json::to_string` prints for it parsed into a
    /// `Value` (whose maps are sorted, without serde_json's `preserve_order`).
    pub payload_json: String,
    /// Lower-case hex sha256 of the canonical `{"kind":…,"payload":…}`, as `op_hash` gives it.
    pub op_hash: String,
}

pub fn canonical_op(kind: &str, payload: &RawValue) -> Result<Canonical, serde_json::Error> {
    let mut json = Vec::with_capacity(payload.get().len());
    write(payload.get(), &mut json, 0)?;
    let mut head = Vec::with_capacity(kind.len() + 24);
    head.extend_from_slice(b"{\"kind\":");
    serde_json::to_writer(&mut head, kind)?;
    head.extend_from_slice(b",\"payload\":");
    let mut h = Sha256::new();
    h.update(&head);
    h.update(&json);
    h.update(b"}");
    Ok(Canonical {
        payload_json: String::from_utf8(json).map_err(serde_json::Error::custom)?,
        op_hash: hex::encode(h.finalize()),
    })
}

fn write(raw: &str, out: &mut Vec<u8>, depth: usize) -> Result<(), serde_json::Error> {
    if depth > MAX_DEPTH {
        return Err(serde_json::Error::custom("recursion limit exceeded"));
    }
    let raw = raw.trim_start();
    match raw.as_bytes().first() {
        Some(b'{') => {
            let map: BTreeMap<Key<'_>, &RawValue> = serde_json::from_str(raw)?;
            out.push(b'{');
            for (i, (k, v)) in map.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k.0.as_ref())?;
                out.push(b':');
                write(v.get(), out, depth + 1)?;
            }
            out.push(b'}');
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(raw)?;
            out.push(b'[');
            for (i, v) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(v.get(), out, depth + 1)?;
            }
            out.push(b']');
        }
        Some(b'"') => {
            let s: Key<'_> = serde_json::from_str(raw)?;
            serde_json::to_writer(&mut *out, s.0.as_ref())?;
        }
        _ => {
            // A number, true, false or null: printed as the `Value` it parses to.
            let v: Value = serde_json::from_str(raw)?;
            serde_json::to_writer(&mut *out, &v)?;
        }
    }
    Ok(())
}

/// A JSON string, borrowed from the text unless it had escapes. Ordered as `String` is (bytes).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as a window may send it, against the protocol's hash of the parsed payload.
    fn same_as_protocol(kind: &str, text: &str) {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        let parsed: Value = serde_json::from_str(text).unwrap();
        let c = canonical_op(kind, &raw).unwrap();
        assert_eq!(
            c.payload_json,
            onestop_domain::canonical::canonical_json(&parsed),
            "{text}"
        );
        assert_eq!(c.payload_json, parsed.to_string());
        assert_eq!(c.op_hash, onestop_protocol::op_hash(kind, &parsed));
    }

    #[test]
    fn equals_the_protocol_hash() {
        same_as_protocol("case.snapshot", "{}");
        same_as_protocol("applicant.upsert", " [ ] ");
        same_as_protocol("k", "null");
        same_as_protocol("引号\"与\\反斜杠\n", r#""中文\u0001\t\u4e2d\/""#);
        same_as_protocol(
            "case.snapshot",
            r#"{
              "z": [1, -2, 3.5, 1e300, 0.1, 1E2, 1.0, -0, -0.0, 18446744073709551615,
                    18446744073709551616, -9223372036854775808, 12345678901234567890123, 2.50e-3,
                    true, false, null],
              "a": {"b": {"中": "文", "Z": "upper before lower", "": "empty key"}},
              "\u00e9": "\u007f\u2028\ud83d\ude00 \"q\" \\ \/",
              "ab": [], "a\"b": {}, "a b": [[{}]], "a\u0000": 1,
              "dup": 1, "x": {"dup": [1]}, "dup": {"last": "wins"}
            }"#,
        );
    }

    #[test]
    fn equals_the_protocol_hash_of_real_payloads() {
        let text = include_str!("../../../protocol/tests/golden/push_request.json");
        #[derive(serde::Deserialize)]
        struct Body {
            ops: Vec<onestop_protocol::Op>,
        }
        let body: Body = serde_json::from_str(text).unwrap();
        assert!(!body.ops.is_empty());
        for op in body.ops {
            let text = op.payload.to_string();
            same_as_protocol(&op.kind, &text);
            let raw: Box<RawValue> = serde_json::from_str(&text).unwrap();
            assert_eq!(canonical_op(&op.kind, &raw).unwrap().op_hash, op.sha256);
        }
        let snapshot = include_str!("../../../protocol/tests/golden/case_snapshot.json");
        same_as_protocol("case.snapshot", snapshot);
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let raw: Box<RawValue> = serde_json::from_str(&deep).unwrap();
        assert!(canonical_op("k", &raw).is_err());
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        same_as_protocol("k", &ok);
    }
}
