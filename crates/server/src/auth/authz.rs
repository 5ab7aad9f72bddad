//! The role matrix: which role may do what. Every handler asks [`allowed`] for its permission;
//! the county check is done against the caller's own county (see `api::auth`).

use onestop_domain::lifecycle::Role;

/// What an endpoint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perm {
    /// Enrolment codes, accounts, catalogue editions.
    Administer,
    /// Push ops and pull changes from an enrolled window PC.
    Sync,
    /// Read the county's windows and accounts.
    ReadDirectory,
    /// Read the inbox and act on cases online (which action a role may take is `domain`'s
    /// `role_permits`; a window clerk dispatches bundles and delivers).
    Approve,
    /// Read single cases of the county.
    ReadCases,
    /// Supervision overview and violations.
    Supervise,
    /// Record at the window that filed a case that its result was handed over (送达). The state
    /// machine still decides which action the role may take.
    Deliver,
}

pub fn allowed(role: &Role, perm: Perm) -> bool {
    use Perm::*;
    match role {
        Role::Administrator => matches!(perm, Administer | ReadDirectory | Supervise),
        Role::WindowClerk => matches!(perm, Sync | ReadDirectory | ReadCases | Approve | Deliver),
        Role::ProxyAgent => matches!(perm, Sync | ReadDirectory | ReadCases | Deliver),
        Role::Approver { .. } => matches!(perm, Approve | ReadCases | ReadDirectory),
        Role::Leader => matches!(perm, Approve | ReadCases | Supervise | ReadDirectory),
        Role::Supervisor => matches!(perm, Supervise | ReadCases | ReadDirectory),
    }
}
