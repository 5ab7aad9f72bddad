//! The screens' side of the desk, against a real server (in process, real HTTP) with a clerk
//! signed in: the item picker with pinyin initials, the live ID and form checks, the four
//! decisions of the acceptance screen, the case list filters, the detail view, today's counts,
//! the voucher preview pages, and sign-in offline with the lockout.

mod common;

use base64::Engine as _;

use common::server::{TestServer, PASSWORD};
use common::window::{window, window_on_clock};
use onestop_desk::views::CaseView;
use onestop_desk::{
    ApplicationForm, CaseFilter, Decision, MaterialInput, NewApplicantForm, SupplementLine,
};
use serde_json::{json, Value};

const DISABILITY: &str = "209900080000";
const RELIEF: &str = "059900100000";

fn all_materials(item: &onestop_desk::views::ItemView) -> Vec<MaterialInput> {
    item.materials
        .iter()
        .map(|m| MaterialInput {
            material_id: m.id.clone(),
            originals: m.originals,
            copies: m.copies,
            electronic: false,
            waived_reason: None,
        })
        .collect()
}

async fn code_of(desk: &onestop_desk::Desk, prefix: &str) -> onestop_desk::views::ItemView {
    let hits = desk.search_items(prefix.into()).await.unwrap();
    let code = hits
        .iter()
        .find(|h| h.impl_code.starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix} not found by code: {hits:?}"))
        .impl_code
        .clone();
    desk.item_view(code).await.unwrap()
}

