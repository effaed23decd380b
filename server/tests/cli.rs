//! The `disan` binary as people run it: `--help` lists every setting with its variable, the
//! environment and the flags set the same settings, and `disan check` reports content
//! problems with a failing exit status.

mod common;

use std::process::{Command, Output};

use common::{Running, command, copy_tree, root};

fn disan(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args)
        .envs(env.iter().copied())
        .output()
        .expect("disan runs")
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
        ("--database", "DISAN_DATABASE"),
        ("--session-ttl", "DISAN_SESSION_TTL"),
        ("--uploads-dir", "DISAN_UPLOADS_DIR"),
        ("--relics-dir", "DISAN_RELICS_DIR"),
        ("--max-upload-mb", "DISAN_MAX_UPLOAD_MB"),
        ("--max-triangles", "DISAN_MAX_TRIANGLES"),
        ("--trusted-proxies", "DISAN_TRUSTED_PROXIES"),
        ("--public-url", "DISAN_PUBLIC_URL"),
    ] {
        assert!(help.contains(flag), "{flag} missing:\n{help}");
        assert!(help.contains(var), "{var} missing:\n{help}");
    }
    for command in ["serve", "check", "user", "token", "import", "qr", "sweep"] {
        assert!(help.contains(command), "{command} missing:\n{help}");
    }
    for command in [
        &["check", "--help"][..],
        &["user", "add", "--help"],
        &["token", "--help"],
        &["token", "add", "--help"],
        &["import", "--help"],
        &["qr", "--help"],
        &["sweep", "--help"],
    ] {
        let out = disan(command, &[]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let help = text(&disan(&["user", "add", "--help"], &[]));
    assert!(help.contains("[possible values: editor, admin]"), "{help}");
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

#[cfg(unix)]
#[test]
fn sighup_reloads_the_content_and_a_broken_change_keeps_what_is_served() {
    let dir = std::env::temp_dir().join(format!("disan-hup-{}", std::process::id()));
    copy_tree(&root().join("content"), &dir);
    let server = Running::start(&dir);
    assert!(
        server
            .get("/api/sites/doi-a1")
            .contains("\"vi\":\"Đồi A1\"")
    );
    let file = dir.join("sites/doi-a1.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let renamed = text.replacen("vi = \"Đồi A1\"", "vi = \"Đồi A1 mới\"", 1);
    assert_ne!(renamed, text);
    std::fs::write(&file, &renamed).unwrap();
    server.hang_up();
    let reloaded = (0..300).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        server.get("/api/sites/doi-a1").contains("Đồi A1 mới")
    });
    assert!(reloaded, "SIGHUP did not reload the content");
    // A broken file: refused, logged, and the served catalogue stays.
    std::fs::write(&file, "slug = 1\n").unwrap();
    server.hang_up();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(server.get("/api/sites/doi-a1").contains("Đồi A1 mới"));
    assert!(server.get("/healthz").contains("\"sites\":14"));
    std::fs::remove_dir_all(&dir).ok();
}

/// `disan user …` with `stdin` as standard input, on the database `db`.
fn user_cmd(db: &str, args: &[&str], stdin: &str) -> Output {
    run_cmd("user", db, args, stdin)
}

