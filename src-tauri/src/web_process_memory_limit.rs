//! A memory limit for the web process. WebKitGTK (≥ 2.34) runs a memory-pressure handler in
//! each web process that, past a share of a configured limit, drops caches, collects
//! JavaScript garbage and returns freed heap to the system. Its default limit is
//! min(3 GB, RAM), so on a clerk's PC it never acts and the web process keeps its high-water
//! mark all day (docs/benchmarks.md, "Window speed").
//!
//! The limit is `WebKitWebContext:memory-pressure-settings`, a construct-only property, and wry
//! constructs the context itself without it. So before any context exists we wrap the class's
//! `constructed` step: it stores the settings through the class's own `set_property`, exactly as
//! `g_object_new(…, "memory-pressure-settings", s)` would, then runs WebKit's `constructed`,
//! which reads them.
//!
//! WebKit checks the process's dirty memory at every poll and, while it is above a share of the
//! limit, releases memory each time: caches it can rebuild past 33 %, and past 50 % also
//! JavaScript garbage, font data and decoded images no page shows. The first limit, 300 MB, took
//! the web process from 300–630 MiB to 240–250 after 21 acceptances. Later, with software
//! painting and the interpreter-only JavaScriptCore, 150 MB (the second step at 75 MB) left the
//! web process 168 MiB after 21 acceptances instead of 203 at 300 MB, and the three processes
//! 340 MiB after 100 instead of 362. The preview took as long: 101 against 102 ms, median of 21. 100 MB
//! gave no more (docs/benchmarks.md, "Window speed"). The kill threshold stays 0: WebKit must
//! never end the page a clerk is typing into.
//! `ONESTOP_WEBKIT_MEMORY_LIMIT_MB` (0 turns it off) and `ONESTOP_WEBKIT_MEMORY_POLL_S` change it.

/// The limit, in MB, and how often the web process checks its memory (WebKit's default is 30 s;
/// a few acceptances already grow it by tens of MB).
const DEFAULT_LIMIT_MB: u32 = 150;
const DEFAULT_POLL_SECONDS: f64 = 5.0;

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::OnceLock;

    use webkit2gtk::ffi as webkit;
    use webkit2gtk::glib::gobject_ffi as gobject;

    /// The limits chosen at start, read by the wrapped `constructed` step.
    #[derive(Clone, Copy, Debug)]
    pub struct Limits {
        pub limit_mb: u32,
        pub poll_seconds: f64,
    }

    static LIMITS: OnceLock<Limits> = OnceLock::new();
    /// Web contexts that received the settings (the app's window makes one).
    pub static CONTEXTS_LIMITED: AtomicU32 = AtomicU32::new(0);
    static WEBKIT_CONSTRUCTED: OnceLock<unsafe extern "C" fn(*mut gobject::GObject)> =
        OnceLock::new();

    /// Must run on the main thread before the first window is built.
    pub fn install(limits: Limits) {
        if LIMITS.set(limits).is_err() {
            return;
        }
        // SAFETY: the class is referenced for the life of the process (never unref'd), and its
        // vtable is changed on the main thread before any WebKitWebContext is constructed, so
        // no construction can race with the change.
        unsafe {
            let class = gobject::g_type_class_ref(webkit::webkit_web_context_get_type())
                as *mut gobject::GObjectClass;
            // Nothing is logged yet at this point: the app logs `contexts_limited` once logging
            // is up, and 0 there says the limit did not reach WebKit.
            let Some(original) = (*class).constructed else {
                return;
            };
            let _ = WEBKIT_CONSTRUCTED.set(original);
            (*class).constructed = Some(constructed_with_limits);
        }
    }

    unsafe extern "C" fn constructed_with_limits(object: *mut gobject::GObject) {
        if let Some(limits) = LIMITS.get() {
            set_memory_pressure_settings(object, *limits);
        }
        if let Some(original) = WEBKIT_CONSTRUCTED.get() {
            original(object);
        }
    }

    unsafe fn set_memory_pressure_settings(object: *mut gobject::GObject, limits: Limits) {
        let class =
            (*(object as *mut gobject::GTypeInstance)).g_class as *mut gobject::GObjectClass;
        let pspec =
            gobject::g_object_class_find_property(class, c"memory-pressure-settings".as_ptr());
        // A WebKitGTK older than 2.34 has no such property: leave the context as it is.
        let Some(set_property) = (*class).set_property else {
            return;
        };
        if pspec.is_null() {
            return;
        }
        let settings = webkit::webkit_memory_pressure_settings_new();
        webkit::webkit_memory_pressure_settings_set_memory_limit(settings, limits.limit_mb);
        webkit::webkit_memory_pressure_settings_set_poll_interval(settings, limits.poll_seconds);
        webkit::webkit_memory_pressure_settings_set_kill_threshold(settings, 0.0);
        let mut value: gobject::GValue = std::mem::zeroed();
        gobject::g_value_init(
            &mut value,
            webkit::webkit_memory_pressure_settings_get_type(),
        );
        // The value takes its own copy; WebKit's set_property copies it again.
        gobject::g_value_set_boxed(&mut value, settings as *const _);
        set_property(object, (*pspec).param_id, &mut value, pspec);
        gobject::g_value_unset(&mut value);
        webkit::webkit_memory_pressure_settings_free(settings);
        CONTEXTS_LIMITED.fetch_add(1, Ordering::Relaxed);
    }
}

/// How many web contexts were given the limit so far (logged after the window is built: 0 means
/// the limit did not reach WebKit).
pub fn contexts_limited() -> u32 {
    #[cfg(target_os = "linux")]
    return imp::CONTEXTS_LIMITED.load(std::sync::atomic::Ordering::Relaxed);
    #[cfg(not(target_os = "linux"))]
    0
}

/// Reads `ONESTOP_WEBKIT_MEMORY_LIMIT_MB` (`0` turns the limit off) and
/// `ONESTOP_WEBKIT_MEMORY_POLL_S`, and installs the limit. Returns the limit in MB, to be logged
/// once logging is up.
pub fn install_from_env() -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        let limit_mb = std::env::var("ONESTOP_WEBKIT_MEMORY_LIMIT_MB")
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(DEFAULT_LIMIT_MB);
        let poll_seconds = std::env::var("ONESTOP_WEBKIT_MEMORY_POLL_S")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .unwrap_or(DEFAULT_POLL_SECONDS);
        if limit_mb > 0 {
            imp::install(imp::Limits {
                limit_mb,
                poll_seconds,
            });
            return Some(limit_mb);
        }
    }
    None
}
