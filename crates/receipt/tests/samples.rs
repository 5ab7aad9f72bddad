//! Renders one voucher of each kind (plus a long one and a rare-character one) to PDF and
//! `pdftoppm -r 60` PNGs. With `ONESTOP_VOUCHER_SAMPLES=<dir>` the files are kept there; the
//! committed ones live in docs/vouchers/ (regenerate with
//! `ONESTOP_VOUCHER_SAMPLES=$PWD/docs/vouchers cargo test -p onestop-receipt --test samples`).

mod common;

use common::*;
use onestop_receipt::*;

#[test]
fn samples_render_to_png() {
    let keep = std::env::var_os("ONESTOP_VOUCHER_SAMPLES").map(std::path::PathBuf::from);
    let tmp = tmpdir();
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("dir");
    let mut cases: Vec<(String, Voucher)> = all_kinds()
        .into_iter()
        .map(|v| (v.body.kind().key().to_owned(), v))
        .collect();
    let mut long = acceptance("欧阳𠮷𪚥娜·买买提艾力·阿卜杜热合曼·司马长风", 20);
    long.reprint_count = 1;
    cases.push(("acceptance_long".to_owned(), long));
    for (name, v) in cases {
        let out = renderer()
            .render(&v, &key(), RenderOptions::default())
            .expect("render");
        let pdf = write_pdf(&dir, &name, &out.pdf);
        let prefix = dir.join(&name);
        tool(
            "pdftoppm",
            "poppler-utils",
            &[
                "-r",
                "60",
                "-png",
                pdf.to_str().expect("p"),
                prefix.to_str().expect("p"),
            ],
        );
        assert!(
            dir.join(format!("{name}-1.png")).is_file(),
            "no PNG for {name}"
        );
        // Keep only the PNGs in docs (unless the PDFs are asked for too).
        if keep.is_some() && std::env::var_os("ONESTOP_VOUCHER_KEEP_PDF").is_none() {
            let _ = std::fs::remove_file(&pdf);
        }
    }
}
