//! Enrolment and sign-in (docs/protocol.md §1, §3) as `Desk` methods.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use onestop_local::settings::{self, WindowIdentity};
use onestop_protocol::{ApiError, EnrollRequest, EnrollResponse, LoginRequest, UserInfo};
use onestop_sync::{ServerClient, SyncError};

use crate::session::SessionInfo;
use serde::{Deserialize, Serialize};

use crate::desk::Desk;
use crate::device_key;
use crate::sync::error::SyncSetupError;
use crate::sync::link::keys;
use crate::sync::signer::{DeskSigner, DeviceOnly};
use crate::usecases::DeskError;

/// The cached argon2 verifier for signing in offline until `valid_until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedVerifier {
    pub username: String,
    pub phc: String,
    pub valid_until: DateTime<Utc>,
    /// Who signed in (name, role), so an offline sign-in acts as the same clerk. Absent in caches
    /// written before it was kept: such a cache cannot sign in offline.
    #[serde(default)]
    pub user: Option<UserInfo>,
}

/// Whether `password` matches the argon2 PHC string (its own parameters are used).
fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

const ACCOUNT_TIMEOUT: Duration = Duration::from_secs(15);

impl Desk {
    /// The device key (made on first use) and the server's id for this device, if enrolled.
    pub(crate) async fn signer(&self) -> Result<Arc<DeskSigner>, ApiError> {
        let signer = self
            .sync
            .signer
            .get_or_try_init(|| async {
                let keys = self.keys().await?;
                let store = self.store().await?;
                let (key, device_id, url) = store
                    .run(move |db, _| {
                        let key = device_key::load_or_create(keys.as_ref())?;
                        let id = settings::get(db.conn(), keys::DEVICE_ID)?;
                        let url = settings::get(db.conn(), keys::SERVER_URL)?;
                        Ok((key, id, url))
                    })
                    .await?;
                if let Some(url) = url {
                    *self
                        .sync
                        .server_url
                        .write()
                        .unwrap_or_else(|p| p.into_inner()) = Some(url);
                }
                Ok::<_, ApiError>(Arc::new(DeskSigner::new(key, device_id)))
            })
            .await?;
        Ok(Arc::clone(signer))
    }

    /// The server this window is enrolled with (else the configured one).
    pub(crate) fn sync_server_url(&self) -> String {
        self.sync
            .server_url
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_else(|| self.config().server_url.clone())
    }

    /// Enrols this PC with the one-time code an administrator issued (登记本机): sends the
    /// device's public key, and stores the window identity, the device id and the server URL.
    pub async fn enrol(
        &self,
        server_url: String,
        code: String,
    ) -> Result<EnrollResponse, ApiError> {
        let signer = self.signer().await?;
        if signer.device_id().is_some() {
            let terminal_code = self
                .window_identity()
                .await?
                .map(|w| w.terminal_code)
                .unwrap_or_default();
            return Err(SyncSetupError::AlreadyEnrolled { terminal_code }.into());
        }
        let client =
            ServerClient::new(&server_url, ACCOUNT_TIMEOUT).map_err(|e| e.to_api_error())?;
        let answer = client
            .enroll(&EnrollRequest {
                code,
                public_key: signer.public_key_b64(),
            })
            .await
            .map_err(|e| e.to_api_error())?;
        let enrolled = answer.value;
        let identity = WindowIdentity {
            county_code: enrolled.county_code.clone(),
            terminal_code: enrolled.terminal_code.clone(),
            window_name: enrolled.window_name.clone(),
            level: enrolled.level,
            parent_window: None,
        };
        let (device_id, window_id, url) = (
            enrolled.device_id.clone(),
            enrolled.window_id.clone(),
            server_url.trim().to_string(),
        );
        let now = self.config().clock.now();
        let url_saved = url.clone();
        self.store()
            .await?
            .run(move |db, _| {
                db.write(|tx, _| {
                    settings::set_window_identity(tx, &identity, now)?;
                    settings::set(tx, keys::DEVICE_ID, &device_id)?;
                    settings::set(tx, keys::WINDOW_ID, &window_id)?;
                    settings::set(tx, keys::SERVER_URL, &url_saved)?;
                    Ok::<_, DeskError>(())
                })
            })
            .await?;
        signer.set_device_id(enrolled.device_id.clone());
        *self
            .sync
            .server_url
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(url);
        tracing::info!(terminal = %enrolled.terminal_code, "window enrolled");
        Ok(enrolled)
    }

