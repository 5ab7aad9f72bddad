//! The window's UI font, "Onestop Sans SC" (`fonts/`, made by `scripts/make-ui-font.py`): Noto
//! Sans CJK SC cut down to GB 2312 and the characters the product uses. The web process maps the
//! font files it draws with and pays for every page it touches; with the full collection (ten
//! faces of 65,535 glyphs) that was ~13 MiB after 41 acceptances, and the window's total ~11 MiB
//! more than with the cut-down faces (docs/benchmarks.md). A character outside the set (a rare
//! name) still renders: the UI's font list goes on to the full Noto Sans CJK SC.
//!
//! The font reaches WebKit through fontconfig, not as a web font: a web font would be read whole
//! into the web process, a font file is mapped and shared page by page. So the app points
//! `FONTCONFIG_FILE` at `fonts/fonts.conf`, which includes the system's configuration and adds
//! the folder, before GTK starts; the web process inherits it.

use std::path::{Path, PathBuf};

/// What `before_gtk` found, logged once logging is up.
#[derive(Debug, Clone)]
pub enum UiFont {
    /// `FONTCONFIG_FILE` now names the bundled configuration.
    Bundled(PathBuf),
    /// Left alone: the PC (or a test) set its own `FONTCONFIG_FILE`.
    SetByEnvironment,
    /// The bundle's font folder is missing; the window uses the system's fonts.
    Missing(PathBuf),
}

/// Must run before GTK starts and before any thread exists (it sets an environment variable).
/// `dirs`: where the bundle's resources may be, in order (Tauri's resource folder, then the
/// binary's own folder, where tauri-build copies them in any cargo target folder).
pub fn before_gtk(dirs: &[PathBuf]) -> UiFont {
    if std::env::var_os("FONTCONFIG_FILE").is_some() {
        return UiFont::SetByEnvironment;
    }
    let Some(config) = dirs.iter().map(|d| config_path(d)).find(|c| c.is_file()) else {
        let looked = dirs.first().map(|d| config_path(d));
        return UiFont::Missing(looked.unwrap_or_else(|| PathBuf::from("fonts/fonts.conf")));
    };
    std::env::set_var("FONTCONFIG_FILE", &config);
    UiFont::Bundled(config)
}

/// Where the bundle keeps the font configuration (`/usr/lib/onestop/fonts/` once installed).
pub fn config_path(resource_dir: &Path) -> PathBuf {
    resource_dir.join("fonts").join("fonts.conf")
}

pub fn log(font: &UiFont) {
    match font {
        UiFont::Bundled(config) => tracing::info!(config = %config.display(), "ui font bundled"),
        UiFont::SetByEnvironment => {
            tracing::info!("ui font: FONTCONFIG_FILE set by the environment")
        }
        UiFont::Missing(config) => {
            tracing::warn!(config = %config.display(), "ui font missing; system fonts only")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped configuration, as fontconfig itself reads it: the family resolves to the
    /// bundled files, both weights, and the system's fonts are still there.
    fn fc_match(pattern: &str) -> String {
        let config = config_path(Path::new(env!("CARGO_MANIFEST_DIR")));
        let out = std::process::Command::new("fc-match")
            .args(["-f", "%{family[0]}|%{style[0]}|%{file}", pattern])
            .env("FONTCONFIG_FILE", &config)
            .output()
            .expect("fc-match (Debian's fontconfig) runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn the_bundled_configuration_finds_both_weights_and_keeps_the_system_fonts() {
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for (pattern, style) in [
            ("Onestop Sans SC", "Regular"),
            ("Onestop Sans SC:bold", "Bold"),
        ] {
            let file = fonts.join(format!("OnestopSansSC-{style}.otf"));
            assert_eq!(
                fc_match(pattern),
                format!("Onestop Sans SC|{style}|{}", file.display())
            );
        }
        // The fallback for characters outside the cut-down set is still found.
        assert!(fc_match("Noto Sans CJK SC").starts_with("Noto Sans CJK SC|"));
    }

    /// Every character the UI's messages, the catalogue and the vouchers use is in the font, so
    /// none of them sends the web process to the full collection.
    #[test]
    fn the_font_covers_the_products_own_text() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let font = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/OnestopSansSC-Regular.otf");
        let out = std::process::Command::new("fc-query")
            .args(["-f", "%{charset}"])
            .arg(&font)
            .output()
            .expect("fc-query runs");
        let covered = parse_charset(&String::from_utf8(out.stdout).unwrap());
        let mut missing = std::collections::BTreeSet::new();
        // Every voucher layout there is, so a new one is checked without being listed here.
        let vouchers = std::fs::read_dir(root.join("assets/vouchers"))
            .expect("assets/vouchers")
            .map(|e| e.expect("voucher layout").path());
        let files = [
            "ui/src/locales/zh-CN.ts",
            "ui/src/locales/en.ts",
            "assets/catalogue/demo.json",
        ]
        .map(|f| root.join(f));
        for file in files.into_iter().chain(vouchers) {
            let text = std::fs::read_to_string(&file).expect("readable product text");
            missing.extend(text.chars().filter(|c| {
                *c as u32 >= 0x20 && !covered.iter().any(|r| r.contains(&(*c as u32)))
            }));
        }
        assert!(missing.is_empty(), "not in the UI font: {missing:?}");
        // And the set really is cut down (the full face has ~44,000 characters).
        let count: u32 = covered.iter().map(|r| r.end() - r.start() + 1).sum();
        assert!((7_000..20_000).contains(&count), "{count} characters");
    }

    /// fontconfig's charset format: hex code points and ranges separated by spaces.
    fn parse_charset(text: &str) -> Vec<std::ops::RangeInclusive<u32>> {
        text.split_whitespace()
            .filter_map(|part| {
                let (a, b) = part.split_once('-').unwrap_or((part, part));
                Some(u32::from_str_radix(a, 16).ok()?..=u32::from_str_radix(b, 16).ok()?)
            })
            .collect()
    }
}
