//! A demo county on the test server, set up the way an administrator would: the demo catalogue
//! imported with the server's CLI, an administrator, then (over the real admin API) a one-time
//! enrolment code for a window, a clerk of that window and an approver who can read its cases.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::binary;

pub const COUNTY: &str = "990101";
pub const ADMIN_PASSWORD: &str = "e2e-admin-2026";
pub const CLERK: &str = "clerk";
pub const CLERK_PASSWORD: &str = "e2e-clerk-2026";
/// The clerk of the township window a seeded village reports to.
pub const TOWNSHIP_CLERK: &str = "township";
/// The department of 残疾人证新办 in the demo catalogue, whose approver the scenarios use.
pub const DISABILITY_DEPT: &str = "示范县残疾人联合会";

/// What the tests type into the app and use against the server.
pub struct Seed {
    pub code: String,
    pub window_id: String,
    pub admin_token: String,
    /// The enrolment code of the window this one reports to, when it was seeded with one.
    pub parent_code: Option<String>,
}

/// Imports the demo catalogue and creates the administrator in the server's database file.
/// Runs before the server starts (as `make demo` does).
pub fn prepare_database(database: &Path) {
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalogue/demo.json");
    let ok = Command::new(binary("onestop-server"))
        .arg("--database")
        .arg(database)
        .arg("import-catalogue")
        .arg(&catalogue)
        .status()
        .expect("run import-catalogue");
    assert!(ok.success(), "import-catalogue failed");
    let ok = Command::new(binary("onestop-server"))
        .env("ONESTOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .arg("--database")
        .arg(database)
        .args(["create-admin", "--username", "admin", "--county", COUNTY])
        .status()
        .expect("run create-admin");
    assert!(ok.success(), "create-admin failed");
}

/// A small client of the server's own API, for what an administrator or approver would do.
pub struct Api {
    pub base: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "GET" => self.http.get(&url),
            _ => self.http.post(&url),
        };
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "{method} {path} → {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Takes one step of the approval work on `case_id` (a domain `Transition` as JSON) as the
    /// holder of `token`, and returns the case as the server answers.
    pub async fn act(&self, token: &str, case_id: &str, transition: Value) -> Value {
        self.call(
            "POST",
            &format!("/v1/cases/{case_id}/actions"),
            Some(token),
            Some(json!({"transition": transition, "part": null, "expected_version": null})),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let v = self
            .call(
                "POST",
                "/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        v["token"].as_str().expect("token").to_owned()
    }

    /// An enrolment code for a county window, a clerk of it, and an approver of `department`.
    pub async fn seed(&self, window_name: &str, department: &str) -> Seed {
        self.seed_window("county", "window_clerk", window_name, department)
            .await
    }

    /// Like [`Api::seed`] for a village 代办点, whose account is a proxy agent (代办员). The
    /// village reports to a township window (`township_name`) with a clerk [`TOWNSHIP_CLERK`],
    /// who decides the cases the agent forwards.
    pub async fn seed_village(
        &self,
        window_name: &str,
        township_name: &str,
        department: &str,
    ) -> Seed {
        let admin = self.login("admin", ADMIN_PASSWORD).await;
        let township = self
            .call(
                "POST",
                "/v1/admin/enrolment-codes",
                Some(&admin),
                Some(json!({"county_code": COUNTY, "level": "township", "window_name": township_name, "parent_window_id": null})),
            )
            .await;
        let township_id = township["window_id"].as_str().expect("window_id");
        self.call(
            "POST",
            "/v1/admin/users",
            Some(&admin),
            Some(
                json!({"username": TOWNSHIP_CLERK, "display_name": "乡镇窗口人员", "password": CLERK_PASSWORD,
                "role": {"role": "window_clerk"}, "county_code": COUNTY, "department": null,
                "window_id": township_id}),
            ),
        )
        .await;
        let mut seed = self
            .seed_window_under(
                "village",
                "proxy_agent",
                window_name,
                Some(township_id),
                department,
            )
            .await;
        seed.parent_code = township["code"].as_str().map(str::to_owned);
        seed
    }

    async fn seed_window(
        &self,
        level: &str,
        role: &str,
        window_name: &str,
        department: &str,
    ) -> Seed {
        self.seed_window_under(level, role, window_name, None, department)
            .await
    }

    async fn seed_window_under(
        &self,
        level: &str,
        role: &str,
        window_name: &str,
        parent: Option<&str>,
        department: &str,
    ) -> Seed {
        let admin = self.login("admin", ADMIN_PASSWORD).await;
        let code = self
            .call(
                "POST",
                "/v1/admin/enrolment-codes",
                Some(&admin),
                Some(json!({"county_code": COUNTY, "level": level, "window_name": window_name, "parent_window_id": parent})),
            )
            .await;
        let window_id = code["window_id"].as_str().expect("window_id").to_owned();
        self.call(
            "POST",
            "/v1/admin/users",
            Some(&admin),
            Some(
                json!({"username": CLERK, "display_name": "测试经办人", "password": CLERK_PASSWORD,
                "role": {"role": role}, "county_code": COUNTY, "department": null,
                "window_id": window_id}),
            ),
        )
        .await;
        self.call(
            "POST",
            "/v1/admin/users",
            Some(&admin),
            Some(json!({"username": "approver", "display_name": "测试审批人", "password": CLERK_PASSWORD,
                "role": {"role": "approver", "steps": ["handle", "review", "approve"]},
                "county_code": COUNTY, "department": department, "window_id": null})),
        )
        .await;
        Seed {
            code: code["code"].as_str().expect("code").to_owned(),
            window_id,
            admin_token: admin,
            parent_code: None,
        }
    }
}
