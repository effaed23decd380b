//! The `disan` binary as people run it: `--help` lists every setting with its variable, the
//! environment and the flags set the same settings, and `disan check` reports content
//! problems with a failing exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn disan(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_disan"));
    cmd.args(args).current_dir(root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("DISAN_")) {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("disan runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn help_lists_every_setting_and_its_variable() {
    let out = disan(&["--help"], &[]);
    assert!(out.status.success());
    let help = text(&out);
    for (flag, var) in [
        ("--config", "DISAN_CONFIG"),
        ("--bind", "DISAN_BIND"),
        ("--content-dir", "DISAN_CONTENT_DIR"),
        ("--assets-dir", "DISAN_ASSETS_DIR"),
        ("--web-dir", "DISAN_WEB_DIR"),
        ("--workers", "DISAN_WORKERS"),
    ] {
        assert!(help.contains(flag), "{flag} missing:\n{help}");
        assert!(help.contains(var), "{var} missing:\n{help}");
    }
    assert!(help.contains("check"), "{help}");
    let out = disan(&["check", "--help"], &[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn check_accepts_the_repository_content() {
    let out = disan(&["check"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("14 sites"), "{}", text(&out));
}

#[test]
fn the_environment_sets_what_the_flags_set_and_flags_win() {
    // Through the environment.
    let out = disan(&["check"], &[("DISAN_CONTENT_DIR", "no/such/folder")]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no/such/folder"), "{}", text(&out));
    // The flag wins over the environment.
    let out = disan(
        &["check", "--content-dir", "content"],
        &[("DISAN_CONTENT_DIR", "no/such/folder")],
    );
    assert!(out.status.success(), "{}", text(&out));
    // A bad value names the setting.
    let out = disan(&["check"], &[("DISAN_WORKERS", "none")]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--workers"), "{}", text(&out));
}

#[test]
fn check_reports_every_problem_and_fails() {
    let case = root().join("tests/fixtures/content-invalid/many-problems");
    let dir = std::env::temp_dir().join(format!("disan-cli-{}", std::process::id()));
    let sites = dir.join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    std::fs::create_dir_all(dir.join("province")).unwrap();
    for e in std::fs::read_dir(case.join("sites")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), sites.join(e.file_name())).unwrap();
    }
    std::fs::copy(
        root().join("content/province/dien-bien.geojson"),
        dir.join("province/dien-bien.geojson"),
    )
    .unwrap();
    let out = disan(&["check", "--content-dir", dir.to_str().unwrap()], &[]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("name.en: is empty"), "{t}");
    assert!(t.contains("summary.vi: is not NFC-normalised"), "{t}");
}
