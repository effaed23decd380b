//! Crash safety on the real binary: staff clients upload, create and publish relics while the
//! server is killed with SIGKILL at random moments, 20 rounds, restarted each time. Every relic
//! confirmed published before a kill is intact afterwards (its files hash-checked against their
//! content-addressed names), and no relic is ever visible half-made.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Running, command, http, http_full, root};
use disan_assetgen::scan::ScanSpec;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `disan` with `args` on the data folder's database; its standard output.
fn cli(data: &std::path::Path, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = command(args)
        .arg("--database")
        .arg(format!("sqlite://{}/disan.db", data.display()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "disan {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[derive(Clone)]
struct Client {
    addr: String,
    auth: String,
}

impl Client {
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut all = vec![("Authorization", self.auth.as_str())];
        all.extend_from_slice(headers);
        http_full(&self.addr, method, path, &all, body)
    }

    fn json(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let (status, _, body) = self.send(
            method,
            path,
            &[("Content-Type", "application/json")],
            &bytes,
        );
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let (status, _, body) = self.send("GET", path, &[], &[]);
        (status, body)
    }

    /// Uploads, creates and publishes one relic; its id once the publish is confirmed.
    fn publish_one(&self, model: &[u8], n: usize) -> Option<i64> {
        let length = model.len().to_string();
        let (status, head, _) = self.send(
            "POST",
            "/api/admin/uploads",
            &[("Tus-Resumable", "1.0.0"), ("Upload-Length", &length)],
            &[],
        );
        if status != 201 {
            return None;
        }
        let id = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("location: ")
                    .map(str::to_owned)
            })?
            .trim()
            .rsplit('/')
            .next()?
            .to_owned();
        let (status, _, _) = self.send(
            "PATCH",
            &format!("/api/admin/uploads/{id}"),
            &[
                ("Tus-Resumable", "1.0.0"),
                ("Content-Type", "application/offset+octet-stream"),
                ("Upload-Offset", "0"),
            ],
            model,
        );
        if status != 204 {
            return None;
        }
        let meta = json!({
            "title": {"vi": format!("Hiện vật số {n}"), "en": format!("Relic number {n}")},
            "description": {"vi": "Mô tả hiện vật.", "en": "About the relic."},
            "place": {"site": "doi-a1"},
        });
        let (status, relic) = self.json(
            "POST",
            "/api/admin/relics",
            Some(&json!({"meta": meta, "upload": id})),
        );
        if status != 201 {
            return None;
        }
        let relic = relic["id"].as_i64()?;
        // Its derivatives are made in the background: publishable once they are ready.
        loop {
            let (status, body) = self.json("GET", &format!("/api/admin/relics/{relic}"), None);
            match (status, body["model"]["status"].as_str()) {
                (200, Some("ready")) => break,
                (200, Some("processing")) => std::thread::sleep(Duration::from_millis(20)),
                _ => return None,
            }
        }
        let (status, _) = self.json("POST", &format!("/api/admin/relics/{relic}/publish"), None);
        (status == 200).then_some(relic)
    }
}

/// Checks every relic the server lists: whole (its metadata and model load), files intact;
/// and that every relic in `published` is public with its full model.
/// Returns how many versions are still being prepared (their jobs cut by a kill).
fn check_intact(c: &Client, published: &[i64]) -> usize {
    let mut processing = 0;
    let (status, list) = c.json("GET", "/api/admin/relics", None);
    assert_eq!(status, 200, "{list}");
    for line in list.as_array().unwrap() {
        let id = line["id"].as_i64().unwrap();
        let (status, relic) = c.json("GET", &format!("/api/admin/relics/{id}"), None);
        assert_eq!(status, 200, "relic {id} is listed but not whole: {relic}");
        for v in relic["versions"].as_array().unwrap() {
            if v["status"] == "processing" {
                processing += 1;
                // Its job was cut by the kill and goes on after the restart: no derivative
                // is named until it is complete.
                for url in ["full_url", "light_url", "poster_url"] {
                    assert_eq!(v[url], "", "relic {id}: a processing version names {url}");
                }
            }
            let (status, master) = c.get(v["master_url"].as_str().unwrap());
            assert_eq!(status, 200, "relic {id}: master missing");
            assert_eq!(
                sha256(&master),
                v["master"].as_str().unwrap(),
                "relic {id}: master"
            );
            if v["status"] != "ready" {
                continue;
            }
            for (url, ext) in [
                (&v["full_url"], "glb"),
                (&v["light_url"], "glb"),
                (&v["poster_url"], "jpg"),
            ] {
                let url = url.as_str().unwrap();
                let (status, bytes) = c.get(url);
                assert_eq!(status, 200, "relic {id}: {url} missing");
                assert!(
                    url.ends_with(&format!("{}.{ext}", sha256(&bytes))),
                    "relic {id}: {url}"
                );
            }
        }
    }
    for id in published {
        let (status, body) = c.get(&format!("/api/relics/{id}"));
        assert_eq!(status, 200, "published relic {id} lost");
        let relic: Value = serde_json::from_slice(&body).unwrap();
        for model in relic["models"].as_array().unwrap() {
            let url = model["url"].as_str().unwrap();
            let (status, bytes) = http(&c.addr, "GET", url, &[], &[]);
            assert_eq!(status, 200, "published relic {id}: file lost");
            assert!(url.ends_with(&format!("{}.glb", sha256(&bytes))));
        }
    }
    processing
}

