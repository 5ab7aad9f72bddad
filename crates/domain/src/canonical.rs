//! Canonical JSON for content hashes: object keys sorted, no insignificant whitespace, strings
//! escaped as serde_json does. Written out by hand rather than relying on serde_json's map order,
//! which a `preserve_order` feature elsewhere in the build could change.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// sha256 (lower-case hex) of the canonical JSON of `value`.
pub fn hash_of<T: Serialize>(value: &T) -> String {
    // Serialising these plain data types to a Value cannot fail (no non-string map keys); the
    // fallback hashes `null` so a hash is always returned.
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    hex::encode(Sha256::digest(canonical_json(&v).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_compact() {
        let v: Value =
            serde_json::from_str(r#"{"b": [1, {"z": "中", "a": null}], "a": 1.5}"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":1.5,"b":[1,{"a":null,"z":"中"}]}"#
        );
    }
}
