//! Every voucher kind checked with the real tools a clerk's PC or an auditor would use:
//! pdftotext (the required fields are there), pdffonts (only embedded subsets), pdfinfo (A4),
//! pdftoppm + zbarimg (the QR code scans to the status URL), and the file size.

mod common;

use common::*;
use onestop_receipt::*;

fn required(v: &Voucher) -> Vec<String> {
    let mut r: Vec<String> = vec![
        v.number.grouped(),
        "某某县政务服务中心".into(),
        "2026年11月27日".into(),
        "综合受理3号窗口".into(),
        "李明".into(),
        "T0012".into(),
    ];
    let add = |r: &mut Vec<String>, xs: &[&str]| r.extend(xs.iter().map(|s| s.to_string()));
    match &v.body {
        VoucherBody::Acceptance(b) => {
            add(
                &mut r,
                &[
                    "受理通知书",
                    "张伟",
                    ID_MASKED,
                    "个体工商户设立登记",
                    "受理日期",
                ],
            );
            add(
                &mut r,
                &["法定办结时限", "20个工作日", "承诺办结时限", "5个工作日"],
            );
            add(
                &mut r,
                &[
                    "承诺办结日期",
                    "2026年12月04日",
                    "现场核查所需时间不计算在办理时限内",
                ],
            );
            add(
                &mut r,
                &[
                    "查询方式",
                    "https://zwfw.example.gov.cn",
                    "监督投诉电话",
                    "12345",
                ],
            );
            add(
                &mut r,
                &["原件(份)", "复印件(份)", "加盖行政许可专用章", "申请人签收"],
            );
            for m in &b.materials {
                r.push(m.name.clone());
            }
        }
        VoucherBody::Correction(b) => {
            add(
                &mut r,
                &[
                    "补正材料通知书",
                    "一次性告知书",
                    "王芳",
                    ID_MASKED,
                    "五个工作日",
                ],
            );
            add(
                &mut r,
                &[
                    "一次性告知",
                    "补正要求",
                    "法律依据",
                    "0571-88001234",
                    "2026年11月27日",
                ],
            );
            for c in &b.corrections {
                r.push(c.material.clone());
                r.push(c.problem.clone());
                r.push(c.requirement.clone());
            }
            r.push(b.legal_basis.clone());
        }
        VoucherBody::Refusal(b) => {
            add(
                &mut r,
                &[
                    "不予受理通知书",
                    "赵强",
                    ID_MASKED,
                    "不予受理理由",
                    "法律依据",
                ],
            );
            add(
                &mut r,
                &[
                    "六十日内",
                    "行政复议",
                    "六个月内",
                    "行政诉讼",
                    "某某县人民政府",
                    "某某县人民法院",
                ],
            );
            r.push(b.reason.clone());
            r.push(b.legal_basis.clone());
            add(&mut r, &["有权受理机关", "某某市市场监督管理局"]);
        }
        VoucherBody::MaterialReceipt(b) => {
            add(
                &mut r,
                &[
                    "材料接收凭证",
                    "张伟",
                    ID_MASKED,
                    "接收时间",
                    "2026年11月27日09:30",
                ],
            );
            add(
                &mut r,
                &["申请人（签字）", "接收人（签字）", "原件", "复印件"],
            );
            for m in &b.materials {
                r.push(m.name.clone());
            }
        }
        VoucherBody::ProxyAuthorisation(b) => {
            add(
                &mut r,
                &[
                    "代办委托书",
                    "委托人",
                    "受托人",
                    "陈秀英",
                    "刘建国",
                    ID_MASKED,
                    "110***********1237",
                ],
            );
            add(
                &mut r,
                &[
                    "委托权限",
                    "委托期限",
                    "2027年05月27日",
                    "委托人（签字或按指印）",
                    "受托人（签字）",
                ],
            );
            add(&mut r, &["第二十九条"]);
            r.extend(b.items.iter().cloned());
            r.extend(b.powers.iter().cloned());
        }
    }
    r
}

