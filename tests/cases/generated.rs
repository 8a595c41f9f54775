//! completions/ and man/ are what the clap definition generates today.
//! `YAP_BLESS=1 cargo test generated` rewrites them.

use std::path::Path;

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = yap::cli::generate::files().unwrap();
    assert!(files.iter().any(|(p, _)| p == "man/yap-chat.1"));
    assert!(files.iter().any(|(p, _)| p == "completions/_yap"));
    if std::env::var_os("YAP_BLESS").is_some() {
        yap::cli::generate::write_all(root).unwrap();
    }
    let mut stale = Vec::new();
    for (rel, bytes) in &files {
        if std::fs::read(root.join(rel)).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(rel.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -- __generate .` and commit them"
    );
}
