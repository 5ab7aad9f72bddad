//! Validation of a filled-in 15-field form, every field type present.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use onestop_domain::catalogue::{validate_form_at, FieldType, FormField, FormSchema};
use serde_json::json;

fn field(key: &str, t: FieldType, max_len: Option<u32>) -> FormField {
    FormField {
        key: key.into(),
        label: key.into(),
        field_type: t,
        required: true,
        max_len,
        options: if t == FieldType::Select {
            vec!["甲".into(), "乙".into(), "丙".into()]
        } else {
            vec![]
        },
        shared: None,
    }
}

fn forms(c: &mut Criterion) {
    use FieldType::*;
    let schema = FormSchema {
        fields: vec![
            field("name", Text, Some(60)),
            field("id_number", ResidentId, Some(18)),
            field("phone", Phone, Some(20)),
            field("address", Address, Some(120)),
            field("org_name", Text, Some(60)),
            field("uscc", Uscc, Some(18)),
            field("kind", Select, None),
            field("scale", Select, None),
            field("area", Number, None),
            field("staff", Number, None),
            field("capital", Money, None),
            field("start_date", Date, None),
            field("contact_phone", Phone, Some(20)),
            field("site", Address, Some(120)),
            field("remarks", Textarea, Some(500)),
        ],
    };
    let data = json!({
        "name": "张三", "id_number": "110101199003071233", "phone": "13800138000",
        "address": "示范县城关镇人民路 1 号", "org_name": "示范县某某餐饮店",
        "uscc": "91350100M000100Y43", "kind": "甲", "scale": "丙", "area": 85.5, "staff": "6",
        "capital": "120000.00", "start_date": "2026-12-01", "contact_phone": "0571-00001102",
        "site": "示范县城关镇人民路 1 号", "remarks": "无\n补充说明"
    });
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert!(validate_form_at(&schema, &data, today).is_empty());
    c.bench_function("validate_form_15_fields", |b| {
        b.iter(|| validate_form_at(black_box(&schema), black_box(&data), today))
    });
}

criterion_group!(benches, forms);
criterion_main!(benches);
