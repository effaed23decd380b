//! Content checks: the repository's content is valid, and each invalid fixture folder is
//! refused with every one of its problems named (file and field).
//!
//! Fixtures: `tests/fixtures/content-invalid/<case>/sites/*.toml` with `expected.txt` beside
//! `sites/`, one line per text the error must contain, and optionally `assets/`, files laid over
//! the repository's assets for that case.

use std::path::Path;

use disan_catalog::Catalog;
use disan_tests::{copy_tree, repo_root};

#[test]
fn repository_content_is_valid() {
    let root = repo_root();
    let catalog = Catalog::load(&root.join("content"), &root.join("assets"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(catalog.len() >= 2);
}

#[test]
fn invalid_content_fixtures_are_refused_with_every_problem() {
    let root = repo_root();
    let fixtures = root.join("tests/fixtures/content-invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "fixture cases: {cases:?}");
    for case in cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let (content, assets) = lay_out(&case);
        let err = match Catalog::load(content.path(), assets.path()) {
            Ok(_) => panic!("{} was accepted", case.display()),
            Err(e) => e.to_string(),
        };
        let wanted: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &wanted {
            assert!(
                err.contains(line.trim()),
                "{}: error does not mention {line:?}:\n{err}",
                case.display()
            );
        }
    }
}

/// A content folder (the case's sites and the repository's province outline) and an assets
/// folder (the repository's, with the case's own files laid over).
fn lay_out(case: &Path) -> (tempfile::TempDir, tempfile::TempDir) {
    let root = repo_root();
    let content = tempfile::tempdir().unwrap();
    copy_tree(&case.join("sites"), &content.path().join("sites"));
    copy_tree(
        &root.join("content/province"),
        &content.path().join("province"),
    );
    let assets = tempfile::tempdir().unwrap();
    copy_tree(&root.join("assets"), assets.path());
    if case.join("assets").is_dir() {
        copy_tree(&case.join("assets"), assets.path());
    }
    (content, assets)
}

#[test]
fn the_server_refuses_to_start_on_invalid_content() {
    let root = repo_root();
    let web = tempfile::tempdir().unwrap();
    let mut config = disan_tests::config_with_web(web.path());
    let (content, _assets) = lay_out(&root.join("tests/fixtures/content-invalid/many-problems"));
    config.content_dir = content.path().to_owned();
    let err = match disan_tests::TestServer::start(config) {
        Ok(_) => panic!("started on invalid content"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("problem"), "{err}");
    assert!(err.contains("name.en"), "{err}");
}
