//! Working-day arithmetic across a whole year.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use onestop_domain::calendar::WorkCalendar;

fn calendar(c: &mut Criterion) {
    let cal = WorkCalendar::default_cn();
    let start = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    c.bench_function("add_working_days_248_across_2026", |b| {
        b.iter(|| cal.add_working_days(black_box(start), black_box(248)))
    });
    c.bench_function("working_days_between_a_year", |b| {
        b.iter(|| cal.working_days_between(black_box(start), black_box(end)))
    });
    c.bench_function("supplement_notice_due", |b| {
        b.iter(|| {
            cal.supplement_notice_due(black_box(NaiveDate::from_ymd_opt(2026, 2, 12).unwrap()))
        })
    });
    let json = include_str!("../../../assets/calendar/holidays.json");
    c.bench_function("calendar_from_json", |b| {
        b.iter(|| WorkCalendar::from_json(black_box(json)))
    });
}

criterion_group!(benches, calendar);
criterion_main!(benches);
