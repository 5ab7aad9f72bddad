//! Identifier validation: what a clerk's keystroke or a form submit costs.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use onestop_domain::ids::{mask_personal_data, ResidentId, Uscc};
use onestop_domain::numbering::AcceptanceNumber;

fn ids(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    c.bench_function("resident_id_parse", |b| {
        b.iter(|| ResidentId::parse(black_box("44030519880808008x"), today))
    });
    c.bench_function("uscc_parse", |b| {
        b.iter(|| Uscc::parse(black_box("91350100M000100Y43")))
    });
    c.bench_function("acceptance_number_parse", |b| {
        b.iter(|| AcceptanceNumber::parse(black_box("990101-0001-261127-0001-1")))
    });
    let line =
        "2026-11-28 受理 990101000126112700011 申请人身份证 44030519880808008x 电话 13800138000";
    c.bench_function("mask_personal_data_log_line", |b| {
        b.iter(|| mask_personal_data(black_box(line)))
    });
}

criterion_group!(benches, ids);
criterion_main!(benches);