    /// Signs the clerk in: online when the server answers (the session is bound to this PC, the
    /// password verifier is cached for offline sign-in and sync starts), else offline against the
    /// cached verifier while it is valid. Wrong passwords count towards the lockout either way.
    pub async fn login(&self, username: String, password: String) -> Result<SessionInfo, ApiError> {
        let now = self.config().clock.now();
        self.session.check_not_locked(now)?;
        let signer = self.signer().await?;
        if signer.device_id().is_none() {
            return Err(SyncSetupError::NotEnrolled.into());
        }
        let client = ServerClient::new(&self.sync_server_url(), ACCOUNT_TIMEOUT)
            .map_err(|e| e.to_api_error())?;
        let answer = client
            .login(
                &LoginRequest {
                    username: username.clone(),
                    password: password.clone(),
                },
                &DeviceOnly(&signer),
            )
            .await;
        let session = match answer {
            Ok(answer) => answer.value,
            Err(SyncError::Unreachable(_) | SyncError::BadResponse { .. }) => {
                return self.login_offline(username, password, now).await;
            }
            Err(SyncError::Server(e)) if e.code == "auth.bad_credentials" => {
                return Err(self.wrong_password(now));
            }
            Err(e) => return Err(e.to_api_error()),
        };
        signer.set_token(Some(session.token.clone()));
        *self
            .sync
            .credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((username.clone(), password));
        let cached = CachedVerifier {
            username,
            phc: session.verifier.phc.clone(),
            valid_until: session.verifier.valid_until,
            user: Some(session.user.clone()),
        };
        let json =
            serde_json::to_string(&cached).map_err(|e| DeskError::Internal(e.to_string()))?;
        self.store()
            .await?
            .run(move |db, _| Ok(settings::set(db.conn(), keys::VERIFIER, &json)?))
            .await?;
        tracing::info!(user = %session.user.username, "clerk signed in");
        let info = self
            .session
            .sign_in(&session.user, Some(cached.valid_until), false, now);
        crate::desk_print::warm_up();
        self.start_sync().await?;
        Ok(info)
    }

    fn wrong_password(&self, now: DateTime<Utc>) -> ApiError {
        match self.session.record_failure(now) {
            Some(until) => DeskError::LockedOut { until }.into(),
            None => DeskError::BadPassword.into(),
        }
    }

    /// The server cannot be reached: check the password against the verifier the last online
    /// sign-in of this user cached, while it is valid. Sync is not started with a password the
    /// server has not seen; it starts at the next online sign-in.
    async fn login_offline(
        &self,
        username: String,
        password: String,
        now: DateTime<Utc>,
    ) -> Result<SessionInfo, ApiError> {
        let cached = self
            .cached_verifier()
            .await?
            .filter(|c| c.username == username.trim() && c.valid_until > now);
        let Some(CachedVerifier {
            phc,
            valid_until,
            user: Some(user),
            ..
        }) = cached
        else {
            return Err(DeskError::NoOfflineLogin.into());
        };
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))?;
        if !ok {
            return Err(self.wrong_password(now));
        }
        tracing::info!(user = %user.username, "clerk signed in offline");
        crate::desk_print::warm_up();
        Ok(self.session.sign_in(&user, Some(valid_until), true, now))
    }

    /// 退出登录.
    pub fn logout(&self) {
        self.session.sign_out();
        if let Some(signer) = self.sync.signer.get() {
            signer.set_token(None);
        }
        *self
            .sync
            .credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
        // The engine pushes with this clerk's session; with nobody signed in the server can
        // only refuse its rounds. The queue waits for the next online sign-in, which starts a
        // new engine. Stopping mid-round loses nothing: ops are idempotent by (device, seq).
        let stopped = self
            .sync
            .engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if stopped.is_some() {
            tracing::info!("sync engine stopped");
        }
        drop(stopped);
        tracing::info!("clerk signed out");
    }

    /// The signed-in clerk, if any.
    pub fn session_info(&self) -> Option<SessionInfo> {
        self.session.info(self.config().clock.now())
    }

    /// The verifier cached by the last online sign-in, for offline sign-in.
    pub async fn cached_verifier(&self) -> Result<Option<CachedVerifier>, ApiError> {
        let raw = self
            .store()
            .await?
            .run(|db, _| Ok(settings::get(db.conn(), keys::VERIFIER)?))
            .await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }
}
