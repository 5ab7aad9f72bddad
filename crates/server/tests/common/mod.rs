//! Shared helpers: the real router on a loopback port, the stores under test, and a window
//! world (administrator, enrolled device, clerk) with signed requests.

#![allow(dead_code)]

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{NaiveDate, Utc};
use ed25519_dalek::{Signer, SigningKey};
pub use onestop_domain::catalogue::WindowLevel;
use onestop_domain::lifecycle::{CaseFlow, CaseTerms, Channel, Role, Transition};
use onestop_protocol::*;
use onestop_server::api::{router, AppState};
use onestop_server::auth::PasswordCost;
use onestop_server::store::{self, Store};
use onestop_server::{catalogue_import, ServerConfig};
use rand_core::{OsRng, RngCore};
use reqwest::{Method, StatusCode};

pub const COUNTY: &str = "990101";
pub const DEMO: &str = include_str!("../../../../assets/catalogue/demo.json");
pub const ADMIN_PASSWORD: &str = "admin-pass-1";
pub const PASSWORD: &str = "clerk-pass-1";

/// A running server on 127.0.0.1:0.
pub struct Running {
    pub url: String,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    /// Where this server keeps attachment files.
    pub upload_dir: std::path::PathBuf,
    _dir: Option<tempfile::TempDir>,
}

pub fn test_config() -> ServerConfig {
    let mut c = ServerConfig::new("unused", "127.0.0.1:0".parse().unwrap());
    // Cheap hashes keep the debug-build tests fast; production uses the default cost.
    c.password_cost = PasswordCost {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    // Tests look up the citizen page many times from 127.0.0.1; the limit has its own test.
    c.citizen_burst = 1000;
    c.upload_dir = std::env::temp_dir().join(format!("onestop-uploads-{}", uuid::Uuid::now_v7()));
    c
}

pub async fn serve(
    store: Arc<dyn Store>,
    config: ServerConfig,
    dir: Option<tempfile::TempDir>,
) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upload_dir = config.upload_dir.clone();
    let app = router(AppState::new(Arc::clone(&store), config));
    tokio::spawn(async move {
        axum::serve(
            onestop_server::without_nagle(listener),
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Running {
        url,
        store,
        http: reqwest::Client::new(),
        upload_dir,
        _dir: dir,
    }
}

/// A server running elsewhere (the real binary), reached at `url`, whose store the test opens too.
pub fn remote(url: String, store: Arc<dyn Store>, upload_dir: std::path::PathBuf) -> Running {
    Running {
        url,
        store,
        http: reqwest::Client::new(),
        upload_dir,
        _dir: None,
    }
}

pub async fn start_sqlite() -> Running {
    start_sqlite_with(test_config()).await
}

pub async fn start_sqlite_with(config: ServerConfig) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let store = store::open(db.to_str().unwrap()).await.unwrap();
    store.migrate().await.unwrap();
    serve(store, config, Some(dir)).await
}

pub async fn start_pg(url: &str) -> Running {
    let url = fresh_pg(url).await;
    let store = store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    serve(store, test_config(), None).await
}

/// Every server a test should run against: SQLite, and PostgreSQL when configured.
pub async fn servers() -> Vec<Running> {
    let mut out = vec![start_sqlite().await];
    if let Some(url) = pg_url() {
        out.push(start_pg(&url).await);
    }
    out
}

/// The PostgreSQL URL from `ONESTOP_TEST_PG`. In CI its absence is a failure, never a skip;
/// elsewhere the caller is told loudly that the PostgreSQL half did not run.
pub fn pg_url() -> Option<String> {
    match std::env::var("ONESTOP_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set ONESTOP_TEST_PG: the PostgreSQL store is part of what is tested"
            );
            eprintln!("ONESTOP_TEST_PG is not set: the PostgreSQL half of this test did NOT run");
            None
        }
    }
}

