//! Templates are data an administrator can override; fonts are found in the documented order
//! and loaded once.

mod common;

use common::*;
use onestop_domain::Coded;
use onestop_receipt::*;

#[test]
fn every_builtin_template_parses_for_its_kind() {
    let t = Templates::builtin().expect("builtin templates");
    for kind in VoucherKind::ALL {
        assert_eq!(t.get(kind).expect("template").kind, kind);
    }
}

#[test]
fn an_override_file_changes_the_wording() {
    let dir = tmpdir();
    let text = include_str!("../../../assets/vouchers/refusal.json").replace(
        "\"title\": \"不予受理通知书\"",
        "\"title\": \"不予受理决定书\"",
    );
    std::fs::write(dir.path().join("refusal.json"), text).expect("write");
    let templates = Templates::builtin()
        .expect("builtin")
        .load_overrides(dir.path())
        .expect("override");
    let r = Renderer::new(renderer().fonts().clone(), templates);
    let out = r
        .render(&refusal(), &key(), RenderOptions::default())
        .expect("render");
    let text = text_compact(&write_pdf(dir.path(), "override", &out.pdf));
    assert!(text.contains("不予受理决定书"), "{text}");
    // Other kinds keep the built-in template.
    let out = r
        .render(&receipt(), &key(), RenderOptions::default())
        .expect("render");
    assert!(text_compact(&write_pdf(dir.path(), "r", &out.pdf)).contains("材料接收凭证"));
}

#[test]
fn a_template_naming_an_unknown_field_is_refused_when_loaded() {
    let dir = tmpdir();
    let text = include_str!("../../../assets/vouchers/refusal.json")
        .replace("{reason}", "{no_such_field}");
    std::fs::write(dir.path().join("refusal.json"), text).expect("write");
    let err = Templates::builtin()
        .expect("builtin")
        .load_overrides(dir.path())
        .expect_err("unknown field");
    assert_eq!(err.code(), "receipt.bad_template");
    assert!(err.to_string().contains("no_such_field"), "{err}");

    let wrong_kind = include_str!("../../../assets/vouchers/refusal.json");
    assert!(
        onestop_receipt::template::Template::parse(VoucherKind::Acceptance, wrong_kind).is_err()
    );
}

#[test]
fn fonts_come_from_the_configured_path_first_then_resources_then_the_system() {
    // A configured face wins.
    let serif = FontSource::new("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2);
    let set = FontSet::load(&FontConfig {
        configured: Some(serif.clone()),
        ..FontConfig::system()
    })
    .expect("fonts");
    assert_eq!(set.faces()[0].source, serif);
    assert!(
        set.faces().len() >= 2,
        "Ext B fallbacks (fonts-hanazono) loaded"
    );

    // A configured path that does not exist falls through to the resources, then the system.
    let resources = tmpdir();
    std::fs::copy(
        "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
        resources.path().join("wqy-microhei.ttc"),
    )
    .expect("copy a stand-in font into the resource folder");
    let set = FontSet::load(&FontConfig {
        configured: Some(FontSource::new("/nonexistent/font.otf", 0)),
        resource_dirs: vec![resources.path().to_path_buf()],
        ..FontConfig::system()
    })
    .expect("fonts");
    assert_eq!(
        set.faces()[0].source.path,
        resources.path().join("wqy-microhei.ttc")
    );

    // On the system: wqy-microhei (smallest vouchers) although Noto's folder is searched
    // first, then Noto Sans CJK SC for what wqy lacks (CJK Ext A), then the Ext A–F Minchos.
    let set = FontSet::load(&FontConfig::system()).expect("system fonts");
    let chain: Vec<FontSource> = set.faces().iter().map(|f| f.source.clone()).collect();
    assert_eq!(
        chain,
        vec![
            FontSource::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
            FontSource::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
            FontSource::new("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
            FontSource::new("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", 0),
        ],
        "fonts-wqy-microhei, then Debian's Noto Sans CJK (face 2 = SC), then fonts-hanazono"
    );
    // 㐀 (U+3400, CJK Ext A) is not in wqy-microhei: it comes from the sans fallback.
    assert_eq!(set.faces()[0].glyph('\u{3400}'), None);
    assert_eq!(set.face_for('\u{3400}').map(|(face, _)| face), Some(1));
    assert_eq!(set.face_for('受').map(|(face, _)| face), Some(0));

    // Nothing anywhere: a typed error listing where it looked.
    let empty = tmpdir();
    let err = FontSet::load(&FontConfig {
        resource_dirs: vec![empty.path().to_path_buf()],
        ..FontConfig::default()
    })
    .expect_err("no fonts");
    assert_eq!(err.code(), "receipt.font_not_found");
    assert!(err
        .to_string()
        .contains(&empty.path().display().to_string()));
}

#[test]
fn one_renderer_serves_many_vouchers() {
    // The renderer is built once (common::renderer) and reused: 20 renders, no reloading.
    for _ in 0..20 {
        renderer()
            .render(&receipt(), &key(), RenderOptions::default())
            .expect("render");
    }
}
