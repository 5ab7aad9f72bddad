//! WebKitGTK's memory cache. Its default model (`WebBrowser`) keeps decoded images of pages
//! that are gone, sized to the machine's RAM: every voucher preview (a new 662×936 page image,
//! ~2.5 MB decoded) stayed in the web process, about 5 MiB per acceptance and over 1 GiB after
//! a day's hundred cases (docs/benchmarks.md, "Window speed"). The app is one local page with no
//! navigation and nothing fetched over a network, which is the `DocumentViewer` model: no cache
//! of dead resources, no back/forward cache.

use tauri::{Runtime, WebviewWindow};

pub fn use_document_viewer_cache<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        // `ONESTOP_WEBKIT_CACHE_MODEL=web_browser` keeps WebKit's default, for the window speed
        // bench to compare the two.
        if std::env::var("ONESTOP_WEBKIT_CACHE_MODEL").as_deref() == Ok("web_browser") {
            return;
        }
        let done = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(err) = done {
            tracing::warn!(error = %err, "could not set the webview cache model");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