#[test]
fn every_kind_prints_its_required_fields_in_a_subset_font_on_a4_with_a_scannable_qr() {
    let dir = tmpdir();
    for v in all_kinds() {
        let kind = v.body.kind().key();
        let out = renderer()
            .render(&v, &key(), RenderOptions::default())
            .expect("render");
        let pdf = write_pdf(dir.path(), kind, &out.pdf);

        // Text: every required field, and never the unmasked ID.
        let text = text_compact(&pdf);
        for field in required(&v) {
            assert!(
                text.contains(&compact(&field)),
                "{kind}: missing {field:?} in:\n{text}"
            );
        }
        assert!(!text.contains(ID), "{kind}: unmasked ID printed");
        assert!(
            !text.contains("补打"),
            "{kind}: an original must not say 补打"
        );

        // Fonts: every font embedded and subset.
        let fonts = tool("pdffonts", "poppler-utils", &[pdf.to_str().expect("p")]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{kind}: no fonts?\n{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert!(
                cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
                "{kind}: not a subset: {row}"
            );
            assert_eq!(
                &cols[n - 5..n - 2],
                &["yes", "yes", "yes"],
                "{kind}: emb/sub/uni: {row}"
            );
        }

        // A4 portrait.
        let info = tool("pdfinfo", "poppler-utils", &[pdf.to_str().expect("p")]);
        let size = info
            .lines()
            .find_map(|l| l.strip_prefix("Page size:"))
            .unwrap_or_else(|| panic!("{kind}: no page size in {info}"));
        let dims: Vec<f64> = size
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!(
            dims.len() == 2 && (dims[0] - 595.28).abs() < 0.01 && (dims[1] - 841.89).abs() < 0.01,
            "{kind}: page is {size}"
        );
        assert!(size.contains("(A4)"), "{kind}: {size}");

        // The QR code scans to the status URL with the signature.
        let png = dir.path().join(kind);
        tool(
            "pdftoppm",
            "poppler-utils",
            &[
                "-r",
                "150",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                pdf.to_str().expect("p"),
                png.to_str().expect("p"),
            ],
        );
        let scanned = tool(
            "zbarimg",
            "zbar-tools",
            &["-q", "--raw", &format!("{}.png", png.display())],
        );
        let expected = format!(
            "https://zwfw.example.gov.cn/q/{}?s={}",
            v.number, out.signature
        );
        assert_eq!(scanned.trim(), expected, "{kind}: QR payload");
        assert_eq!(out.qr_payload, expected);

        // Size: the goal is ≤ 40 KB per voucher (docs/benchmarks.md); a whole embedded font
        // would be megabytes.
        assert!(out.pdf.len() <= 40_000, "{kind}: {} bytes", out.pdf.len());
        assert_eq!(out.pages, 1, "{kind}: a normal voucher fits one page");
        verify(
            key().verifying_key().as_bytes(),
            &v.number,
            SignedContent::Voucher(&v),
            &out.signature,
        )
        .expect("signature verifies");
    }
}

#[test]
fn a_reprint_is_marked_with_its_count_and_carries_the_same_signature() {
    let dir = tmpdir();
    let original = acceptance("张伟", 3);
    let mut again = original.clone();
    again.reprint_count = 2;
    let a = renderer()
        .render(&original, &key(), RenderOptions::default())
        .expect("render");
    let b = renderer()
        .render(&again, &key(), RenderOptions::default())
        .expect("render");
    let text = text_compact(&write_pdf(dir.path(), "reprint", &b.pdf));
    assert!(text.contains("补打（第2次）"), "{text}");
    assert!(text.contains("补打第2次"), "footer: {text}");
    assert_eq!(b.reprint_count, 2);
    assert_eq!(a.signature, b.signature);
    assert_eq!(a.content_hash, b.content_hash);
}

#[test]
fn the_footer_carries_number_terminal_and_short_hash() {
    let dir = tmpdir();
    let v = receipt();
    let out = renderer()
        .render(&v, &key(), RenderOptions::default())
        .expect("render");
    let text = text_compact(&write_pdf(dir.path(), "footer", &out.pdf));
    let short = hex::encode(&out.content_hash[..6]);
    assert!(
        text.contains(&compact(&format!(
            "编号 {} · 终端 T0012 · 内容摘要 {short}",
            v.number.grouped()
        ))),
        "{text}"
    );
    assert!(text.contains("第1/1页"), "{text}");
}
