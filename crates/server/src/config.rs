use std::net::SocketAddr;

/// How the server runs. Filled from the command line, whose flags also read `ONESTOP_*` variables.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// A SQLite file path, or a `postgres://` URL.
    pub database: String,
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes; larger ones get 413 `http.payload_too_large`.
    pub body_limit: usize,
}

impl ServerConfig {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
}