fn disability_form(mut form: Value) -> Value {
    let obj = form.as_object_mut().unwrap();
    obj.insert("disability_category".into(), json!("肢体"));
    obj.insert("cause".into(), json!("疾病"));
    obj.insert("assessment_site".into(), json!("示范县人民医院"));
    form
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acceptance_screen_end_to_end_on_the_desk() {
    let server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let desk = &w.desk;

    // The picker: pinyin initials, name, code; the best match first.
    let hits = desk.search_items("cjrz".into()).await.unwrap();
    assert_eq!(hits[0].name, "残疾人证新办", "{hits:?}");
    let hits = desk.search_items("gtgsh".into()).await.unwrap();
    assert_eq!(hits[0].name, "个体工商户设立登记", "{hits:?}");
    assert!(desk.search_items("临时救助".into()).await.unwrap()[0]
        .name
        .starts_with("临时救助"));
    assert!(desk
        .search_items("zzzzqqq".into())
        .await
        .unwrap()
        .is_empty());
    let disability = code_of(desk, DISABILITY).await;
    assert_eq!(disability.promised_limit_working_days, 10);
    // What the clerk may decide comes with the item: 即办 only on a 即办件.
    assert_eq!(disability.decisions, ["accept", "supplement", "reject"]);
    let instant = code_of(desk, "019900030000").await;
    assert_eq!(
        instant.decisions,
        ["accept", "supplement", "reject", "instant"]
    );

    // F3's notice starts from Rust's lines, in the notice's Chinese whatever the screens' language:
    // the form (m1) brought, one photo of the three asked for (m3), the ID (m2) not at all.
    let brought = |id: &str, originals| MaterialInput {
        material_id: id.into(),
        originals,
        copies: 0,
        electronic: false,
        waived_reason: None,
    };
    let lines = desk
        .short_materials(
            disability.impl_code.clone(),
            vec![brought("m1", 1), brought("m3", 1)],
        )
        .await
        .unwrap();
    let by_id = |id: &str| {
        lines
            .iter()
            .find(|l| l.material_id.as_deref() == Some(id))
            .map(|l| l.problem.clone())
    };
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(by_id("m2").as_deref(), Some("缺少该材料"));
    assert!(
        by_id("m3").is_some_and(|p| p.contains("应交原件 3 份") && p.contains("现收原件 1 份")),
        "{lines:?}"
    );
    assert!(!disability.instant);

    // The live ID check speaks the domain's language.
    let bad = desk.check_id("110101199003071234".into());
    assert!(!bad.valid);
    assert_eq!(bad.code.as_deref(), Some("id.bad_check"), "{bad:?}");
    assert!(
        bad.message.unwrap().contains("校验"),
        "Chinese checksum message"
    );
    let good = desk.check_id("110101199003071233".into());
    assert!(good.valid);
    // Typed so far, not wrong yet: no message until the number is complete.
    for typing in ["1", "110101", "110101199003071", "11010119900307123"] {
        let partial = desk.check_id(typing.into());
        assert!(
            !partial.valid && partial.message.is_none(),
            "{typing}: {partial:?}"
        );
        assert_eq!(partial.code.as_deref(), Some("id.incomplete"));
    }
    assert!(desk.check_id("11010119900307123A".into()).message.is_some());
    assert_eq!(good.birth_date.as_deref(), Some("1990-03-07"));

    // Register, then find by ID, phone and name; the ID is masked everywhere it is shown.
    let a = desk
        .register_applicant_form(NewApplicantForm {
            kind: "person".into(),
            id_number: "110101199003071233".into(),
            name: "李残新".into(),
            phone: Some("13800138000".into()),
            address: Some("示范县城关镇人民路 8 号".into()),
        })
        .await
        .unwrap();
    assert_eq!(a.id_masked, "110***********1233");
    assert_eq!(a.phone_masked.as_deref(), Some("138****8000"));
    for (text, read_as) in [
        ("110101199003071233", "id_number"),
        ("13800138000", "phone"),
        ("李残新", "name"),
    ] {
        let found = desk.lookup_applicants(text.into()).await.unwrap();
        assert_eq!(found.hits.len(), 1, "lookup by {text}");
        assert_eq!(found.hits[0].applicant_id, a.applicant_id);
        assert_eq!(found.read_as, read_as);
    }

    // The form arrives prefilled with the ID masked; the real one is filled back in Rust.
    let form = desk
        .prefilled_form(a.applicant_id.clone(), disability.impl_code.clone())
        .await
        .unwrap();
    assert_eq!(form["applicant_name"], "李残新");
    assert_eq!(form["applicant_id_number"], "110***********1233");
    let errors = desk
        .check_form(
            a.applicant_id.clone(),
            disability.impl_code.clone(),
            form.clone(),
        )
        .await
        .unwrap();
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    assert!(
        ["disability_category", "cause", "assessment_site"]
            .iter()
            .all(|k| keys.contains(k)),
        "every missing select at once: {keys:?}"
    );
    assert!(
        !keys.contains(&"applicant_id_number"),
        "masked ID was replaced: {errors:?}"
    );
    let form = disability_form(form);
    assert!(desk
        .check_form(
            a.applicant_id.clone(),
            disability.impl_code.clone(),
            form.clone()
        )
        .await
        .unwrap()
        .is_empty());

    let application = |form: Value, materials: Vec<MaterialInput>| ApplicationForm {
        impl_code: disability.impl_code.clone(),
        applicant_id: a.applicant_id.clone(),
        form,
        materials,
        scans: vec![],
        proxy: None,
    };

    // 受理: accepted, a provisional deadline until the server confirms it.
    let accepted: CaseView = desk
        .submit_application(
            application(form.clone(), all_materials(&disability)),
            Decision::Accept,
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, "accepted");
    assert!(accepted.vouchers.contains(&"acceptance".to_string()));
    let deadline = accepted.deadline.clone().expect("deadline card");
    assert!(deadline.provisional, "not yet confirmed by the server");
    assert_eq!(deadline.state, "normal");
    assert!(accepted.actions.contains(&"withdraw".to_string()));
    assert!(!accepted.actions.contains(&"accept".to_string()));

    // 一次性告知: the photo (m3, 3 originals) did not come.
    let mut short = all_materials(&disability);
    short
        .iter_mut()
        .find(|m| m.material_id == "m3")
        .unwrap()
        .originals = 0;
    let noticed = desk
        .submit_application(
            application(form.clone(), short.clone()),
            Decision::Supplement {
                lines: vec![SupplementLine {
                    material_id: Some("m3".into()),
                    problem: "缺少近期二寸免冠照片 3 张".into(),
                }],
            },
        )
        .await
        .unwrap();
    assert_eq!(noticed.status, "supplement_requested");
    assert_eq!(noticed.notice.as_deref(), Some("correction"));
    assert!(noticed.vouchers.contains(&"correction".to_string()));
    assert!(noticed.actions.contains(&"record_supplement".to_string()));
    // The supplement arrives: accepted.
    let after = desk
        .supplement_and_accept(noticed.case_id.clone(), all_materials(&disability), vec![])
        .await
        .unwrap();
    assert_eq!(after.status, "accepted");
    assert_eq!(after.notice.as_deref(), Some("acceptance"));
    assert!(after.timeline.iter().any(|l| l.label == "一次性告知补正"));

    // A 受理 with the photo missing is refused by Rust with the material named.
    let err = desk
        .submit_application(application(form.clone(), short), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(err.code, "case.materials_missing");
    assert!(err.message.contains("照片"), "{}", err.message);

    // 不予受理 with reason and basis.
    let refused = desk
        .submit_application(
            application(form.clone(), all_materials(&disability)),
            Decision::Reject {
                reason: "申请人不属于本县户籍".into(),
                legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（二）项".into(),
                competent_agency: Some("户籍所在地县残联".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(refused.status, "rejected");
    assert_eq!(refused.notice.as_deref(), Some("refusal"));
    assert!(refused.vouchers.contains(&"refusal".to_string()));

    // The list: by name, by status, by number fragment; home counts add up.
    let all = desk
        .list_cases(CaseFilter {
            text: Some("李残新".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let rejected = desk
        .list_cases(CaseFilter {
            statuses: vec!["rejected".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].case_id, refused.case_id);
    let tail: String = accepted
        .acceptance_number
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let by_number = desk
        .list_cases(CaseFilter {
            text: Some(tail),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(by_number.iter().any(|r| r.case_id == accepted.case_id));
    let by_id = desk
        .list_cases(CaseFilter {
            text: Some("110101199003071233".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_id.len(), 3);
    let home = desk.home_summary().await.unwrap();
    assert_eq!(home.received_today, 3);
    assert_eq!(home.accepted_today, 2);
    assert_eq!(home.overdue, 0);
    // The counts come from one pass over the cases, the lists behind them from another.
    let due_soon = desk.cases_due_soon().await.unwrap();
    assert_eq!(home.due_soon as usize, due_soon.len());
    // Each tile opens exactly the cases it counts (the UI used to open 今日受理 as "received
    // today and 已受理", which misses a case received earlier or already moved on).
    for (preset, counted) in [
        ("received_today", home.received_today),
        ("accepted_today", home.accepted_today),
        ("completed_today", home.completed_today),
        ("due_soon", home.due_soon),
        ("overdue", home.overdue),
        ("ready_for_collection", home.ready_for_collection),
    ] {
        let listed = desk
            .list_cases(CaseFilter {
                preset: Some(preset.into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), counted as usize, "{preset}: {listed:?}");
    }
    // The sync engine uploads meanwhile, so the unsynced tile is checked by what it lists.
    let unsynced = desk
        .list_cases(CaseFilter {
            preset: Some("unsynced".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(unsynced.iter().all(|r| !r.synced), "{unsynced:?}");
    assert!(desk
        .list_cases(CaseFilter {
            preset: Some("everything".into()),
            ..Default::default()
        })
        .await
        .is_err());

    // The preview: PNG pages of the real voucher.
    let preview = desk
        .preview_case_voucher(accepted.case_id.clone(), "acceptance".into(), false)
        .await
        .unwrap();
    assert_eq!(preview.pages.len(), 1);
    assert!(preview.pages[0].starts_with("data:image/png;base64,iVBOR"));
    assert_eq!(preview.reprint_count, 0);
    // A4 at 80 dpi, with the voucher's text on it (dark pixels), not a blank or broken page.
    let png_bytes = base64::engine::general_purpose::STANDARD
        .decode(&preview.pages[0]["data:image/png;base64,".len()..])
        .unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let page = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((page.width, page.height), (662, 936));
    let dark = pixels[..page.buffer_size()]
        .chunks(3)
        .filter(|p| p.iter().all(|c| *c < 96))
        .count();
    assert!(dark > 5_000, "{dark} dark pixels");

    // A date field with a bad value: every error comes back at once, in Chinese.
    let relief = code_of(desk, RELIEF).await;
    let mut rf = desk
        .prefilled_form(a.applicant_id.clone(), relief.impl_code.clone())
        .await
        .unwrap();
    rf["event_date"] = json!("2026-13-45");
    let errs = desk
        .check_form(a.applicant_id.clone(), relief.impl_code.clone(), rf)
        .await
        .unwrap();
    assert!(errs.iter().any(|e| e.key == "event_date"), "{errs:?}");
    assert!(errs.len() >= 3, "all errors at once: {errs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_sign_in_uses_the_cached_verifier_and_locks_after_five_wrong_passwords() {
    let mut server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let desk = &w.desk;
    assert!(!desk.session_info().unwrap().offline);
    assert!(desk.sync_now().is_ok(), "sign-in started the sync engine");
    desk.logout();
    assert!(desk.session_info().is_none());
    // Signed out, the engine is stopped, not left retrying with a session that is gone.
    assert_eq!(desk.sync_now().unwrap_err().code, "sync.not_signed_in");
    // The catalogue is public; applicants and cases need someone signed in.
    assert!(!desk.search_items(String::new()).await.unwrap().is_empty());
    assert_eq!(
        desk.home_summary().await.unwrap_err().code,
        "auth.not_signed_in"
    );
    let err = desk
        .register_applicant_form(NewApplicantForm {
            kind: "person".into(),
            id_number: "110101196006060069".into(),
            name: "王五".into(),
            phone: None,
            address: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, "auth.not_signed_in");

    server.stop().await;
    let session = desk.login("clerk".into(), PASSWORD.into()).await.unwrap();
    assert!(session.offline, "signed in offline");
    assert!(session.offline_valid_until.is_some());
    desk.logout();

    for _ in 0..4 {
        let e = desk
            .login("clerk".into(), "wrong".into())
            .await
            .unwrap_err();
        assert_eq!(e.code, "auth.bad_password");
    }
    let e = desk
        .login("clerk".into(), "wrong".into())
        .await
        .unwrap_err();
    assert_eq!(e.code, "auth.locked");
    assert!(e.message.contains("锁定"));
    // Locked: even the right password waits.
    let e = desk
        .login("clerk".into(), PASSWORD.into())
        .await
        .unwrap_err();
    assert_eq!(e.code, "auth.locked");

    // Someone never signed in online on this PC cannot sign in offline.
    let e = desk
        .login("stranger".into(), PASSWORD.into())
        .await
        .unwrap_err();
    assert!(["auth.locked", "auth.no_offline_login"].contains(&e.code.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_carried_by_an_agent_is_received_with_its_authorisation_and_forwarded() {
    let server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let desk = &w.desk;
    let item = code_of(desk, RELIEF).await;
    assert!(item.proxy_agent_permitted);
    let a = desk
        .register_applicant_form(NewApplicantForm {
            kind: "person".into(),
            id_number: "110101196006060069".into(),
            name: "钱委托".into(),
            phone: Some("13600136000".into()),
            address: Some("示范县青山镇".into()),
        })
        .await
        .unwrap();
    let scan = w.dir.path().join("weituoshu.png");
    std::fs::write(&scan, b"\x89PNG\r\n\x1a\n signed authorisation").unwrap();
    let mut form = desk
        .prefilled_form(a.applicant_id.clone(), item.impl_code.clone())
        .await
        .unwrap();
    let obj = form.as_object_mut().unwrap();
    obj.insert(
        "hardship_type".into(),
        json!("急难型（突发事件、意外事故、重大疾病等）"),
    );
    obj.insert("event_date".into(), json!("2026-11-20"));
    obj.insert("household_size".into(), json!(3));
    obj.insert("description".into(), json!("家中失火，房屋受损"));
    obj.insert("urgent".into(), json!("是"));
    let today = chrono::Local::now().date_naive();
    let proxy = |valid_until: chrono::NaiveDate| onestop_desk::ProxyForm {
        name: "孙代办".into(),
        id_number: "110101198001010010".into(),
        phone: Some("13700137000".into()),
        powers: vec!["递交材料".into(), "领取结果".into()],
        valid_from: (today - chrono::Duration::days(1)).to_string(),
        valid_until: valid_until.to_string(),
        authorisation_scan: scan.to_string_lossy().into_owned(),
    };
    let application = |p: onestop_desk::ProxyForm| ApplicationForm {
        impl_code: item.impl_code.clone(),
        applicant_id: a.applicant_id.clone(),
        form: form.clone(),
        materials: all_materials(&item),
        scans: vec![],
        proxy: Some(p),
    };
    // An expired authorisation is refused with the dates named.
    let err = desk
        .submit_application(
            application(proxy(today - chrono::Duration::days(1))),
            Decision::Forward,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "proxy.invalid_authorisation", "{err:?}");
    assert!(err.message.contains("委托期限"), "{}", err.message);

    let forwarded = desk
        .submit_application(
            application(proxy(today + chrono::Duration::days(30))),
            Decision::Forward,
        )
        .await
        .unwrap();
    assert_eq!(forwarded.status, "received");
    assert_eq!(forwarded.proxy_name.as_deref(), Some("孙代办"));
    assert!(forwarded
        .vouchers
        .contains(&"proxy_authorisation".to_string()));
    assert!(forwarded.vouchers.contains(&"material_receipt".to_string()));
    assert!(forwarded.actions.contains(&"accept".to_string()));
    let preview = desk
        .preview_case_voucher(
            forwarded.case_id.clone(),
            "proxy_authorisation".into(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(preview.pages.len(), 1);
}

/// The 红牌 list reads every case that can hold a card, not the newest 200: an application
/// overdue since March must still be listed after 200 newer ones, as the home tile counts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overdue_list_finds_an_old_case_behind_two_hundred_newer_ones() {
    let server = TestServer::start().await;
    let clock = std::sync::Arc::new(onestop_desk::FixedClock::at_day(common::day(2026, 3, 2)));
    let w = window_on_clock(&server, &server.url.clone(), clock.clone()).await;
    let desk = &w.desk;
    let old = common::accept_food(desk, "110101199003071233", "王芳").await;

    // Seven weeks later the window takes 200 more applications; the March one, due in five
    // working days, has long been overdue.
    clock.set_day(common::day(2026, 4, 20));
    desk.login("clerk".into(), PASSWORD.into()).await.unwrap();
    let newer = common::food_application(desk, "110101198001010010", "刘德明").await;
    for _ in 0..200 {
        desk.accept(newer.clone()).await.unwrap();
    }
    let everything = desk.list_cases(CaseFilter::default()).await.unwrap();
    assert_eq!(everything.len(), 200, "the list shows the newest 200");
    assert!(
        everything.iter().all(|r| r.case_id != old.snapshot.case_id),
        "the March case is not among the newest 200"
    );

    let home = desk.home_summary().await.unwrap();
    assert_eq!(home.overdue, 1);
    for filter in [
        CaseFilter {
            due_state: Some("red".into()),
            ..Default::default()
        },
        CaseFilter {
            preset: Some("overdue".into()),
            ..Default::default()
        },
    ] {
        let red = desk.list_cases(filter.clone()).await.unwrap();
        let ids: Vec<_> = red.iter().map(|r| r.case_id.as_str()).collect();
        assert_eq!(ids, [old.snapshot.case_id.as_str()], "{filter:?}");
        assert_eq!(red[0].due_state.as_deref(), Some("red"));
    }
    // Narrowed by item too: the food item lists it, another item nothing.
    let relief = code_of(desk, RELIEF).await.impl_code;
    for (code, expected) in [(old.snapshot.item_impl_code.clone(), 1), (relief, 0)] {
        let listed = desk
            .list_cases(CaseFilter {
                due_state: Some("red".into()),
                impl_code: Some(code.clone()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), expected, "{code}: {listed:?}");
    }
}
