//! Content checks: the repository's content is valid, and each invalid fixture folder is
//! refused with every one of its problems named (file and field).
//!
//! Fixtures: `tests/fixtures/content-invalid/<case>/sites/*.toml` with `expected.txt` beside
//! `sites/`, one line per text the error must contain.

use disan_server::content::{Catalog, ContentError};
use disan_tests::repo_root;

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
        let err = match Catalog::load(&case, &root.join("assets")) {
            Ok(_) => panic!("{} was accepted", case.display()),
            Err(e @ ContentError::Invalid(_)) => e.to_string(),
            Err(e) => panic!("{}: not a content problem: {e}", case.display()),
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

#[test]
fn the_server_refuses_to_start_on_invalid_content() {
    let root = repo_root();
    let web = tempfile::tempdir().unwrap();
    let mut config = disan_tests::config_with_web(web.path());
    config.content_dir = root.join("tests/fixtures/content-invalid/many-problems");
    let err = match disan_tests::TestServer::start(config) {
        Ok(_) => panic!("started on invalid content"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("problem"), "{err}");
    assert!(err.contains("name.en"), "{err}");
}
