//! The demo catalogue in the project's format must be exactly the conversion of the shared demo
//! source, so it can never go stale. Regenerate it with
//! `ONESTOP_BLESS=1 cargo test -p onestop-domain --test demo_catalogue`.

use std::path::PathBuf;

use onestop_domain::catalogue::{convert_demo_source, Catalogue, FieldType, ItemType};
use onestop_domain::Coded;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/catalogue")
        .join(name)
}

fn converted() -> Catalogue {
    let source = std::fs::read_to_string(asset("demo-source.json")).unwrap();
    convert_demo_source(&source).unwrap()
}

#[test]
fn demo_json_is_the_conversion_of_the_source() {
    let expected = converted().to_json_pretty();
    if std::env::var_os("ONESTOP_BLESS").is_some() {
        std::fs::write(asset("demo.json"), &expected).unwrap();
    }
    let actual = std::fs::read_to_string(asset("demo.json")).unwrap_or_default();
    assert!(
        actual == expected,
        "assets/catalogue/demo.json is stale: run ONESTOP_BLESS=1 cargo test -p onestop-domain --test demo_catalogue"
    );
}

#[test]
fn demo_catalogue_is_valid_and_loads() {
    let cat = converted();
    assert_eq!(
        cat.validate(),
        vec![],
        "the demo catalogue must pass every check"
    );
    let json = std::fs::read_to_string(asset("demo.json")).unwrap();
    let loaded = Catalogue::from_json(&json).unwrap();
    assert_eq!(loaded, cat);
    assert_eq!(loaded.items.len(), 21);
    assert_eq!(loaded.edition, "2026-11");
    let bundles: Vec<_> = loaded.items.iter().filter(|i| i.is_bundle()).collect();
    assert_eq!(bundles.len(), 2);
    assert!(bundles.iter().all(|b| b.extension_working_days == 15));
    let first = &loaded.items[0];
    assert_eq!(first.item_type, ItemType::Licensing);
    assert_eq!(first.department_uscc.as_deref(), Some("11990101MB00010174"));
}

#[test]
fn hashes_are_stable_and_sensitive() {
    let cat = converted();
    let h = cat.content_hash();
    assert_eq!(h.len(), 64);
    assert_eq!(h, converted().content_hash());
    let item_hash = cat.items[0].content_hash();
    let mut changed = cat.clone();
    changed.items[0].promised_limit_working_days -= 1;
    assert_ne!(changed.items[0].content_hash(), item_hash);
    assert_ne!(changed.content_hash(), h);
    assert_eq!(changed.items[1].content_hash(), cat.items[1].content_hash());
}

#[test]
fn a_malformed_catalogue_is_refused_with_every_reason() {
    let mut cat = converted();
    let dup = cat.items[1].impl_code.clone();
    cat.items[0].impl_code = dup;
    cat.items[2].promised_limit_working_days = 99;
    let select = cat.items[3]
        .form
        .fields
        .iter_mut()
        .find(|f| f.field_type == FieldType::Select)
        .unwrap();
    select.options.clear();
    let key = cat.items[4].form.fields[0].key.clone();
    cat.items[4].form.fields[1].key = key;
    let bundle = cat.items.iter_mut().find(|i| i.is_bundle()).unwrap();
    bundle.parallel_parts[0].impl_code = "no-such-item".into();
    cat.items[5].flow.reverse();

    let json = serde_json::to_string(&cat).unwrap();
    let err = Catalogue::from_json(&json).unwrap_err();
    assert_eq!(err.code(), "catalogue.invalid");
    let onestop_domain::catalogue::CatalogueError::Invalid { problems } = err else {
        panic!("expected Invalid")
    };
    let codes: Vec<&str> = problems.iter().map(|p| p.code()).collect();
    for expected in [
        "catalogue.duplicate_impl_code",
        "catalogue.promised_exceeds_legal",
        "catalogue.select_without_options",
        "catalogue.duplicate_form_key",
        "catalogue.part_not_found",
        "catalogue.bad_flow",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
    assert!(problems.iter().all(|p| !p.message.is_empty()));
}

#[test]
fn format_and_json_errors() {
    assert_eq!(
        Catalogue::from_json("{").unwrap_err().code(),
        "catalogue.bad_json"
    );
    let newer = r#"{"format": 2, "edition": "x", "county_code": "990101", "items": []}"#;
    assert_eq!(
        Catalogue::from_json(newer).unwrap_err().code(),
        "catalogue.unsupported_format"
    );
}

#[test]
fn waiver_is_a_per_item_policy_and_never_on_an_instant_item() {
    use onestop_domain::catalogue::CaseType;
    let mut cat = converted();
    // The demo county allows 容缺受理 on its 承诺件 and on nothing else.
    for item in &cat.items {
        assert_eq!(
            item.waiver_allowed,
            item.case_type == CaseType::Promised,
            "{}",
            item.name
        );
    }
    let instant = cat
        .items
        .iter_mut()
        .find(|i| i.case_type == CaseType::Instant)
        .expect("the demo has a 即办件");
    instant.waiver_allowed = true;
    let problems = cat.validate();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code(), "catalogue.waiver_on_instant");
}