/// A fresh, empty schema on the test database so runs do not see each other's rows.
pub async fn fresh_pg(url: &str) -> String {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// An enrolled window PC with its private key.
#[derive(Clone)]
pub struct Device {
    pub key: SigningKey,
    pub enrolled: EnrollResponse,
}

impl Device {
    pub fn id(&self) -> &str {
        &self.enrolled.device_id
    }
    pub fn terminal(&self) -> u16 {
        self.enrolled.terminal_code.parse().unwrap()
    }
}

pub fn new_key() -> SigningKey {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    SigningKey::from_bytes(&b)
}

pub fn nonce() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// How to sign a request; tests tamper with these.
pub struct Signing<'a> {
    pub device: &'a Device,
    pub timestamp: i64,
    pub nonce: String,
}

impl<'a> Signing<'a> {
    pub fn now(device: &'a Device) -> Self {
        Signing {
            device,
            timestamp: Utc::now().timestamp(),
            nonce: nonce(),
        }
    }
}

impl Running {
    /// Sends a request, signed when `sign` is given, with a bearer token when given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        sign: Option<Signing<'_>>,
        token: Option<&str>,
    ) -> reqwest::Response {
        let body = body.unwrap_or_default();
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.url));
        if let Some(s) = sign {
            let text = signing::signing_string(
                method.as_str(),
                path,
                s.timestamp,
                &s.nonce,
                &signing::body_sha256(&body),
            );
            let sig = STANDARD.encode(s.device.key.sign(text.as_bytes()).to_bytes());
            req = req
                .header(signing::HEADER_DEVICE, s.device.id())
                .header(signing::HEADER_TIMESTAMP, s.timestamp.to_string())
                .header(signing::HEADER_NONCE, s.nonce)
                .header(signing::HEADER_SIGNATURE, sig);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if !body.is_empty() {
            req = req.header("content-type", "application/json").body(body);
        }
        req.send().await.unwrap()
    }

    /// A signed request with raw bytes and headers of the caller's choice (uploads).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
        device: &Device,
        token: Option<&str>,
    ) -> reqwest::Response {
        let s = Signing::now(device);
        let text = signing::signing_string(
            method.as_str(),
            path,
            s.timestamp,
            &s.nonce,
            &signing::body_sha256(&body),
        );
        let sig = STANDARD.encode(device.key.sign(text.as_bytes()).to_bytes());
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header(signing::HEADER_DEVICE, device.id())
            .header(signing::HEADER_TIMESTAMP, s.timestamp.to_string())
            .header(signing::HEADER_NONCE, s.nonce)
            .header(signing::HEADER_SIGNATURE, sig);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.body(body).send().await.unwrap()
    }

    pub async fn json<T: serde::Serialize>(
        &self,
        method: Method,
        path: &str,
        body: &T,
        device: Option<&Device>,
        token: Option<&str>,
    ) -> reqwest::Response {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(method, path, Some(bytes), device.map(Signing::now), token)
            .await
    }

    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device: Option<&Device>,
    ) -> LoginResponse {
        let r = self
            .json(
                Method::POST,
                "/v1/auth/login",
                &LoginRequest {
                    username: username.into(),
                    password: password.into(),
                },
                device,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        r.json().await.unwrap()
    }
}

/// An administrator, a published catalogue, one enrolled window PC and its clerk.
pub struct World {
    pub admin_token: String,
    pub device: Device,
    pub clerk_token: String,
}

pub async fn create_admin(s: &Running, username: &str, county: &str) {
    onestop_server::api::users::create(
        s.store.as_ref(),
        test_config().password_cost,
        CreateUserRequest {
            username: username.into(),
            display_name: "管理员".into(),
            password: ADMIN_PASSWORD.into(),
            role: Role::Administrator,
            county_code: county.into(),
            department: None,
            window_id: None,
        },
    )
    .await
    .unwrap();
}

pub async fn enrol(s: &Running, admin_token: &str, name: &str) -> Device {
    enrol_at(s, admin_token, name, WindowLevel::County, None).await
}

