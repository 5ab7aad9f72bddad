//! The house rules of ARCHITECTURE.md §2, read from `cargo metadata`:
//! arrows point down only (`src-tauri → desk → {local, sync, receipt} → {protocol, domain}`,
//! `server → {protocol, domain}`, `domain` depends on nothing of ours), and nothing under
//! `crates/` depends on tauri, directly or through another crate.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Which of our crates each crate may use in its normal and build dependencies.
/// Dev-dependencies are free (a sync test may start the real server), except for tauri.
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        ("onestop-domain", &[][..]),
        ("onestop-protocol", &["onestop-domain"][..]),
        ("onestop-local", &["onestop-protocol", "onestop-domain"][..]),
        ("onestop-sync", &["onestop-protocol", "onestop-domain"][..]),
        (
            "onestop-receipt",
            &["onestop-protocol", "onestop-domain"][..],
        ),
        (
            "onestop-desk",
            &[
                "onestop-local",
                "onestop-sync",
                "onestop-receipt",
                "onestop-protocol",
                "onestop-domain",
            ][..],
        ),
        (
            "onestop-server",
            &["onestop-protocol", "onestop-domain"][..],
        ),
        ("onestop-app", &["onestop-desk"][..]),
        ("onestop-e2e", &["onestop-protocol", "onestop-domain"][..]),
        ("onestop-chaos", &[][..]),
        ("onestop-workspace-tests", &[][..]),
    ])
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata JSON")
}

fn workspace_packages(meta: &Value) -> Vec<&Value> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .collect()
}

#[test]
fn every_workspace_crate_is_known_to_the_rules() {
    let meta = metadata();
    let rules = allowed();
    for p in workspace_packages(&meta) {
        let name = p["name"].as_str().unwrap();
        assert!(
            rules.contains_key(name),
            "{name} is new: add it to the layering rules here and in ARCHITECTURE.md"
        );
    }
}

#[test]
fn dependency_arrows_point_down_only() {
    let meta = metadata();
    let rules = allowed();
    let ours: BTreeSet<&str> = rules.keys().copied().collect();
    let mut broken = Vec::new();
    for p in workspace_packages(&meta) {
        let name = p["name"].as_str().unwrap();
        let may = rules.get(name).copied().unwrap_or(&[]);
        for d in p["dependencies"].as_array().unwrap() {
            let dep = d["name"].as_str().unwrap();
            let kind = d["kind"].as_str().unwrap_or("normal");
            if kind != "dev" && ours.contains(dep) && !may.contains(&dep) {
                broken.push(format!("{name} → {dep} ({kind})"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "arrows against ARCHITECTURE.md §2: {broken:#?}"
    );
}

#[test]
fn nothing_under_crates_depends_on_tauri() {
    let meta = metadata();
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: BTreeMap<&str, Vec<&str>> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["pkg"].as_str().unwrap())
                .collect();
            (n["id"].as_str().unwrap(), deps)
        })
        .collect();
    let mut checked = 0;
    for p in workspace_packages(&meta) {
        let manifest = p["manifest_path"].as_str().unwrap();
        if !manifest.contains("/crates/") {
            continue;
        }
        checked += 1;
        let name = p["name"].as_str().unwrap();
        // Walk the resolved graph: a tauri crate reached through any path is still tauri.
        let mut stack = vec![p["id"].as_str().unwrap()];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let dep_name = packages[id]["name"].as_str().unwrap();
            assert!(
                !(dep_name == "tauri" || dep_name.starts_with("tauri-")),
                "{name} depends on {dep_name}: only src-tauri may"
            );
            stack.extend(nodes.get(id).into_iter().flatten().copied());
        }
    }
    assert_eq!(
        checked, 7,
        "the seven crates under crates/ were all checked"
    );
}
