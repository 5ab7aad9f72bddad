//! Benchmarks of the window database (docs/benchmarks-local.md):
//! `cargo run --release -p onestop-desk --example bench_local [-- --applicants N --cases N]`.
//! Generates the data in one transaction each under `target/bench-local/` (kept out of git) and
//! prints a table: `accept` p50/p99 on a database already holding the cases, lookup by ID among
//! the applicants, 2- and 3-character name search, and the size per 1,000 cases.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use onestop_desk::usecases::{accept, queries, Actor, Ctx, NewCaseInput};
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::catalogue::{Catalogue, FieldType, WindowLevel};
use onestop_domain::ids::DivisionCode;
use onestop_domain::numbering::{AcceptanceNumber, TerminalCode};
use onestop_local::applicant_repo::{self, NewApplicant};
use onestop_local::settings::{self, WindowIdentity};
use onestop_local::{case_repo, catalogue_repo, Db, MemoryKeyStore, DB_FILE};
use onestop_protocol::{ApplicantKind, MaterialReceipt};
use serde_json::{json, Value};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩然欣怡梓涵子轩雨桐佳琪思远博文晨曦嘉怡";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick(&mut self, chars: &[char]) -> char {
        chars[(self.next() % chars.len() as u64) as usize]
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

/// A valid citizen ID for index `i` (unique per `i`): birth date and sequence from `i`.
fn id_number(i: usize) -> String {
    let birth =
        NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default() + Duration::days((i / 500) as i64);
    let body = format!("110101{}{:03}", birth.format("%Y%m%d"), i % 500);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n_applicants = arg("--applicants", 1_000_000);
    let n_cases = arg("--cases", 100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-local");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let keys = MemoryKeyStore::new();
    let mut db = Db::open(&dir.join(DB_FILE), &keys)?;
    // A window PC's database fits in memory; the default 2 MB page cache makes the bulk load
    // (random-key inserts into the search indexes, each page decrypted and re-encrypted) crawl.
    db.conn().execute_batch("PRAGMA cache_size = -1048576;")?;
    let demo = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalogue/demo.json"),
    )?;
    let catalogue = Catalogue::from_json(&demo)?;
    let now = Utc::now();
    db.write(|tx, _| {
        catalogue_repo::install(tx, &catalogue, now)?;
        settings::set_window_identity(
            tx,
            &WindowIdentity {
                county_code: "990101".into(),
                terminal_code: "0012".into(),
                window_name: "bench".into(),
                level: WindowLevel::County,
                parent_window: None,
            },
            now,
        )
    })?;

    // 1. Applicants, one transaction.
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut names = Vec::with_capacity(n_applicants);
    let t0 = Instant::now();
    db.write(|tx, device| {
        for i in 0..n_applicants {
            let mut name = String::new();
            name.push(rng.pick(&surnames));
            name.push(rng.pick(&given));
            if rng.next() % 3 != 0 {
                name.push(rng.pick(&given));
            }
            let new = NewApplicant {
                kind: ApplicantKind::Person,
                id_number: id_number(i),
                name: name.clone(),
                phone: Some(format!("138{:08}", i)),
                address: None,
            };
            applicant_repo::insert(tx, device, &new, &format!("R{i:016}"), now)?;
            names.push(name);
        }
        Ok::<_, onestop_local::LocalError>(())
    })?;
    let gen_applicants = t0.elapsed();

    // 2. Cases: one real acceptance as the template, then copies with their own ids and numbers.
    let item = catalogue
        .items
        .iter()
        .find(|i| i.impl_code.starts_with("059900100000"))
        .ok_or("item")?
        .clone();
    let applicant = applicant_repo::by_id_number(db.conn(), ApplicantKind::Person, &id_number(0))?
        .ok_or("applicant")?;
    let mut form = serde_json::Map::new();
    for f in &item.form.fields {
        let v = match f.field_type {
            FieldType::Text => json!(applicant.name),
            FieldType::Textarea => json!("说明"),
            FieldType::Number => json!(3),
            FieldType::Money => json!(100),
            FieldType::Date => json!("2026-03-01"),
            FieldType::Select => json!(f.options.first()),
            FieldType::ResidentId => json!(applicant.id_number),
            FieldType::Uscc => json!("91350100M000100Y43"),
            FieldType::Phone => json!(applicant.phone),
            FieldType::Address => json!("人民路 1 号"),
        };
        if f.required {
            form.insert(f.key.clone(), v);
        }
    }
    let input = NewCaseInput {
        actor: Actor::clerk("bench"),
        impl_code: item.impl_code.clone(),
        applicant_id: applicant.applicant_id.clone(),
        form: Value::Object(form),
        materials: item
            .materials
            .iter()
            .map(|m| MaterialReceipt {
                material_id: m.id.clone(),
                originals: m.originals,
                copies: m.copies,
                electronic: false,
                waived_reason: None,
            })
            .collect(),
        attachments: vec![],
        proxy: None,
    };
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    let ctx = Ctx {
        now,
        today,
        calendar: Arc::new(WorkCalendar::default_cn()),
    };
    let template = accept::accept(&mut db, &dir, &ctx, input.clone())?.snapshot;
    let size_before = file_size(&mut db)?;
    let county = DivisionCode::parse("990101")?;
    let terminal = TerminalCode::parse("0012")?;
    let t1 = Instant::now();
    db.write(|tx, device| {
        for i in 0..n_cases {
            let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(today)
                + Duration::days((i / 2000) as i64);
            let number = AcceptanceNumber::new(&county, terminal, day, (i % 2000 + 1) as u16)?;
            let mut s = template.clone();
            s.case_id = uuid::Uuid::now_v7().to_string();
            s.acceptance_number = number.to_string();
            s.flow.received_on = day;
            let entries = template
                .timeline
                .iter()
                .map(|e| onestop_local::timeline::NewEntry {
                    at: e.at,
                    actor: e.actor.clone(),
                    kind: e.kind.clone(),
                    event: e.event.clone(),
                    data: e.data.clone(),
                })
                .collect();
            case_repo::save_change(tx, device, &s, entries, now)?;
        }
        Ok::<_, onestop_local::LocalError>(())
    })?;
    let gen_cases = t1.elapsed();
    let size_after = file_size(&mut db)?;

    // 3. Measurements.
    let mut accept_ms = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        accept::accept(&mut db, &dir, &ctx, input.clone())?;
        accept_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut by_id = Vec::new();
    for _ in 0..2000 {
        let i = (rng.next() % n_applicants as u64) as usize;
        let t = Instant::now();
        let found = applicant_repo::by_id_number(db.conn(), ApplicantKind::Person, &id_number(i))?;
        by_id.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(found.is_some());
    }
    let mut search = |len: usize| -> Result<(Vec<f64>, usize), Box<dyn std::error::Error>> {
        let mut ms = Vec::new();
        let mut hits = 0;
        for _ in 0..300 {
            let name = &names[(rng.next() % names.len() as u64) as usize];
            let q: String = name.chars().take(len).collect();
            if q.chars().count() < len {
                continue;
            }
            let t = Instant::now();
            hits += applicant_repo::by_name(db.conn(), &q, 50)?.len();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        Ok((ms, hits))
    };
    let (mut two, hits2) = search(2)?;
    let (mut three, hits3) = search(3)?;

    // The home screen's 黄牌 and 红牌 counts: every case in handling due within the horizon gets
    // its card (here every generated case, all accepted on the same day).
    let mut cards_ms = Vec::new();
    let mut carded = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let (yellow, red) = queries::card_counts(&db, &ctx)?;
        carded = yellow + red;
        cards_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    println!("onestop-local benchmark: {n_applicants} applicants, {n_cases} cases (release build)");
    println!(
        "generation: applicants {:.1} s, cases {:.1} s",
        gen_applicants.as_secs_f64(),
        gen_cases.as_secs_f64()
    );
    println!("| measure | p50 | p99 | goal |");
    println!("|---|---|---|---|");
    println!(
        "| accept (one transaction, synchronous=FULL) | {:.2} ms | {:.2} ms | p99 ≤ 20 ms |",
        pct(&mut accept_ms, 0.5),
        pct(&mut accept_ms, 0.99)
    );
    println!(
        "| applicant by ID number | {:.3} ms | {:.3} ms | ≤ 1 ms |",
        pct(&mut by_id, 0.5),
        pct(&mut by_id, 0.99)
    );
    println!(
        "| name search, 2 characters (bigram table, ≤50 rows) | {:.2} ms | {:.2} ms | ≤ 30 ms |",
        pct(&mut two, 0.5),
        pct(&mut two, 0.99)
    );
    println!(
        "| name search, 3 characters (FTS5 trigram, ≤50 rows) | {:.2} ms | {:.2} ms | ≤ 30 ms |",
        pct(&mut three, 0.5),
        pct(&mut three, 0.99)
    );
    println!(
        "| 黄牌 + 红牌 counts over {} cases in handling (home screen), {carded} carded, 3 runs | {:.1} ms | {:.1} ms (max) | — |",
        n_cases + accept_ms.len() + 1,
        pct(&mut cards_ms, 0.5),
        pct(&mut cards_ms, 1.0)
    );
    println!(
        "average hits: 2 chars {:.1}, 3 chars {:.1}",
        hits2 as f64 / two.len() as f64,
        hits3 as f64 / three.len() as f64
    );
    println!(
        "database size per 1,000 cases: {:.2} MB (total file {:.1} MB)",
        (size_after - size_before) as f64 / (n_cases as f64 / 1000.0) / 1e6,
        size_after as f64 / 1e6
    );
    Ok(())
}

/// The file size after a checkpoint, so the WAL is counted in.
fn file_size(db: &mut Db) -> Result<u64, Box<dyn std::error::Error>> {
    db.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(std::fs::metadata(db.path())?.len())
}
