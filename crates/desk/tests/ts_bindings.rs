//! The UI's TypeScript types must match the Rust types they mirror. Run with
//! `UPDATE_BINDINGS=1` (or `make bindings`) to rewrite the file after changing a type.

use std::path::PathBuf;

#[test]
fn ui_bindings_are_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/bindings.ts");
    let expected = onestop_desk::bindings::render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "ui/src/api/bindings.ts is stale; run `make bindings` and commit it.\n--- expected ---\n{expected}\n--- actual ---\n{actual}"
    );
}
