//! The baseline for the window speed bench: the same Tauri build (its config, WebKit, the
//! window's size) showing one page that holds only a focused text input, with none of our
//! code. `tests/e2e/benches/window_speed.rs` launches it with `SPEED_BASELINE=1` and measures it
//! exactly as it measures the app, so "our launch" and "Tauri's own launch" are compared on the
//! same machine, the same cache state and the same probe.
//!
//! The page comes from a custom scheme, served from memory the way Tauri serves the app's own
//! assets (data: URLs need a Tauri feature the app does not build with).
//!
//! `cargo build --release -p onestop-app --example empty_window`

const PAGE: &str = "<!doctype html><meta charset=utf-8><title>empty</title>\
<input data-testid=login-username autofocus>";

fn main() {
    let mut context = tauri::generate_context!();
    for window in &mut context.config_mut().app.windows {
        window.url = tauri::WebviewUrl::CustomProtocol(
            "baseline://localhost/".parse().expect("a valid URL"),
        );
    }
    tauri::Builder::default()
        .register_uri_scheme_protocol("baseline", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html; charset=utf-8")
                .body(PAGE.as_bytes().to_vec())
                .expect("a valid response")
        })
        .run(context)
        .expect("the empty window runs");
}
