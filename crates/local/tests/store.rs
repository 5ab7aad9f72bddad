//! The store on real files: encryption at rest, migrations, the catalogue swap and name search.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use onestop_domain::Coded;
use onestop_local::applicant_repo::{self, NewApplicant};
use onestop_local::db::migrate::{current_version, MIGRATIONS};
use onestop_local::keystore::{KeyStore, DB_KEY, DEVICE_SIGNING_KEY};
use onestop_local::rusqlite::Connection;
use onestop_local::{catalogue_repo, Db, KeyringStore, LocalError, MemoryKeyStore};
use onestop_protocol::ApplicantKind;

fn demo_json() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalogue/demo.json");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_file_is_encrypted_opens_with_its_key_and_a_lost_key_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let keys = MemoryKeyStore::new();
    {
        let mut db = Db::open(&path, &keys).unwrap();
        db.write(|tx, _| onestop_local::settings::set(tx, "probe", "城关镇 secret"))
            .unwrap();
    }
    // Not a SQLite file to anyone without the key: no header, no plaintext.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3\0"));
    assert!(!bytes.windows(6).any(|w| w == b"secret"));
    let plain = Connection::open(&path).unwrap();
    let err = plain
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert_eq!(
        err.sqlite_error_code(),
        Some(onestop_local::rusqlite::ErrorCode::NotADatabase)
    );

    // With the key it opens and the data is there.
    let db = Db::open(&path, &keys).unwrap();
    assert_eq!(
        onestop_local::settings::get(db.conn(), "probe")
            .unwrap()
            .as_deref(),
        Some("城关镇 secret")
    );
    let device = db.device_id().to_owned();
    drop(db);
    assert_eq!(Db::open(&path, &keys).unwrap().device_id(), device);

    // The key is gone (new PC profile, wiped keyring): a clear error, never a new empty database.
    let empty = MemoryKeyStore::new();
    let err = Db::open(&path, &empty).unwrap_err();
    assert!(matches!(err, LocalError::KeyMissing));
    assert_eq!(err.code(), "local.key_missing");
    assert!(err.to_string().contains("密钥"));
    assert_eq!(std::fs::read(&path).unwrap().len(), bytes.len());
    assert!(empty.get(DB_KEY).unwrap().is_none(), "no new key was made");

    // A wrong key is told apart from a missing one.
    let wrong = MemoryKeyStore::new();
    wrong.set(DB_KEY, &[7u8; 32]).unwrap();
    assert_eq!(Db::open(&path, &wrong).unwrap_err().code(), "local.bad_key");
}

#[test]
fn keyring_core_mock_store_holds_named_secrets() {
    let store = KeyringStore::mock("cn.onestop.test").unwrap();
    assert_eq!(store.get(DB_KEY).unwrap(), None);
    store.set(DB_KEY, &[1u8; 32]).unwrap();
    store.set(DEVICE_SIGNING_KEY, b"ed25519 seed").unwrap();
    assert_eq!(store.get(DB_KEY).unwrap(), Some(vec![1u8; 32]));
    assert_eq!(
        store.get(DEVICE_SIGNING_KEY).unwrap(),
        Some(b"ed25519 seed".to_vec())
    );
    store.delete(DB_KEY).unwrap();
    assert_eq!(store.get(DB_KEY).unwrap(), None);
    store.delete(DB_KEY).unwrap();
    // And the database opens through it.
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn KeyStore> = Arc::new(store);
    Db::open(&dir.path().join("w.db"), store.as_ref()).unwrap();
    assert_eq!(store.get(DB_KEY).unwrap().map(|k| k.len()), Some(32));
}

#[test]
fn migrations_are_recorded_once_and_the_pragmas_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let keys = MemoryKeyStore::new();
    let db = Db::open(&path, &keys).unwrap();
    let last = MIGRATIONS.last().map(|m| m.0).unwrap();
    assert_eq!(current_version(db.conn()).unwrap(), last);
    let mode: String = db
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = db
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = db
        .conn()
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert!(busy >= 1000);
    drop(db);
    let db = Db::open(&path, &keys).unwrap();
    let rows: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, MIGRATIONS.len() as i64);
}

#[test]
fn a_malformed_catalogue_is_refused_and_the_last_good_edition_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(&dir.path().join("w.db"), &MemoryKeyStore::new()).unwrap();
    let good = catalogue_repo::parse(&demo_json()).unwrap();
    let installed = db
        .write(|tx, _| catalogue_repo::install(tx, &good, Utc::now()))
        .unwrap();
    assert_eq!(installed.items, good.items.len());

    // The next edition has an item whose promised limit exceeds the legal one.
    let mut value: serde_json::Value = serde_json::from_str(&demo_json()).unwrap();
    value["edition"] = "2026-12".into();
    value["items"][0]["promised_limit_working_days"] = 999.into();
    let err = catalogue_repo::parse(&value.to_string()).unwrap_err();
    assert_eq!(err.code(), "catalogue.invalid");
    assert_eq!(
        catalogue_repo::active_edition(db.conn())
            .unwrap()
            .as_deref(),
        Some(good.edition.as_str())
    );
    let not_json = catalogue_repo::parse("{\"format\": 1, \"items\": [").unwrap_err();
    assert_eq!(not_json.code(), "catalogue.bad_json");

    // A good new edition with one changed item: the old version stays readable by its hash.
    let old = good.items[0].clone();
    let mut next = good.clone();
    next.edition = "2026-12".into();
    next.items[0].consult_phone = "0571-00001102".into();
    db.write(|tx, _| catalogue_repo::install(tx, &next, Utc::now()))
        .unwrap();
    let current = catalogue_repo::current_item(db.conn(), &old.impl_code).unwrap();
    assert_eq!(current.edition, "2026-12");
    assert_ne!(current.content_hash, old.content_hash());
    let pinned =
        catalogue_repo::item_version(db.conn(), &old.impl_code, &old.content_hash()).unwrap();
    assert_eq!(pinned, old);
}

#[test]
fn names_are_found_by_two_and_three_characters() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(&dir.path().join("w.db"), &MemoryKeyStore::new()).unwrap();
    let names = [
        ("110101198001010010", "王芳"),
        ("110101199003071233", "欧阳娜娜"),
        ("110101197511110025", "王芳芳"),
        ("110101200102030045", "李娜"),
    ];
    db.write(|tx, device| {
        for (i, (id, name)) in names.iter().enumerate() {
            let new = NewApplicant {
                kind: ApplicantKind::Person,
                id_number: (*id).into(),
                name: (*name).into(),
                phone: None,
                address: None,
            };
            applicant_repo::insert(tx, device, &new, &format!("R{i}"), Utc::now())?;
        }
        Ok::<_, LocalError>(())
    })
    .unwrap();
    let found = |q: &str| {
        let mut v: Vec<String> = applicant_repo::by_name(db.conn(), q, 50)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        v.sort();
        v
    };
    assert_eq!(found("王芳"), ["王芳", "王芳芳"]);
    assert_eq!(found("娜娜"), ["欧阳娜娜"]);
    assert_eq!(found("阳娜娜"), ["欧阳娜娜"]);
    assert_eq!(found("王芳芳"), ["王芳芳"]);
    assert_eq!(found("李"), ["李娜"]);
    assert!(found("张三").is_empty());
    assert!(found("\"OR").is_empty());
}