/// `disan WHAT …` with `stdin` as standard input, on the database `db`.
fn run_cmd(what: &str, db: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut cmd = command(&[what]);
    cmd.args(args)
        .args(["--database", db])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("disan runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_accounts_are_added_listed_and_disabled_with_hashed_passwords() {
    let dir = std::env::temp_dir().join(format!("disan-users-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    // The folder of the database file is created with it.
    let file = dir.join("nested/disan.db");
    let db = format!("sqlite://{}", file.display());
    let out = user_cmd(&db, &["list"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("no accounts yet"), "{}", text(&out));

    let secret = "mật khẩu rất dài 2026";
    let out = user_cmd(
        &db,
        &["add", "lan.nguyen", "--role", "editor"],
        &format!("{secret}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = user_cmd(
        &db,
        &["add", "admin", "--role", "admin"],
        "another long one\n",
    );
    assert!(out.status.success(), "{}", text(&out));

    // Refused, each with a clear reason, and nothing changed.
    for (args, stdin, says) in [
        (
            &["add", "lan.nguyen", "--role", "admin"][..],
            "whatever long enough\n",
            "already exists",
        ),
        (
            &["add", "Lân", "--role", "editor"][..],
            "whatever long enough\n",
            "not a valid user name",
        ),
        (
            &["add", "short", "--role", "editor"][..],
            "tiny\n",
            "too short",
        ),
        (
            &["add", "boss", "--role", "owner"][..],
            "whatever long enough\n",
            "--role",
        ),
        (&["disable", "nobody"][..], "", "no user named"),
    ] {
        let out = user_cmd(&db, args, stdin);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(text(&out).contains(says), "{args:?}: {}", text(&out));
    }

    let out = user_cmd(&db, &["disable", "lan.nguyen"], "");
    assert!(out.status.success(), "{}", text(&out));
    let list = text(&user_cmd(&db, &["list"], ""));
    let rows: Vec<Vec<&str>> = list
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(rows[0][..3], ["admin", "admin", "active"], "{list}");
    assert_eq!(rows[1][..3], ["lan.nguyen", "editor", "disabled"], "{list}");

    // The file holds argon2id hashes, never the password.
    let mut bytes = std::fs::read(&file).unwrap();
    // What is not yet checkpointed into the file sits in the write-ahead log.
    bytes.extend(std::fs::read(dir.join("nested/disan.db-wal")).unwrap_or_default());
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(haystack.contains("$argon2id$"), "no argon2id hash stored");
    assert!(!haystack.contains(secret), "the password is stored");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn api_tokens_are_shown_once_work_on_the_server_and_can_be_revoked() {
    let dir = std::env::temp_dir().join(format!("disan-tokens-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let db = format!("sqlite://{}/disan.db", dir.display());
    let token_cmd = |args: &[&str]| run_cmd("token", &db, args, "");
    let out = token_cmd(&["list"]);
    assert!(text(&out).contains("no tokens yet"), "{}", text(&out));
    let out = token_cmd(&["add", "import", "--user", "lan"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("no user named \"lan\""),
        "{}",
        text(&out)
    );
    assert!(
        user_cmd(
            &db,
            &["add", "lan", "--role", "editor"],
            "a long password\n"
        )
        .status
        .success()
    );
    let out = token_cmd(&["add", "import", "--user", "lan"]);
    assert!(out.status.success(), "{}", text(&out));
    // The token alone on standard output (for scripts), the words around it on standard error.
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(
        token.starts_with("disan_") && !token.contains(' '),
        "{token}"
    );
    let out = token_cmd(&["add", "import", "--user", "lan"]);
    assert!(
        text(&out).contains("already has a token named"),
        "{}",
        text(&out)
    );
    let out = token_cmd(&["add", "bad name", "--user", "lan"]);
    assert!(
        text(&out).contains("not a valid token name"),
        "{}",
        text(&out)
    );
    let list = text(&token_cmd(&["list"]));
    assert!(
        list.contains("lan") && list.contains("import") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&token), "the secret is never shown again");

    let server = Running::start_with(&root().join("content"), &dir);
    let auth = format!("Authorization: Bearer {token}\r\n");
    let (status, body) = server.get_with("/api/admin/me", &auth);
    assert!(status.contains(" 200 "), "{status} {body}");
    assert!(
        body.contains("\"name\":\"lan\"") && body.contains("\"via\":\"token\""),
        "{body}"
    );
    assert!(
        token_cmd(&["revoke", "import", "--user", "lan"])
            .status
            .success()
    );
    let (status, body) = server.get_with("/api/admin/me", &auth);
    assert!(status.contains(" 401 "), "{status} {body}");
    assert!(text(&token_cmd(&["list"])).contains("revoked"));
    let out = token_cmd(&["revoke", "import", "--user", "hoa"]);
    assert!(text(&out).contains("has no token named"), "{}", text(&out));
    drop(server);
    std::fs::remove_dir_all(&dir).ok();
}

/// A small scan-like model to import.
fn small_scan(seed: u32) -> disan_assetgen::scan::Scan {
    disan_assetgen::scan::ScanSpec {
        cells: 10,
        tiles: 1,
        texture_px: 32,
        seed,
        ..Default::default()
    }
    .generate()
}

/// A relic's metadata file for `disan import`, with `extra` lines at the top.
fn relic_toml(title: &str, model: &str, extra: &str) -> String {
    format!(
        "model = \"{model}\"\n{extra}\n[title]\nvi = \"{title}\"\nen = \"{title} (en)\"\n\
         [description]\nvi = \"Mô tả.\"\nen = \"About it.\"\n[place]\nsite = \"doi-a1\"\n"
    )
}

/// `disan ARGS` with its database, relic store and uploads in `data`, where an editor `lan`
/// exists.
fn in_data(data: &std::path::Path, args: &[&str]) -> Output {
    command(args)
        .arg("--database")
        .arg(format!("sqlite://{}/disan.db", data.display()))
        .arg("--relics-dir")
        .arg(data.join("relics"))
        .arg("--uploads-dir")
        .arg(data.join("uploads"))
        .output()
        .unwrap()
}

/// A data folder with the editor `lan`.
fn data_with_editor(data: &std::path::Path) {
    let db = format!("sqlite://{}/disan.db", data.display());
    let out = user_cmd(
        &db,
        &["add", "lan", "--role", "editor"],
        "a long password\n",
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn import_publishes_a_folder_of_relics_once() {
    let dir = std::env::temp_dir().join(format!("disan-import-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let folder = dir.join("relics");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("howitzer.zip"), small_scan(1).to_zip("")).unwrap();
    std::fs::write(folder.join("tank.glb"), small_scan(2).to_glb()).unwrap();
    let meta = relic_toml;
    std::fs::write(
        folder.join("1-howitzer.toml"),
        meta("Khẩu pháo", "howitzer.zip", ""),
    )
    .unwrap();
    std::fs::write(
        folder.join("2-tank.toml"),
        meta("Xe tăng", "tank.glb", "publish = false"),
    )
    .unwrap();
    std::fs::write(
        folder.join("3-broken.toml"),
        meta("Hỏng", "missing.glb", ""),
    )
    .unwrap();
    let data = dir.join("data");
    data_with_editor(&data);
    let import = || {
        in_data(
            &data,
            &["import", folder.to_str().unwrap(), "--user", "lan"],
        )
    };
    let out = import();
    let t = text(&out);
    assert!(!out.status.success(), "one was refused: {t}");
    assert!(
        t.contains("1/3 1-howitzer.toml: published as relic 1"),
        "{t}"
    );
    assert!(t.contains("2/3 2-tank.toml: saved as draft relic 2"), "{t}");
    assert!(
        t.contains("3/3 3-broken.toml: refused") && t.contains("missing.glb"),
        "{t}"
    );
    assert!(t.contains("[####################]"), "a progress bar: {t}");
    // Again: nothing new.
    std::fs::remove_file(folder.join("3-broken.toml")).unwrap();
    let out = import();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("skipped: already imported (relic 1)") && t.contains("imported 0, skipped 2"),
        "{t}"
    );
    // The server shows the published one.
    let server = Running::start_with(&root().join("content"), &data);
    assert!(server.get("/api/relics/1").contains("Khẩu pháo"));
    let (status, _) = server.get_with("/api/relics/2", "");
    assert!(status.contains(" 404 "), "drafts stay private: {status}");
    drop(server);
    assert!(text(&disan(&["import", "--help"], &[])).contains("--user"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn qr_writes_every_code_and_sign_for_the_print_shop() {
    let dir = std::env::temp_dir().join(format!("disan-qr-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let folder = dir.join("relics");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("tank.glb"), small_scan(3).to_glb()).unwrap();
    std::fs::write(
        folder.join("tank.toml"),
        relic_toml("Xe tăng", "tank.glb", ""),
    )
    .unwrap();
    let data = dir.join("data");
    data_with_editor(&data);
    let out = in_data(
        &data,
        &["import", folder.to_str().unwrap(), "--user", "lan"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let signs = dir.join("signs");
    let out = in_data(
        &data,
        &[
            "qr",
            "--out",
            signs.to_str().unwrap(),
            "--public-url",
            "https://disan.example.vn",
        ],
    );
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("[####################]"), "a progress bar: {t}");
    let mut names: Vec<String> = std::fs::read_dir(&signs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let sites = std::fs::read_dir(root().join("content/sites"))
        .unwrap()
        .count();
    let codes = names.iter().filter(|n| n.ends_with(".sign.svg")).count();
    assert!(
        codes > sites * 3,
        "a sign per site, stop and relic: {codes}"
    );
    assert!(t.contains(&format!("wrote {codes} codes and signs")), "{t}");
    for n in ["s.doi-a1", "s.doi-a1.2", "r.1"] {
        for ext in ["svg", "png", "sign.svg"] {
            assert!(
                names.contains(&format!("{n}.{ext}")),
                "{n}.{ext} in {names:?}"
            );
        }
    }
    let sign = std::fs::read_to_string(signs.join("s.doi-a1.2.sign.svg")).unwrap();
    for words in [
        "Đồi A1",
        "Hill A1",
        "Stop 2",
        "disan.example.vn/s/doi-a1?stop=2",
    ] {
        assert!(sign.contains(words), "{words}: {sign}");
    }
    let relic = std::fs::read_to_string(signs.join("r.1.sign.svg")).unwrap();
    assert!(relic.contains("Xe tăng") && relic.contains("disan.example.vn/r/1"));
    let png = std::fs::read(signs.join("r.1.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // PDF signs need a browser to print them; without one, a clear error and no files.
    let out = command(&[
        "qr",
        "--out",
        dir.join("pdf").to_str().unwrap(),
        "--format",
        "pdf",
    ])
    .env("PATH", "")
    .output()
    .unwrap();
    let t = text(&out);
    assert!(!out.status.success() && t.contains("Chromium"), "{t}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweep_removes_leftovers_but_never_what_is_referenced() {
    let dir = std::env::temp_dir().join(format!("disan-sweep-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    let folder = dir.join("in");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("m.glb"), small_scan(1).to_glb()).unwrap();
    std::fs::write(folder.join("m.toml"), relic_toml("Một", "m.glb", "")).unwrap();
    let data = dir.join("data");
    data_with_editor(&data);
    let run = |args: &[&str]| in_data(&data, args);
    let out = run(&["import", folder.to_str().unwrap(), "--user", "lan"]);
    assert!(out.status.success(), "{}", text(&out));
    let models = || {
        std::fs::read_dir(data.join("relics/models"))
            .unwrap()
            .count()
    };
    let stored = models();
    // Leftovers of a crash: a relic file no row names, an upload file with no row; both old.
    let orphan = data.join("relics/models/deadbeef.glb");
    std::fs::write(&orphan, b"left by a crash").unwrap();
    let young = data.join("relics/models/cafe.glb");
    std::fs::write(&young, b"being written right now").unwrap();
    std::fs::create_dir_all(data.join("uploads")).unwrap();
    let part = data.join("uploads/abc.part");
    std::fs::write(&part, b"half").unwrap();
    for old in [&orphan, &part] {
        let ok = Command::new("touch")
            .args(["-d", "3 days ago"])
            .arg(old)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    let out = run(&["sweep", "--older-than", "1d"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("removed relic file models/deadbeef.glb"), "{t}");
    assert!(t.contains("removed upload abc.part"), "{t}");
    assert!(!orphan.exists() && !part.exists());
    assert!(young.exists(), "young files are left alone");
    // Everything the relic references is still there: the server serves it whole.
    assert_eq!(
        models(),
        stored + 1,
        "the referenced models and the young file are kept"
    );
    let server = Running::start_with(&root().join("content"), &data);
    let relic = server.get("/api/relics/1");
    let url = relic
        .split("\"url\":\"/relics/files/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, body) = common::http(
        &server.addr,
        "GET",
        &format!("/relics/files/{url}"),
        &[],
        &[],
    );
    assert_eq!(status, 200);
    assert_eq!(&body[..4], b"glTF");
    drop(server);
    std::fs::remove_dir_all(&dir).ok();
}
