//! How WebKitGTK spends memory in the window, measured with the window speed bench
//! (docs/benchmarks.md, "Window speed"):
//!
//! - **Cache model.** WebKit's default (`WebBrowser`) keeps decoded images of pages that are
//!   gone, sized to the machine's RAM: every voucher preview (a new 662×936 page image, ~2.5 MB
//!   decoded) stayed in the web process. The app is one local page with no navigation and nothing
//!   fetched over a network, which is the `DocumentViewer` model.
//! - **Compositing.** With accelerated compositing the web process draws through OpenGL; on a PC
//!   without a GPU driver (and under Xvfb) that is Mesa's llvmpipe, which maps LLVM and keeps
//!   every layer's backing store in the process: 225 MiB at the login screen and growing past
//!   500 MiB. The window is forms and tables, with no 3D, video or canvas, so it is painted in
//!   software instead (141 MiB at login, and the preview shows sooner). The switch is WebKitGTK's
//!   own `WEBKIT_DISABLE_COMPOSITING_MODE`, also the usual cure for a blank window on a PC whose
//!   GL driver WebKit cannot use; a PC that needs compositing back sets
//!   `ONESTOP_WEBKIT_COMPOSITING=on`.
//! - **JavaScript JIT.** JavaScriptCore compiles hot functions to machine code in three tiers
//!   and keeps the code and the compilers' data in the web process. The page's scripts render
//!   forms and tables; the rules and searches run in Rust. With the interpreter alone
//!   (`JSC_useJIT=0`) the web process held 30–40 MiB less after 21 acceptances, and neither the
//!   launch nor the voucher preview got slower (docs/benchmarks.md). It also leaves no writable
//!   and executable memory in the process. `ONESTOP_WEBKIT_JIT=on` keeps the JIT.
//! - **Memory limit.** See `web_process_memory_limit`.
//! - **malloc arenas.** glibc gives each thread that allocates its own 64 MB arena; the app's
//!   voucher previews are rendered on tokio's workers, and the freed pages stayed with each
//!   arena (the app process grew ~35 MiB over 21 acceptances, ~21 MiB with two arenas).
//! - **Large blocks.** glibc raises its mmap threshold each time a large block is freed, so the
//!   preview's buffers (the PDF, the page image, the PNG, the JSON answer: 0.1–3 MB each) soon
//!   come from the arenas and leave holes there. A fixed 128 KiB threshold maps each of them on
//!   its own and returns it to the system when freed (the app held 2–3 MiB less after 41
//!   acceptances, docs/benchmarks.md).

use tauri::{Runtime, WebviewWindow};

use crate::web_process_memory_limit;

/// glibc's own starting value, kept fixed (setting it turns the dynamic threshold off).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_BYTES: libc::c_int = 128 * 1024;

/// What `before_gtk` chose, logged once logging is up.
#[derive(Debug, Clone, Copy)]
pub struct WebviewMemory {
    pub compositing: bool,
    pub jit: bool,
    pub web_process_limit_mb: Option<u32>,
}

/// Must run first in `main`, before any thread exists (it sets environment variables, which
/// WebKit reads when GTK starts and which the web process inherits) and before the window's
/// web context is created.
pub fn before_gtk() -> WebviewMemory {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocator parameters; no thread is running yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
    let compositing = compositing_wanted();
    #[cfg(target_os = "linux")]
    if !compositing && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let jit = switched_on("ONESTOP_WEBKIT_JIT");
    // Read by JavaScriptCore in the web process, which inherits the app's environment.
    if !jit && std::env::var_os("JSC_useJIT").is_none() {
        std::env::set_var("JSC_useJIT", "0");
    }
    WebviewMemory {
        compositing,
        jit,
        web_process_limit_mb: web_process_memory_limit::install_from_env(),
    }
}

fn compositing_wanted() -> bool {
    switched_on("ONESTOP_WEBKIT_COMPOSITING")
}

fn switched_on(var: &str) -> bool {
    matches!(std::env::var(var).as_deref(), Ok("on" | "1"))
}

/// Returns the app's freed heap pages to the system a moment after a voucher preview or print.
/// Rendering one allocates a few MB (the PDF, its page image, the PNG and the data URL Tauri sends
/// on), freed on whichever tokio worker ran it; glibc keeps such pages in that thread's arena.
/// The delay lets Tauri's IPC drop the answer first. Measured: the app's heap grew 0.5 MiB over
/// 21 acceptances with it, 5 MiB without (docs/benchmarks.md).
pub fn trim_heap_soon() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tauri::async_runtime::spawn_blocking(|| {
        std::thread::sleep(std::time::Duration::from_secs(2));
        // SAFETY: malloc_trim only returns free pages of glibc's arenas to the kernel.
        unsafe {
            libc::malloc_trim(0);
        }
    });
}

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
