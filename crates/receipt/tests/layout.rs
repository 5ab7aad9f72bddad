//! Long content: long names wrap inside their cells, a 20-item materials list flows onto a
//! second page with the table header repeated, and no word is ever drawn outside the page's
//! margins or into the footer (checked on the real PDF with `pdftotext -bbox`).

mod common;

use common::*;
use onestop_receipt::*;

/// (text, xMin, yMin, xMax, yMax) of every word on every page.
fn words(pdf: &std::path::Path) -> Vec<(usize, String, f64, f64, f64, f64)> {
    let html = tool(
        "pdftotext",
        "poppler-utils",
        &["-bbox", pdf.to_str().expect("p"), "-"],
    );
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        }
        if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let start = rest.find(&key).expect("attr") + key.len();
                rest[start..]
                    .split('"')
                    .next()
                    .expect("v")
                    .parse()
                    .expect("number")
            };
            let text = rest
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("")
                .to_owned();
            out.push((
                page,
                text,
                attr("xMin"),
                attr("yMin"),
                attr("xMax"),
                attr("yMax"),
            ));
        }
    }
    out
}

#[test]
fn long_names_and_twenty_materials_wrap_and_flow_without_overflowing() {
    let long_name =
        "欧阳𠮷𪚥娜·买买提艾力·阿卜杜热合曼·司马长风·慕容复兴·诸葛明亮·上官婉儿".to_owned();
    let mut v = acceptance(&long_name, 20);
    if let VoucherBody::Acceptance(b) = &mut v.body {
        b.item = "食品经营许可（含网络经营、集中用餐单位食堂及中央厨房、集体用餐配送单位）新办、变更、延续、补办及注销".into();
        b.materials[3].name = "经营场所使用证明（房屋租赁合同或产权证明，租赁期限不少于一年，须经出租人签字并附出租人身份证明复印件）".into();
    }
    let out = renderer()
        .render(&v, &key(), RenderOptions::default())
        .expect("render");
    assert_eq!(out.pages, 2, "20 materials flow onto a second page");
    let dir = tmpdir();
    let pdf = write_pdf(dir.path(), "long", &out.pdf);
    let text = text_compact(&pdf);
    for m in 1..=20 {
        assert!(
            text.contains(&format!("补充件{m}")) || m <= 5,
            "material {m} lost"
        );
    }
    assert!(
        text.contains(&compact(&long_name)),
        "long name lost: {text}"
    );
    assert!(text.contains("受理通知书（续）"), "continuation header");
    assert_eq!(
        text.matches("材料名称").count(),
        2,
        "table header repeated on page 2"
    );
    let info = tool("pdfinfo", "poppler-utils", &[pdf.to_str().expect("p")]);
    assert!(info.contains("Pages:           2"), "{info}");

    let ws = words(&pdf);
    assert!(ws.len() > 100);
    for (page, w, x0, y0, x1, y1) in ws {
        // Margins are 56 pt; closing punctuation may hang a few points.
        assert!(
            x0 >= 50.0 && x1 <= 595.28 - 44.0,
            "page {page}: {w:?} outside margins ({x0}..{x1})"
        );
        assert!(
            y0 >= 20.0 && y1 <= 841.89 - 20.0,
            "page {page}: {w:?} off the page ({y0}..{y1})"
        );
        let in_footer = y1 > 841.89 - 44.0;
        let is_footer_text = w.contains("终端")
            || w.contains("T0012")
            || w.contains("页")
            || w.contains("编号")
            || w.contains('·')
            || w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
            || w.contains("补打")
            || w.contains("内容摘要")
            || w.contains('第');
        assert!(
            !in_footer || is_footer_text,
            "page {page}: body text {w:?} in the footer ({y1})"
        );
    }
}