/// Enrols a PC as a new window of `level`, reporting to `parent` (a village window's township).
pub async fn enrol_at(
    s: &Running,
    admin_token: &str,
    name: &str,
    level: WindowLevel,
    parent: Option<&str>,
) -> Device {
    let r = s
        .json(
            Method::POST,
            "/v1/admin/enrolment-codes",
            &EnrolmentCodeRequest {
                county_code: COUNTY.into(),
                level,
                window_name: name.into(),
                parent_window_id: parent.map(Into::into),
            },
            None,
            Some(admin_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let code: EnrolmentCode = r.json().await.unwrap();
    let key = new_key();
    let r = s
        .json(
            Method::POST,
            "/v1/enroll",
            &EnrollRequest {
                code: code.code,
                public_key: STANDARD.encode(key.verifying_key().as_bytes()),
            },
            None,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    Device {
        key,
        enrolled: r.json().await.unwrap(),
    }
}

pub async fn create_user(
    s: &Running,
    admin_token: &str,
    username: &str,
    role: Role,
    department: Option<&str>,
    window_id: Option<&str>,
) {
    let r = s
        .json(
            Method::POST,
            "/v1/admin/users",
            &CreateUserRequest {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role,
                county_code: COUNTY.into(),
                department: department.map(Into::into),
                window_id: window_id.map(Into::into),
            },
            None,
            Some(admin_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
}

/// A window account `username` of `role` at `device`'s window, signed in on that device.
pub async fn user_at(
    s: &Running,
    admin_token: &str,
    username: &str,
    role: Role,
    device: &Device,
) -> String {
    create_user(
        s,
        admin_token,
        username,
        role,
        None,
        Some(&device.enrolled.window_id),
    )
    .await;
    s.login(username, PASSWORD, Some(device)).await.token
}

pub async fn world(s: &Running) -> World {
    create_admin(s, "admin", COUNTY).await;
    let admin_token = s.login("admin", ADMIN_PASSWORD, None).await.token;
    let edition = catalogue_import::prepare(DEMO).unwrap();
    s.store.publish_catalogue(&edition).await.unwrap();
    let device = enrol(s, &admin_token, "城关窗口").await;
    create_user(
        s,
        &admin_token,
        "clerk",
        Role::WindowClerk,
        None,
        Some(&device.enrolled.window_id),
    )
    .await;
    let clerk_token = s.login("clerk", PASSWORD, Some(&device)).await.token;
    World {
        admin_token,
        device,
        clerk_token,
    }
}

pub const ID_NUMBER: &str = "110101199003071233";

pub fn applicant(id: &str) -> ApplicantRecord {
    ApplicantRecord {
        applicant_id: id.into(),
        kind: ApplicantKind::Person,
        id_number: ID_NUMBER.into(),
        name: "张三".into(),
        phone: Some("13800138000".into()),
        address: None,
        registration_number: "99010100120003456".into(),
        updated_at: Utc::now(),
    }
}

/// Form data that passes the item's schema.
pub fn form_for(item: &onestop_domain::catalogue::Item) -> serde_json::Value {
    use onestop_domain::catalogue::FieldType as F;
    let mut m = serde_json::Map::new();
    for f in &item.form.fields {
        let v = match f.field_type {
            F::Text | F::Textarea => "测试".to_string(),
            F::Address => "示范县城关镇人民路1号".into(),
            F::Number => "3".into(),
            F::Money => "100.00".into(),
            F::Date => "2026-01-05".into(),
            F::Select => f.options.first().cloned().unwrap_or_default(),
            F::ResidentId => ID_NUMBER.into(),
            F::Uscc => "91350100M000100Y43".into(),
            F::Phone => "13800138000".into(),
        };
        m.insert(f.key.clone(), serde_json::Value::String(v));
    }
    serde_json::Value::Object(m)
}

pub fn item(index: usize) -> onestop_domain::catalogue::Item {
    onestop_domain::catalogue::Catalogue::from_json(DEMO)
        .unwrap()
        .items[index]
        .clone()
}

/// A case received and accepted today at `device`, with daily sequence `n`.
pub fn accepted_case(
    device: &Device,
    item_index: usize,
    n: u16,
    applicant_id: &str,
) -> CaseSnapshot {
    accepted_case_on(
        device,
        item_index,
        n,
        applicant_id,
        onestop_server::today_cn(Utc::now()),
    )
}

/// A case received and accepted on `today` at `device`, with daily sequence `n`.
pub fn accepted_case_on(
    device: &Device,
    item_index: usize,
    n: u16,
    applicant_id: &str,
    today: NaiveDate,
) -> CaseSnapshot {
    case_of(
        device,
        item_index,
        n,
        applicant_id,
        today,
        &Role::WindowClerk,
        true,
    )
}

/// A case `role` received today at `device` and nobody has decided yet (a village agent's
/// forwarded case when `role` is the proxy agent).
pub fn received_case(
    device: &Device,
    item_index: usize,
    n: u16,
    applicant_id: &str,
    role: &Role,
) -> CaseSnapshot {
    let today = onestop_server::today_cn(Utc::now());
    case_of(device, item_index, n, applicant_id, today, role, false)
}

fn case_of(
    device: &Device,
    item_index: usize,
    n: u16,
    applicant_id: &str,
    today: NaiveDate,
    role: &Role,
    accept: bool,
) -> CaseSnapshot {
    let item = item(item_index);
    let cal = onestop_domain::calendar::WorkCalendar::default_cn();
    let received = CaseFlow::receive(
        CaseTerms::from_item(&item),
        role,
        Channel::Window,
        today,
        cal.supplement_notice_due(today).date,
    )
    .unwrap();
    let mut flow = received.flow;
    let mut events = received.events;
    if accept {
        let accepted = flow.apply(role, &Transition::Accept, today).unwrap();
        flow = accepted.flow;
        events.extend(accepted.events);
    }
    // seq and hashes are filled by `seal_timeline` once the case id is known.
    let timeline = events
        .iter()
        .map(|e| TimelineEntry {
            seq: 0,
            at: Utc::now(),
            actor: "clerk".into(),
            kind: "case.event".into(),
            event: Some(e.clone()),
            data: serde_json::Value::Null,
            prev_hash: String::new(),
            hash: String::new(),
        })
        .collect();
    let number = onestop_domain::numbering::AcceptanceNumber::new(
        &onestop_domain::ids::DivisionCode::parse(COUNTY).unwrap(),
        onestop_domain::numbering::TerminalCode::new(device.terminal()).unwrap(),
        today,
        n,
    )
    .unwrap();
    let due = onestop_domain::supervision::case_deadline(
        &flow,
        item.promised_limit_working_days,
        &cal,
        today,
        item.warning,
    );
    let mut case = CaseSnapshot {
        case_id: uuid::Uuid::now_v7().to_string(),
        acceptance_number: number.to_string(),
        catalogue_edition: "2026-11".into(),
        item_impl_code: item.impl_code.clone(),
        item_hash: item.content_hash(),
        applicant_id: applicant_id.into(),
        proxy: None,
        form: form_for(&item),
        materials: vec![],
        attachments: vec![],
        flow,
        due_on: due.map(|d| d.due),
        due_provisional: due.is_some_and(|d| d.provisional),
        timeline,
        county_code: COUNTY.into(),
        terminal_code: device.enrolled.terminal_code.clone(),
        updated_at: Utc::now(),
    };
    seal_timeline(&mut case);
    case
}

/// Chains the timeline of `case` the way a window does (seq, prev_hash, hash bound to the case).
pub fn seal_timeline(case: &mut CaseSnapshot) {
    let mut prev = onestop_protocol::timeline::GENESIS_HASH.to_string();
    for (i, e) in case.timeline.iter_mut().enumerate() {
        e.seq = i as u32 + 1;
        e.prev_hash = prev;
        e.hash = onestop_protocol::timeline::entry_hash(&case.case_id, e);
        prev = e.hash.clone();
    }
}

pub fn op(device: &Device, seq: u64, kind: &str, payload: &impl serde::Serialize) -> Op {
    Op::new(
        device.id(),
        seq,
        uuid::Uuid::now_v7().to_string(),
        kind,
        serde_json::to_value(payload).unwrap(),
    )
}

pub async fn push(s: &Running, w: &World, ops: Vec<Op>) -> reqwest::Response {
    s.json(
        Method::POST,
        "/v1/ops",
        &PushRequest { ops },
        Some(&w.device),
        Some(&w.clerk_token),
    )
    .await
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
