//! Shared helpers for the window stories: a desk on a temp folder with a fixed clock, the demo
//! catalogue, an enrolled window identity, and forms filled the way a clerk fills them.
#![allow(dead_code)]

pub mod server;
pub mod window;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use onestop_desk::{
    Actor, CaseDetail, Desk, DeskConfig, FixedClock, KeyStore, MemoryKeyStore, NewCaseInput,
    ProxyInput, RegisterApplicantInput, WindowIdentity,
};
use onestop_domain::catalogue::{Catalogue, FieldType, Item, WindowLevel};
use onestop_protocol::{ApplicantKind, MaterialReceipt};
use serde_json::{json, Value};

/// Sends the desk's, the sync engine's and the server's logs to the test's captured output.
/// nextest prints it only for a failing test, which is when it is needed: the sync stories fail,
/// if ever, on a race between rounds, and the log shows the order. `ONESTOP_TEST_LOG` filters.
pub fn capture_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONESTOP_TEST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

pub fn demo_json() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalogue/demo.json");
    std::fs::read_to_string(path).expect("demo catalogue")
}

pub fn demo() -> Catalogue {
    Catalogue::from_json(&demo_json()).expect("demo catalogue is valid")
}

pub fn item(impl_prefix: &str) -> Item {
    demo()
        .items
        .into_iter()
        .find(|i| i.impl_code.starts_with(impl_prefix))
        .expect("item in demo catalogue")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn identity(level: WindowLevel, terminal: &str) -> WindowIdentity {
    WindowIdentity {
        county_code: "990101".into(),
        terminal_code: terminal.into(),
        window_name: "城关镇便民服务中心 3 号窗口".into(),
        level,
        parent_window: None,
    }
}

pub struct TestDesk {
    pub desk: Desk,
    pub clock: Arc<FixedClock>,
    pub keys: Arc<MemoryKeyStore>,
}

/// A desk on `dir` whose clock reads 10:00 on `today`, with the demo catalogue and an enrolled
/// window identity of `level`.
pub async fn desk_at(dir: &Path, today: NaiveDate, level: WindowLevel) -> TestDesk {
    let keys = Arc::new(MemoryKeyStore::new());
    desk_with_keys(dir, today, level, keys).await
}

pub async fn desk_with_keys(
    dir: &Path,
    today: NaiveDate,
    level: WindowLevel,
    keys: Arc<MemoryKeyStore>,
) -> TestDesk {
    let clock = Arc::new(FixedClock::at_day(today));
    let mut config = DeskConfig::new(dir);
    config.keystore = Some(keys.clone() as Arc<dyn KeyStore>);
    config.clock = clock.clone();
    let desk = Desk::start(config).expect("desk starts");
    desk.install_catalogue(demo_json())
        .await
        .expect("catalogue installs");
    desk.set_window_identity(identity(level, "0012"))
        .await
        .expect("identity");
    TestDesk { desk, clock, keys }
}

pub fn clerk() -> Actor {
    Actor::clerk("clerk-wang")
}

pub fn person(id: &str, name: &str, phone: &str, address: &str) -> RegisterApplicantInput {
    RegisterApplicantInput {
        actor: clerk(),
        kind: ApplicantKind::Person,
        id_number: id.into(),
        name: name.into(),
        phone: Some(phone.into()),
        address: Some(address.into()),
    }
}

/// Fills the fields the applicant record does not cover, as a clerk would type them.
pub fn complete_form(item: &Item, prefilled: Value) -> Value {
    let mut form = prefilled.as_object().cloned().unwrap_or_default();
    for f in &item.form.fields {
        if form.contains_key(&f.key) || !f.required {
            continue;
        }
        let v = match f.field_type {
            FieldType::Text => json!("城关镇"),
            FieldType::Textarea => json!("按实际情况填写的说明"),
            FieldType::Number => json!(3),
            FieldType::Money => json!(1200.5),
            FieldType::Date => json!("2026-03-02"),
            FieldType::Select => json!(f.options[0]),
            FieldType::ResidentId => json!("110101196006060069"),
            FieldType::Uscc => json!("91350100M000100Y43"),
            FieldType::Phone => json!("13900139000"),
            FieldType::Address => json!("城关镇人民路 1 号"),
        };
        form.insert(f.key.clone(), v);
    }
    Value::Object(form)
}

/// Every material of the item as the item asks for it.
pub fn all_materials(item: &Item) -> Vec<MaterialReceipt> {
    item.materials
        .iter()
        .map(|m| MaterialReceipt {
            material_id: m.id.clone(),
            originals: m.originals,
            copies: m.copies,
            electronic: false,
            waived_reason: None,
        })
        .collect()
}

/// A small real file standing in for a scan.
pub fn scan(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// A new case of `impl_code` for `applicant_id`, with no materials, attachments or agent yet.
pub fn new_case(actor: Actor, impl_code: &str, applicant_id: &str, form: Value) -> NewCaseInput {
    NewCaseInput {
        actor,
        impl_code: impl_code.into(),
        applicant_id: applicant_id.into(),
        form,
        materials: Vec::new(),
        attachments: Vec::new(),
        proxy: None,
    }
}

/// 食品经营许可证核发, a 承诺件 of 5 working days.
pub const FOOD: &str = "019900040000";

/// 食品经营许可证核发 for a new citizen with every material, accepted
/// by the clerk.
/// The food licence application of a newly registered citizen, its form complete and every
/// material in hand: what a test accepts (`accept_food`) or only receives.
pub async fn food_application(desk: &Desk, id_number: &str, name: &str) -> NewCaseInput {
    let applicant = desk
        .register_applicant(person(id_number, name, "13800138000", "城关镇人民路 8 号"))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = desk
        .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &food.impl_code,
        &applicant.applicant_id,
        complete_form(&food, form),
    );
    input.materials = all_materials(&food);
    input
}

pub async fn accept_food(desk: &Desk, id_number: &str, name: &str) -> CaseDetail {
    let input = food_application(desk, id_number, name).await;
    desk.accept(input).await.unwrap()
}

/// The village agent 刘德明's authorisation (委托书) to file and sign for the villager, valid
/// through 2026, with `letter` as its signed scan.
pub fn agent_authorisation(letter: std::path::PathBuf) -> ProxyInput {
    ProxyInput {
        name: "刘德明".into(),
        id_number: "110101198001010010".into(),
        phone: Some("13200132000".into()),
        powers: vec!["递交材料".into(), "签收文书".into()],
        valid_from: day(2026, 3, 1),
        valid_until: day(2026, 12, 31),
        authorisation_scan: letter,
    }
}

/// 张桂兰 of 西河村, registered, and `item`'s form prefilled for her and completed: what a
/// village agent has before filing her proxy case. Returns her applicant id and the form.
pub async fn villager_form(d: &Desk, item: &Item) -> (String, Value) {
    let villager = d
        .register_applicant(person(
            "110101196006060069",
            "张桂兰",
            "13300133000",
            "西河村 2 组",
        ))
        .await
        .unwrap();
    let form = d
        .prefill_form(villager.applicant_id.clone(), item.impl_code.clone())
        .await
        .unwrap();
    (villager.applicant_id, complete_form(item, form))
}

/// A PDF's text as poppler reads it, without whitespace (line breaks fall anywhere).
pub fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install -y poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}
