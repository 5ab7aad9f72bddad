use std::path::Path;

use clap::Parser;

use super::*;

const EXAMPLE: &str = include_str!("../../onestop-server.example.toml");

fn layer(text: &str) -> ConfigLayer {
    ConfigLayer::from_toml(text, Path::new("test.toml")).unwrap()
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
}

#[test]
fn the_example_file_sets_every_key_to_its_default() {
    let example = layer(EXAMPLE);
    // Every key is present: a key added to ServerConfig but not to the example fails here.
    assert_eq!(example, ServerConfig::defaults().to_layer());
    let c = ServerConfig::resolve(&example, &ConfigLayer::default()).unwrap();
    assert_eq!(c, ServerConfig::defaults());
}

#[test]
fn the_file_beats_defaults_and_overrides_beat_the_file() {
    let file = layer(
        "database = \"/srv/onestop.db\"\nbody_limit = 1000\ncitizen_burst = 9\nmetrics = false\n",
    );
    let overrides = ConfigLayer {
        body_limit: Some(2000),
        ..ConfigLayer::default()
    };
    let c = ServerConfig::resolve(&file, &overrides).unwrap();
    assert_eq!(c.database, "/srv/onestop.db");
    assert_eq!(c.body_limit, 2000);
    assert_eq!(c.citizen_burst, 9);
    assert!(!c.metrics);
    // Untouched keys keep their defaults.
    assert_eq!(c.session_hours, 12);
    assert_eq!(c.listen, ServerConfig::defaults().listen);
}

#[test]
fn a_flag_beats_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, "session_hours = 8\ncitizen_rate_per_minute = 30\n").unwrap();
    let cli = Cli::try_parse_from([
        "x",
        "--config",
        path.to_str().unwrap(),
        "--session-hours",
        "4",
        "--metrics",
        "false",
    ])
    .unwrap();
    let c = cli.config.resolve().unwrap();
    assert_eq!(c.session_hours, 4);
    assert_eq!(c.citizen_rate_per_minute, 30);
    assert!(!c.metrics);
}

#[test]
fn unknown_keys_bad_toml_and_bad_values_are_refused_with_codes() {
    let e = ConfigLayer::from_toml("body_limt = 3\n", Path::new("a.toml")).unwrap_err();
    assert_eq!(e.code(), "config.bad_toml");
    assert!(e.to_string().contains("body_limt"), "{e}");
    let e = ConfigLayer::from_toml("listen = \"nowhere\"\n", Path::new("a.toml")).unwrap_err();
    assert_eq!(e.code(), "config.bad_toml");
    let e = ConfigLayer::read(Path::new("/nonexistent/onestop.toml")).unwrap_err();
    assert_eq!(e.code(), "config.unreadable");
    for bad in [
        "body_limit = 0",
        "upload_chunk_limit = 1024",
        "citizen_rate_per_minute = 0",
        "password_memory_kib = 1",
        "offline_login_days = -1",
    ] {
        let e = ServerConfig::resolve(&layer(bad), &ConfigLayer::default()).unwrap_err();
        assert_eq!(e.code(), "config.invalid", "{bad}");
    }
}

#[test]
fn the_effective_configuration_round_trips_through_toml() {
    let mut c = ServerConfig::defaults();
    c.database = "postgres://onestop@db/onestop".into();
    c.metrics = false;
    let text = c.to_layer().to_toml();
    let back = ServerConfig::resolve(&layer(&text), &ConfigLayer::default()).unwrap();
    assert_eq!(back, c);
}

#[test]
fn trusted_proxies_come_from_the_file_and_the_environment_wins() {
    let file = layer("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n");
    let c = ServerConfig::resolve(&file, &ConfigLayer::default()).unwrap();
    assert_eq!(
        c.trusted_proxies,
        ["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()]
    );
    // The variable, read by clap as for every key, replaces the file's list.
    let cli = Cli::try_parse_from(["x", "--trusted-proxies", "fd00::/8,192.168.0.1"]).unwrap();
    let c = ServerConfig::resolve(&file, &cli.config.layer()).unwrap();
    assert_eq!(
        c.trusted_proxies,
        ["fd00::/8".parse().unwrap(), "192.168.0.1".parse().unwrap()]
    );
    let e = ConfigLayer::from_toml("trusted_proxies = [\"10.0.0.0/40\"]\n", Path::new("a.toml"))
        .unwrap_err();
    assert_eq!(e.code(), "config.bad_toml");
    assert!(Cli::try_parse_from(["x", "--trusted-proxies", "proxy.local"]).is_err());
    // The default trusts nobody.
    assert!(ServerConfig::defaults().trusted_proxies.is_empty());
}

#[test]
fn the_trusted_proxies_variable_is_read() {
    // Only this test sets the variable, and only for the parse below.
    std::env::set_var("ONESTOP_TRUSTED_PROXIES", "10.1.0.0/16,::1");
    let cli = Cli::try_parse_from(["x"]);
    std::env::remove_var("ONESTOP_TRUSTED_PROXIES");
    let c = cli.unwrap().config.resolve().unwrap();
    assert_eq!(
        c.trusted_proxies,
        ["10.1.0.0/16".parse().unwrap(), "::1".parse().unwrap()]
    );
}