#[cfg(unix)]
#[test]
fn published_relics_survive_sigkill_at_any_moment() {
    let data = std::env::temp_dir().join(format!("disan-crash-{}", std::process::id()));
    std::fs::remove_dir_all(&data).ok();
    std::fs::create_dir_all(&data).unwrap();
    cli(
        &data,
        &["user", "add", "lan", "--role", "editor"],
        "a long password\n",
    );
    let token = cli(&data, &["token", "add", "crash", "--user", "lan"], "")
        .trim()
        .to_owned();
    let models: Vec<Vec<u8>> = (0..3)
        .map(|seed| {
            ScanSpec {
                cells: 30,
                tiles: 2,
                texture_px: 128,
                seed,
                ..ScanSpec::default()
            }
            .generate()
            .to_glb()
        })
        .collect();
    let published = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut rng = 0x2545_F491_4F6C_DD1Du64 ^ u64::from(std::process::id());
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let rounds = 20;
    // Versions found mid-job after a restart (their jobs resume).
    let mut cut = 0;
    for round in 0..rounds {
        let server = Running::start_with(&root().join("content"), &data);
        let client = Client {
            addr: server.addr.clone(),
            auth: format!("Bearer {token}"),
        };
        cut += check_intact(&client, &published.lock().unwrap());
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let workers: Vec<_> = (0..3)
            .map(|w| {
                let (client, published, stop) = (client.clone(), published.clone(), stop.clone());
                let model = models[w].clone();
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        n += 1;
                        if let Some(id) = client.publish_one(&model, round * 1000 + w * 100 + n) {
                            published.lock().unwrap().push(id);
                        }
                    }
                })
            })
            .collect();
        // Kill at a random moment: during an upload, a check, a store, a commit or a rebuild.
        std::thread::sleep(Duration::from_millis(150 + next() % 900));
        let mut server = server;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for w in workers {
            w.join().unwrap();
        }
    }
    let server = Running::start_with(&root().join("content"), &data);
    let client = Client {
        addr: server.addr.clone(),
        auth: format!("Bearer {token}"),
    };
    let published = published.lock().unwrap().clone();
    cut += check_intact(&client, &published);
    // Every job a kill cut short has gone on since the restart, and ends.
    let (_, list) = client.json("GET", "/api/admin/relics", None);
    let (mut resumed, started) = (0, std::time::Instant::now());
    for line in list.as_array().unwrap() {
        let id = line["id"].as_i64().unwrap();
        let mut counted = false;
        loop {
            let (_, relic) = client.json("GET", &format!("/api/admin/relics/{id}"), None);
            let versions = relic["versions"].as_array().unwrap();
            if versions.iter().all(|v| v["status"] == "ready") {
                break;
            }
            assert!(
                versions.iter().all(|v| v["status"] != "failed"),
                "relic {id}: {relic}"
            );
            if !counted {
                resumed += 1;
                counted = true;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "relic {id}: {relic}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    check_intact(&client, &published);
    eprintln!(
        "crash test: {cut} version(s) found mid-job after a restart; {resumed} still going after \
         the last one; all ready"
    );
    eprintln!(
        "crash test: {rounds} SIGKILLs, {} relics published and intact",
        published.len()
    );
    assert!(
        published.len() >= 5,
        "too few relics got through: {}",
        published.len()
    );
    drop(server);
    std::fs::remove_dir_all(&data).ok();
}
