//! Time per voucher kind (and its size, printed once), and the one-off font loading at startup.
//! `cargo bench -p onestop-receipt --bench render`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use onestop_receipt::{FontConfig, FontSet, RenderOptions, Renderer, Templates};

fn font_loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    g.bench_function("font_set_load", |b| {
        b.iter(|| black_box(FontSet::load(&FontConfig::system()).expect("fonts")))
    });
    g.bench_function("templates_builtin", |b| {
        b.iter(|| black_box(Templates::builtin().expect("templates")))
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    let renderer = Renderer::load(&FontConfig::system()).expect("fonts");
    let key = common::key();
    let mut cases: Vec<(String, onestop_receipt::Voucher)> = common::all_kinds()
        .into_iter()
        .map(|v| (v.body.kind().key().to_owned(), v))
        .collect();
    cases.push((
        "acceptance_20_materials".to_owned(),
        common::acceptance("张伟", 20),
    ));
    // The owner's check: a long name with two CJK Ext B characters (from the Noto and Hanazono
    // fallbacks, so three faces are subset) and 20 materials.
    cases.push((
        "acceptance_rare_20_materials".to_owned(),
        common::acceptance("欧阳𠮷𪚥娜·买买提艾力·阿卜杜热合曼·司马长风", 20),
    ));
    let mut g = c.benchmark_group("render");
    for (name, v) in &cases {
        let out = renderer
            .render(v, &key, RenderOptions::default())
            .expect("render");
        println!(
            "size {name}: {} bytes, {} page(s)",
            out.pdf.len(),
            out.pages
        );
        g.bench_function(name.as_str(), |b| {
            b.iter(|| {
                black_box(
                    renderer
                        .render(v, &key, RenderOptions::default())
                        .expect("render"),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, font_loading, render);
criterion_main!(benches);
