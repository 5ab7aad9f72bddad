//! Shows which OS keyring store `KeyringStore::platform` picks on this machine and proves a named
//! secret round-trips through it. `cargo run -p onestop-local --example keyring_probe`
//! (headless Secret Service: `dbus-run-session -- sh -c 'printf "" | gnome-keyring-daemon
//! --unlock >/dev/null; cargo run -p onestop-local --example keyring_probe'`).

use onestop_local::keystore::KeyStore;
use onestop_local::KeyringStore;

fn main() {
    let store = match KeyringStore::platform("cn.onestop.probe") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("no keyring: {e}");
            std::process::exit(1);
        }
    };
    println!("store: {}", store.describe());
    let secret = [42u8; 32];
    let result = store
        .set("probe", &secret)
        .and_then(|()| store.get("probe"))
        .and_then(|got| {
            store.delete("probe")?;
            Ok(got)
        });
    match result {
        Ok(Some(got)) if got == secret => println!("round trip: ok"),
        Ok(other) => {
            eprintln!("round trip: wrong value {other:?}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("round trip failed: {e}");
            std::process::exit(1);
        }
    }
}
