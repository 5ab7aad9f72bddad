//! The one trait every error of this crate implements, so the other crates can turn any of them
//! into the wire error `{code, message, details}` without knowing the concrete type.

/// A stable, dotted, machine-readable code such as `id.bad_check` or `case.role_not_permitted`.
///
/// The code is part of the API: the UI and the server branch on it, so it never changes once
/// published. The Chinese text for the clerk is the error's `Display`.
pub trait Coded {
    fn code(&self) -> &'static str;
}
