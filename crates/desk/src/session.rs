//! Who is signed in at this window, and the rules around it: a lockout after repeated wrong
//! passwords (the shared village PC is the reason), sign-in offline against the verifier cached at
//! the last online sign-in (until it expires), and the idle timeout. The UI never builds an
//! `Actor`: every use case takes it from here.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use onestop_domain::lifecycle::Role;
use onestop_protocol::UserInfo;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::usecases::{Actor, DeskError};

/// Wrong passwords in a row before the window locks sign-in.
pub const MAX_FAILURES: u32 = 5;
/// How long sign-in stays locked after `MAX_FAILURES`.
pub const LOCKOUT: Duration = Duration::minutes(5);
/// A session with no use case for this long must sign in again.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(15);

/// The signed-in clerk, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    /// `window_clerk`, `proxy_agent`, … (the role's serde name).
    pub role: String,
    /// Signed in against the cached verifier, without the server.
    pub offline: bool,
    /// Until when an offline sign-in is allowed (the verifier's expiry).
    #[ts(type = "string | null")]
    pub offline_valid_until: Option<DateTime<Utc>>,
}

#[derive(Debug)]
struct SignedIn {
    info: SessionInfo,
    actor: Actor,
    last_activity: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    current: Option<SignedIn>,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
pub struct Session {
    state: Mutex<State>,
}

fn role_name(role: &Role) -> String {
    match serde_json::to_value(role) {
        Ok(serde_json::Value::String(s)) => s,
        // Role is tagged: `{"role": "approver", "steps": [...]}`.
        Ok(serde_json::Value::Object(map)) => map
            .get("role")
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

impl Session {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refuses a sign-in attempt while locked.
    pub fn check_not_locked(&self, now: DateTime<Utc>) -> Result<(), DeskError> {
        let state = self.state();
        match state.locked_until {
            Some(until) if until > now => Err(DeskError::LockedOut { until }),
            _ => Ok(()),
        }
    }

    /// A wrong password: counts it, and locks after `MAX_FAILURES`.
    pub fn record_failure(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut state = self.state();
        state.failures += 1;
        if state.failures >= MAX_FAILURES {
            state.failures = 0;
            let until = now + LOCKOUT;
            state.locked_until = Some(until);
            tracing::warn!(%until, "sign-in locked after repeated failures");
            return Some(until);
        }
        None
    }

    pub fn sign_in(
        &self,
        user: &UserInfo,
        offline_valid_until: Option<DateTime<Utc>>,
        offline: bool,
        now: DateTime<Utc>,
    ) -> SessionInfo {
        let info = SessionInfo {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: role_name(&user.role),
            offline,
            offline_valid_until,
        };
        let mut state = self.state();
        state.failures = 0;
        state.locked_until = None;
        state.current = Some(SignedIn {
            info: info.clone(),
            actor: Actor {
                account: user.username.clone(),
                role: user.role.clone(),
            },
            last_activity: now,
        });
        info
    }

    pub fn sign_out(&self) {
        self.state().current = None;
    }

    /// The signed-in clerk, if the session has not idled out (which signs them out).
    pub fn info(&self, now: DateTime<Utc>) -> Option<SessionInfo> {
        let mut state = self.state();
        expire_if_idle(&mut state, now);
        state.current.as_ref().map(|s| s.info.clone())
    }

    /// Who acts in a use case; marks the session active.
    pub fn actor(&self, now: DateTime<Utc>) -> Result<Actor, DeskError> {
        let mut state = self.state();
        if expire_if_idle(&mut state, now) {
            return Err(DeskError::SessionExpired);
        }
        let current = state.current.as_mut().ok_or(DeskError::NotSignedIn)?;
        current.last_activity = now;
        Ok(current.actor.clone())
    }
}

fn expire_if_idle(state: &mut State, now: DateTime<Utc>) -> bool {
    let idle = state
        .current
        .as_ref()
        .is_some_and(|s| now - s.last_activity > IDLE_TIMEOUT);
    if idle {
        tracing::info!("session idled out");
        state.current = None;
    }
    idle
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserInfo {
        UserInfo {
            user_id: "u1".into(),
            username: "clerk".into(),
            display_name: "王窗口".into(),
            role: Role::WindowClerk,
            county_code: "330102".into(),
            department: None,
            window_id: None,
        }
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn locks_after_five_failures_then_unlocks() {
        let s = Session::default();
        for _ in 0..4 {
            assert!(s.record_failure(t0()).is_none());
            s.check_not_locked(t0()).unwrap();
        }
        let until = s.record_failure(t0()).expect("locked");
        assert_eq!(until, t0() + LOCKOUT);
        assert_eq!(s.check_not_locked(t0()).unwrap_err().code(), "auth.locked");
        s.check_not_locked(until).unwrap();
    }

    #[test]
    fn idles_out_and_reports_expired_once() {
        let s = Session::default();
        assert_eq!(s.actor(t0()).unwrap_err().code(), "auth.not_signed_in");
        let info = s.sign_in(&user(), None, false, t0());
        assert_eq!(info.role, "window_clerk");
        assert_eq!(
            s.actor(t0() + Duration::minutes(10)).unwrap().account,
            "clerk"
        );
        // Activity at +10 min moves the window: +24 min is still within 15 min of it.
        assert!(s.actor(t0() + Duration::minutes(24)).is_ok());
        let late = t0() + Duration::minutes(40);
        assert_eq!(s.actor(late).unwrap_err().code(), "auth.session_expired");
        assert!(s.info(late).is_none());
        assert_eq!(s.actor(late).unwrap_err().code(), "auth.not_signed_in");
    }
}
