//! Repository hygiene as tests, in the spirit of rust-analyzer's tidy: every Rust file starts
//! with a `//!` line saying what it is, and the crate graph keeps its boundaries (the shared
//! types need serde alone; the tools and benchmarks do not link the server).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use disan_tests::repo_root;

#[test]
fn every_rust_file_starts_with_a_doc_line() {
    let mut missing = Vec::new();
    let mut checked = 0;
    visit(&repo_root(), &mut |path| {
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(path).unwrap();
            checked += 1;
            if !text.starts_with("//! ") {
                missing.push(
                    path.strip_prefix(repo_root())
                        .unwrap()
                        .display()
                        .to_string(),
                );
            }
        }
    });
    assert!(checked > 50, "only {checked} files seen");
    assert!(
        missing.is_empty(),
        "files without a `//!` first line: {missing:#?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type().unwrap().is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                visit(&path, f);
            }
        } else {
            f(&path);
        }
    }
}

/// The packages `package` depends on (normal dependencies, on this host), as `cargo tree`
/// lists them: `depth` 1 for the direct ones only.
fn tree(package: &str, depth: Option<u32>) -> BTreeSet<String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["tree", "-p", package, "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(repo_root());
    if let Some(d) = depth {
        cmd.args(["--depth", &d.to_string()]);
    }
    let out = cmd.output().expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != package)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_shared_types_depend_on_serde_alone() {
    let direct: Vec<String> = tree("disan-types", Some(1)).into_iter().collect();
    assert_eq!(direct, ["serde"], "disan-types must depend on serde alone");
    let all = tree("disan-types", None);
    for forbidden in [
        "disan-server",
        "actix-web",
        "tokio",
        "tantivy",
        "object_store",
    ] {
        assert!(!all.contains(forbidden), "disan-types pulls in {forbidden}");
    }
}

#[test]
fn the_compression_library_is_pure_and_small() {
    // The viewer links it for wasm32: the glTF JSON and meshoptimizer's pure-Rust codec, nothing
    // else (no C, no image decoders, no IO).
    let direct: Vec<String> = tree("disan-pack", Some(1)).into_iter().collect();
    assert_eq!(direct, ["meshoptimizer-rs", "serde_json"]);
    for user in [
        "disan-viewer",
        "disan-relic",
        "disan-catalog",
        "disan-assetgen",
    ] {
        assert!(tree(user, Some(1)).contains("disan-pack"), "{user} uses it");
    }
}

#[test]
fn tools_and_benchmarks_do_not_link_the_server() {
    for tool in [
        "xtask",
        "disan-bench",
        "disan-catalog",
        "disan-relic",
        "disan-search",
        "disan-viewer",
    ] {
        let all = tree(tool, None);
        assert!(!all.is_empty(), "{tool} has dependencies");
        assert!(
            !all.contains("disan-server") && !all.contains("actix-web"),
            "{tool} depends on the server"
        );
    }
    // The content checks do no IO beyond their filesystem layer: no async runtime, no HTTP.
    // So do the checks of uploaded models: pure functions on bytes.
    for checks in ["disan-catalog", "disan-relic"] {
        let all = tree(checks, None);
        assert!(all.contains("disan-types") && all.contains("gltf"));
        for forbidden in ["tokio", "object_store", "tantivy", "sqlx"] {
            assert!(!all.contains(forbidden), "{checks} pulls in {forbidden}");
        }
    }
}
