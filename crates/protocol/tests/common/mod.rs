//! The golden-file check every wire-format test uses.

use std::path::PathBuf;

use serde::{de::DeserializeOwned, Serialize};

/// Compares `value`'s pretty JSON with `tests/golden/{name}.json` and reads the file back.
/// `ONESTOP_BLESS=1` rewrites the file first: a deliberate protocol change.
pub fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    let mut json = serde_json::to_string_pretty(value).unwrap();
    json.push('\n');
    if std::env::var_os("ONESTOP_BLESS").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; bless it", path.display()));
    assert_eq!(json, golden, "{name}: the wire format changed");
    let back: T = serde_json::from_str(&golden).unwrap();
    assert_eq!(&back, value, "{name}: does not read back");
}
