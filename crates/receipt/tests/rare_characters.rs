//! 生僻字: names with characters outside the basic CJK block. The font chain must print them
//! from a fallback face; a character no face has must stop the print with a typed error, or,
//! when the clerk asks, print as 〓 with a footnote naming the code point.

mod common;

use common::*;
use onestop_domain::Coded;
use onestop_receipt::*;

const EXT_B_RARE: char = '\u{2A6A5}'; // 𪚥, CJK Ext B: not in Noto Sans CJK
const JI: char = '\u{20BB7}'; // 𠮷, CJK Ext B: in Noto Sans CJK
const NO_FONT_HAS: char = '\u{30000}'; // CJK Ext G: in none of the shipped fonts

#[test]
fn ext_b_names_print_through_the_fallback_chain() {
    let dir = tmpdir();
    for name in [format!("王{EXT_B_RARE}"), format!("{JI}田一郎")] {
        let v = acceptance(&name, 2);
        assert_eq!(
            renderer().missing_glyphs(&v).expect("check"),
            Vec::<char>::new()
        );
        let out = renderer()
            .render(&v, &key(), RenderOptions::default())
            .expect("render");
        assert!(out.substituted.is_empty());
        let pdf = write_pdf(dir.path(), "rare", &out.pdf);
        let text = text_compact(&pdf);
        assert!(text.contains(&name), "{name} not found in {text}");
        assert!(!text.contains('〓'));
        let fonts = tool("pdffonts", "poppler-utils", &[pdf.to_str().expect("p")]);
        if name.contains(EXT_B_RARE) {
            assert!(
                fonts.contains("HanaMin"),
                "fallback face not embedded:\n{fonts}"
            );
        }
    }
}

#[test]
fn without_a_fallback_the_rare_character_is_refused_by_name() {
    let primary_only = FontSet::from_sources(&[FontSource::new(
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        2,
    )])
    .expect("fonts-noto-cjk is required: apt-get install -y fonts-noto-cjk");
    let r = Renderer::new(primary_only, Templates::builtin().expect("templates"));
    let v = acceptance(&format!("王{EXT_B_RARE}"), 2);
    let err = r
        .render(&v, &key(), RenderOptions::default())
        .expect_err("must refuse");
    assert_eq!(err.code(), "receipt.missing_glyph");
    assert!(matches!(&err, ReceiptError::MissingGlyph { chars } if chars == &vec![EXT_B_RARE]));
    let msg = err.to_string();
    assert!(
        msg.contains("U+2A6A5") && msg.contains(EXT_B_RARE) && msg.contains("缺字"),
        "{msg}"
    );
}

#[test]
fn a_character_no_font_has_is_refused_or_printed_as_a_marked_substitute() {
    let v = acceptance(&format!("李{NO_FONT_HAS}"), 2);
    assert_eq!(
        renderer().missing_glyphs(&v).expect("check"),
        vec![NO_FONT_HAS]
    );
    let err = renderer()
        .render(&v, &key(), RenderOptions::default())
        .expect_err("must refuse");
    assert_eq!(err.code(), "receipt.missing_glyph");
    assert!(err.to_string().contains("U+30000"), "{err}");

    let out = renderer()
        .render(
            &v,
            &key(),
            RenderOptions {
                substitute_missing: true,
            },
        )
        .expect("render with substitution");
    assert_eq!(out.substituted, vec![NO_FONT_HAS]);
    let dir = tmpdir();
    let text = text_compact(&write_pdf(dir.path(), "subst", &out.pdf));
    assert!(text.contains("李〓"), "{text}");
    assert!(text.contains("U+30000"), "footnote missing: {text}");
    // The signature still covers the true name, not the placeholder.
    verify(
        key().verifying_key().as_bytes(),
        &v.number,
        SignedContent::Voucher(&v),
        &out.signature,
    )
    .expect("verifies against the real data");
}

/// Fallback faces are prepared again from their file when a voucher needs them (to keep them out
/// of memory), so a file replaced under the running app must stop the print, not embed glyphs
/// of another font under the ids laid out with the old one.
#[test]
fn a_fallback_font_replaced_while_running_stops_the_print() {
    let dir = tmpdir();
    let fallback = dir.path().join("HanaMinB.ttf");
    std::fs::copy("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", &fallback)
        .expect("fonts-hanazono is required: apt-get install -y fonts-hanazono");
    let set = FontSet::from_sources(&[
        FontSource::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        FontSource::new(&fallback, 0),
    ])
    .expect("fonts");
    let r = Renderer::new(set, Templates::builtin().expect("templates"));
    let v = acceptance(&format!("王{EXT_B_RARE}"), 2);
    let before = r
        .render(&v, &key(), RenderOptions::default())
        .expect("render");
    let pdf = write_pdf(dir.path(), "before", &before.pdf);
    assert!(text_compact(&pdf).contains(EXT_B_RARE));

    let mut bytes = std::fs::read(&fallback).expect("read");
    bytes.extend_from_slice(&[0; 4]);
    std::fs::write(&fallback, bytes).expect("replace");
    let err = r
        .render(&v, &key(), RenderOptions::default())
        .expect_err("a replaced font must not print");
    assert_eq!(err.code(), "receipt.font_unreadable");
    assert!(err.to_string().contains("重新启动"), "{err}");
    // A voucher the primary face prints alone is unaffected.
    r.render(&acceptance("王芳", 2), &key(), RenderOptions::default())
        .expect("primary-only voucher");
}
