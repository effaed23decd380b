//! Relics over HTTP against a real server: resumable uploads (tus), creating a relic from
//! metadata and an upload, every problem of a bad one in one 422 with nothing stored,
//! publishing, the public API, files and search, editing, new versions, soft delete and
//! restore, roles and CSRF.

use std::io::Write;
use std::path::Path;

use disan_assetgen::scan::ScanSpec;
use disan_tests::{Staff, TestServer, config_with_web};
use disan_types::admin::{AdminRelic, ModelStatus, Refusal, RelicLine, RelicState, Role};
use disan_types::relic::PublicRelic;
use disan_types::{ApiError, ErrorCode, ModelLevel, SearchResponse, SiteDetail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "mật khẩu Mường Thanh 1954";

fn server() -> (TestServer, tempfile::TempDir) {
    let web = tempfile::tempdir().unwrap();
    let s = TestServer::start(config_with_web(web.path())).unwrap();
    s.add_user("lan", Role::Editor, PASSWORD);
    s.add_user("minh", Role::Admin, PASSWORD);
    (s, web)
}

fn staff<'a>(s: &'a TestServer, user: &str) -> Staff<'a> {
    Staff::with_token(s, user)
}

/// `GET path` without credentials: the status and the body.
fn public_bytes(s: &TestServer, path: &str) -> (u16, Vec<u8>) {
    let mut r = s.plain_client().get(&s.url(path)).call().unwrap();
    let body = r.body_mut().with_config().limit(1 << 30).read_to_vec();
    (r.status().as_u16(), body.unwrap())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn meta(site: &str) -> Value {
    json!({
        "title": {"vi": "Khẩu pháo 105 ly", "en": "The 105 mm howitzer"},
        "description": {
            "vi": "Khẩu pháo quân đội Pháp bị bộ đội ta thu giữ tại Điện Biên Phủ năm 1954.",
            "en": "A French army howitzer captured at Điện Biên Phủ in 1954."
        },
        "place": {"site": site},
        "object_type": {"vi": "Vũ khí", "en": "Weapon"},
        "period": {"vi": "1954", "en": "1954"},
        "material": {"vi": "Thép", "en": "Steel"},
        "dimensions": "5.9 × 2.2 × 1.8 m",
        "credits": "Sở Văn hóa, Thể thao và Du lịch Điện Biên",
        "licence": "CC BY 4.0",
        "dublin_core": {"identifier": "BTĐBP-0105", "creator": "", "date": "1954",
            "rights": "CC BY 4.0", "source": "Bảo tàng Chiến thắng Điện Biên Phủ"}
    })
}

fn scan() -> Vec<u8> {
    ScanSpec {
        cells: 12,
        tiles: 2,
        texture_px: 256,
        ..ScanSpec::default()
    }
    .generate()
    .to_zip("howitzer/")
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn uploads_resume_after_a_cut_connection_byte_for_byte() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let bytes = ScanSpec {
        cells: 60,
        tiles: 2,
        texture_px: 512,
        ..ScanSpec::default()
    }
    .generate()
    .to_glb();
    let id = lan.create_upload(bytes.len());
    assert_eq!(lan.offset(&id), 0);

    // 60 % of the file, then the connection is cut.
    let cut = bytes.len() * 6 / 10;
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    write!(
        stream,
        "PATCH /api/admin/uploads/{id} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\n\
         Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
         Upload-Offset: 0\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        lan.auth,
        bytes.len()
    )
    .unwrap();
    stream.write_all(&bytes[..cut]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stream);

    // The server kept what arrived; the client continues from the server's offset.
    let mut offset = 0;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        offset = lan.offset(&id);
        if offset as usize == cut {
            break;
        }
    }
    assert_eq!(
        offset as usize, cut,
        "the bytes sent before the cut are kept"
    );
    let (status, _) = lan.patch(&id, 0, &bytes);
    assert_eq!(status, 409, "a stale offset is refused");
    let mut done = (0, None);
    for _ in 0..20 {
        done = lan.patch(&id, cut, &bytes[cut..]);
        if done.0 != 409 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(done, (204, Some(bytes.len().to_string())));
    let (status, body) = lan.send("GET", &format!("/api/admin/uploads/{id}"), None);
    assert_eq!(status, 200);
    assert_eq!(body["offset"], bytes.len());
    assert_eq!(body["filename"], "scan.zip");

    // The relic's master is the file, byte for byte.
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("bao-tang-chien-thang-dien-bien-phu"), "upload": id})),
    );
    assert_eq!(status, 201, "{body}");
    let relic: AdminRelic = serde_json::from_value(body).unwrap();
    assert_eq!(relic.model.master, sha256(&bytes));
    let mut master = lan
        .agent()
        .get(&s.url(&relic.model.master_url))
        .header("authorization", &lan.auth)
        .call()
        .unwrap();
    assert_eq!(master.status(), 200);
    let got = master
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    assert!(got == bytes, "the master is the upload");
    // The upload is gone once used.
    let (status, _) = lan.send("GET", &format!("/api/admin/uploads/{id}"), None);
    assert_eq!(status, 404);
}

#[test]
fn the_tus_protocol_is_kept() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let minh = staff(&s, "minh");
    let resp = s
        .plain_client()
        .options(&s.url("/api/admin/uploads"))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["tus-version"], "1.0.0");
    assert!(
        resp.headers()["tus-extension"]
            .to_str()
            .unwrap()
            .contains("creation")
    );
    assert_eq!(resp.headers()["tus-max-size"], (500u64 << 20).to_string());

    let id = lan.create_upload(10);
    let call = |req: ureq::RequestBuilder<ureq::typestate::WithBody>, body: &[u8]| {
        let mut r = req.send(body).unwrap();
        let code = r.body_mut().read_to_string().unwrap();
        (
            r.status().as_u16(),
            serde_json::from_str::<ApiError>(&code)
                .map(|e| e.error)
                .ok(),
        )
    };
    let url = s.url(&format!("/api/admin/uploads/{id}"));
    let patch = || {
        s.plain_client()
            .patch(&url)
            .header("authorization", &lan.auth)
    };
    assert_eq!(
        call(
            patch()
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", "0"),
            b"x"
        ),
        (412, Some(ErrorCode::TusVersion))
    );
    assert_eq!(
        call(
            patch()
                .header("tus-resumable", "1.0.0")
                .header("content-type", "text/plain")
                .header("upload-offset", "0"),
            b"x"
        ),
        (415, Some(ErrorCode::UnsupportedMedia))
    );
    assert_eq!(lan.patch(&id, 3, b"abc").0, 409);
    let (status, _) = lan.patch(&id, 0, b"0123456789 and more");
    assert_eq!(status, 413, "more bytes than the length");
    assert_eq!(lan.offset(&id), 0, "and nothing of them kept");
    // Someone else's upload does not exist for them.
    let (status, _) = minh.send("GET", &format!("/api/admin/uploads/{id}"), None);
    assert_eq!(status, 404);
    // Too large to start.
    let resp = s
        .plain_client()
        .post(&s.url("/api/admin/uploads"))
        .header("authorization", &lan.auth)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", &(501u64 << 20).to_string())
        .send_empty()
        .unwrap();
    assert_eq!(resp.status(), 413);
    // Termination.
    let resp = s
        .plain_client()
        .delete(&url)
        .header("authorization", &lan.auth)
        .header("tus-resumable", "1.0.0")
        .call()
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        lan.send("GET", &format!("/api/admin/uploads/{id}"), None).0,
        404
    );
    // Without credentials, nothing.
    let resp = s
        .plain_client()
        .post(&s.url("/api/admin/uploads"))
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        .send_empty()
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[test]
fn a_relic_goes_from_draft_to_published_to_search_and_back() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let minh = staff(&s, "minh");
    let site = "bao-tang-chien-thang-dien-bien-phu";
    let upload = lan.upload(&scan());
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta(site), "upload": upload})),
    );
    assert_eq!(status, 201, "{body}");
    let relic: AdminRelic = serde_json::from_value(body).unwrap();
    let id = relic.id;
    assert_eq!(
        (relic.state, relic.meta_version, relic.model.version),
        (RelicState::Draft, 1, 1)
    );
    // The check's report is there at once; the derivatives follow in the background.
    let r = &relic.model.report;
    assert_eq!(
        (r.format.as_str(), r.triangles, r.textures.len()),
        ("zip", 12 * 12 * 2 * 4, 4)
    );
    let relic = lan.ready(id);
    assert!(relic.model.download_s.g3 > relic.model.download_s.g4);

    // A draft is not public anywhere.
    let public = |path: &str| public_bytes(&s, path);
    assert_eq!(public(&format!("/api/relics/{id}")).0, 404);
    let full_public = relic
        .model
        .full_url
        .replace("/api/admin/files/", "/relics/files/");
    assert_eq!(public(&full_public).0, 404);
    let search = |q: &str| -> SearchResponse {
        s.get_json(&format!("/api/search?q={}", q.replace(' ', "+")))
    };
    assert!(
        search("khau phao")
            .hits
            .iter()
            .all(|h| h.kind.code() != "relic")
    );

    // Published: the API, the file, the site and search have it at once.
    let (status, body) = lan.send("POST", &format!("/api/admin/relics/{id}/publish"), None);
    assert_eq!(status, 200, "{body}");
    let (status, body) = public(&format!("/api/relics/{id}"));
    assert_eq!(status, 200);
    let p: PublicRelic = serde_json::from_slice(&body).unwrap();
    assert_eq!(p.title.en, "The 105 mm howitzer");
    assert_eq!(p.site.as_deref(), Some(site));
    assert_eq!(p.url, format!("/relic/{id}"));
    assert_eq!(p.models.len(), 2, "the light model, then the full one");
    assert!(p.models[0].bytes < p.models[1].bytes);
    let mut glbs = Vec::new();
    for m in &p.models {
        let (status, glb) = public(&m.url);
        assert_eq!(status, 200);
        assert_eq!(&glb[..4], b"glTF");
        assert_eq!(glb.len() as u64, m.bytes);
        glbs.push(glb);
    }
    // And its poster, a still of the model.
    let poster = p.poster.as_ref().expect("a poster");
    assert_eq!((poster.width, poster.height), (800, 500));
    let (status, jpeg) = public(&poster.url);
    assert_eq!(status, 200);
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    assert_eq!(jpeg.len() as u64, poster.bytes);
    let detail: SiteDetail = s.get_json(&format!("/api/sites/{site}"));
    assert_eq!(detail.relics.len(), 1);
    assert_eq!(detail.relics[0].id, id);
    let hits = search("khau phao 105").hits;
    let hit = hits
        .iter()
        .find(|h| h.kind.code() == "relic")
        .expect("found by search");
    assert_eq!(hit.url, format!("/relic/{id}"));
    assert!(
        search("howitzer")
            .hits
            .iter()
            .any(|h| h.kind.code() == "relic")
    );
    // Public answers show no staff data.
    let text = String::from_utf8(public(&format!("/api/relics/{id}")).1).unwrap();
    assert!(
        !text.contains("lan") && !text.contains("master") && !text.contains("report"),
        "{text}"
    );

    // Both derivatives pass the Khronos glTF Validator.
    let views: Vec<&[u8]> = glbs.iter().map(Vec::as_slice).collect();
    for report in validator_errors(&views) {
        assert_eq!(report["errors"], 0, "{report}");
    }

    // An edit is a new metadata version, public at once.
    let (status, body) = lan.send(
        "PATCH",
        &format!("/api/admin/relics/{id}"),
        Some(json!({"title": {"vi": "Pháo 105 ly của Pháp", "en": "French 105 mm howitzer"}})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta_version"], 2);
    assert_eq!(body["meta"]["material"]["en"], "Steel", "the rest is kept");
    let p: PublicRelic = serde_json::from_slice(&public(&format!("/api/relics/{id}")).1).unwrap();
    assert_eq!(p.title.en, "French 105 mm howitzer");
    // Search has the new text, and only once (the relic's document replaced, not added).
    let relic_hits = |q: &str| {
        search(q)
            .hits
            .into_iter()
            .filter(|h| h.kind.code() == "relic")
            .count()
    };
    assert_eq!(relic_hits("phao cua phap"), 1);
    assert_eq!(relic_hits("howitzer"), 1);
    // A bad edit changes nothing.
    let (status, body) = lan.send(
        "PATCH",
        &format!("/api/admin/relics/{id}"),
        Some(json!({"title": {"vi": "", "en": "x"}})),
    );
    assert_eq!(status, 422, "{body}");
    let refusal: Refusal = serde_json::from_value(body).unwrap();
    assert_eq!(refusal.problems[0].at, "title.vi");

    // A new model version; the old one stays retrievable for staff.
    let v2 = ScanSpec {
        cells: 16,
        tiles: 1,
        texture_px: 32,
        ..ScanSpec::default()
    }
    .generate()
    .to_glb();
    let upload = lan.upload(&v2);
    let (status, body) = lan.send(
        "POST",
        &format!("/api/admin/relics/{id}/versions"),
        Some(json!({"upload": upload})),
    );
    assert_eq!(status, 201, "{body}");
    let relic: AdminRelic = serde_json::from_value(body).unwrap();
    assert_eq!(relic.versions.len(), 2);
    let relic = lan.ready(id);
    assert_eq!(relic.model.version, 2);
    public_version(&s, id, 2);
    let old = &relic.versions[1];
    assert_eq!(lan.bytes(&old.full_url).0, 200);
    assert_eq!(
        public(&full_public).0,
        404,
        "only the current version is public"
    );
    let p: PublicRelic = serde_json::from_slice(&public(&format!("/api/relics/{id}")).1).unwrap();
    assert_eq!(p.version, 2);

    // Unpublished: gone from the public side, kept for staff.
    let (status, _) = lan.send("POST", &format!("/api/admin/relics/{id}/unpublish"), None);
    assert_eq!(status, 200);
    assert_eq!(public(&format!("/api/relics/{id}")).0, 404);
    assert!(
        search("howitzer")
            .hits
            .iter()
            .all(|h| h.kind.code() != "relic")
    );
    let (status, body) = lan.send("POST", &format!("/api/admin/relics/{id}/unpublish"), None);
    assert_eq!((status, body["error"].as_str()), (409, Some("wrong_state")));

    // Only admins delete and restore; deletion is soft.
    let (status, body) = lan.send("DELETE", &format!("/api/admin/relics/{id}"), None);
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    let (status, _) = minh.send("DELETE", &format!("/api/admin/relics/{id}"), None);
    assert_eq!(status, 200);
    assert_eq!(
        lan.send("GET", &format!("/api/admin/relics/{id}"), None).0,
        404
    );
    let (_, list) = lan.send("GET", "/api/admin/relics", None);
    assert_eq!(list, json!([]));
    let (status, _) = lan.send("GET", "/api/admin/relics?deleted=true", None);
    assert_eq!(status, 403);
    let (_, list) = minh.send("GET", "/api/admin/relics?deleted=true", None);
    let list: Vec<RelicLine> = serde_json::from_value(list).unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].deleted);
    let (status, body) = minh.send("POST", &format!("/api/admin/relics/{id}/restore"), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], false);
    assert_eq!(body["state"], "unpublished");
    let (status, _) = lan.send("POST", &format!("/api/admin/relics/{id}/publish"), None);
    assert_eq!(status, 200);
    assert_eq!(public(&format!("/api/relics/{id}")).0, 200);

    // Every step is in the audit log, with the relic and version.
    let (_, log) = minh.send("GET", "/api/admin/audit", None);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["relic"] == id)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "relic_publish",
            "relic_restore",
            "relic_delete",
            "relic_unpublish",
            "relic_version",
            "relic_edit",
            "relic_publish",
            "relic_create"
        ]
    );
}

#[test]
fn bad_models_and_metadata_are_refused_with_every_problem_and_nothing_stored() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let relics_dir = s.state.config.relics_dir.clone();
    let before = files(&relics_dir);

    let mut broken = ScanSpec {
        cells: 8,
        tiles: 1,
        texture_px: 16,
        ..ScanSpec::default()
    }
    .generate()
    .to_glb();
    let n = broken.len();
    broken.truncate(n * 6 / 10);
    let upload = lan.upload(&broken);
    let mut bad_meta = meta("no-such-site");
    bad_meta["title"]["en"] = json!("");
    bad_meta["description"]["vi"] = json!("Pha\u{300}o"); // not NFC
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": bad_meta, "upload": upload})),
    );
    assert_eq!(status, 422, "{body}");
    let refusal: Refusal = serde_json::from_value(body).unwrap();
    assert_eq!(refusal.error, ErrorCode::InvalidModel);
    let found: Vec<(&str, &str)> = refusal
        .problems
        .iter()
        .map(|p| (p.at.as_str(), p.code.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("title.en", "required"),
            ("description.vi", "not_nfc"),
            ("place.site", "unknown_site"),
            ("upload", "glb_length")
        ]
    );
    assert!(
        refusal
            .problems
            .iter()
            .all(|p| !p.message.vi.is_empty() && !p.message.en.is_empty())
    );

    // A model bomb (a 30 000 × 30 000 PNG texture is refused before decoding) and other
    // broken inputs: each a 4xx naming it, never a 5xx.
    for (bytes, code) in [
        (b"not a model at all".to_vec(), "not_a_model"),
        (
            disan_assetgen::scan::zip(&[("../evil.gltf".to_owned(), b"{}".to_vec())]),
            "zip_path",
        ),
    ] {
        let upload = lan.upload(&bytes);
        let (status, body) = lan.send(
            "POST",
            "/api/admin/relics",
            Some(json!({"meta": meta("doi-a1"), "upload": upload})),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["problems"][0]["code"], code, "{body}");
    }
    // Unknown or unfinished uploads, wrong JSON.
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("doi-a1"), "upload": "0".repeat(64)})),
    );
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    let half = lan.create_upload(100);
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("doi-a1"), "upload": half})),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("upload_conflict"))
    );
    let (status, _) = lan.send("POST", "/api/admin/relics", Some(json!({"meta": 3})));
    assert!((400..500).contains(&status), "{status}");

    // Nothing was stored, no relic exists.
    assert_eq!(files(&relics_dir), before, "the relic store is unchanged");
    assert_eq!(lan.send("GET", "/api/admin/relics", None).1, json!([]));
    // The refused upload is still there: fix the metadata and try again without re-sending.
    let fixed = lan.upload(&scan());
    let mut m = meta("doi-a1");
    m["place"] = json!({"lat": 21.39, "lon": 103.02});
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": m, "upload": fixed})),
    );
    assert_eq!(status, 201, "{body}");
    m["place"] = json!({"lat": 10.77, "lon": 106.70});
    let upload = lan.upload(&scan());
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": m, "upload": upload})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["code"], "outside_province");
}

#[test]
fn the_triangle_limit_is_a_setting() {
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.max_triangles = 500;
    let s = TestServer::start(config).unwrap();
    s.add_user("lan", Role::Editor, PASSWORD);
    let lan = staff(&s, "lan");
    let upload = lan.upload(&scan());
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("doi-a1"), "upload": upload})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["code"], "too_many_triangles", "{body}");
    assert!(
        body["problems"][0]["message"]["en"]
            .as_str()
            .unwrap()
            .contains("500")
    );
}

#[test]
fn changes_through_the_session_cookie_need_the_csrf_token() {
    let (s, _web) = server();
    let login = s.login("lan", PASSWORD);
    let post = |csrf: Option<&str>| {
        let mut req = s
            .plain_client()
            .post(&s.url("/api/admin/uploads"))
            .header("cookie", &login.cookie)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", "10");
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req.send_empty().unwrap().status().as_u16()
    };
    assert_eq!(post(None), 403);
    assert_eq!(post(Some("forged")), 403);
    assert_eq!(post(Some(&login.csrf)), 201);
}

/// `glb` compressed by glTF Transform (`tests/gltf-transform`, with Google's Draco encoder
/// and meshoptimizer) as `how` (`draco`, `meshopt` or `quantize`).
fn compress(glb: &[u8], how: &str) -> Vec<u8> {
    let tool = disan_tests::repo_root().join("tests/gltf-transform");
    assert!(
        tool.join("node_modules/@gltf-transform/core").is_dir(),
        "glTF Transform is installed by `cargo xtask test` (npm ci in tests/gltf-transform)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in.glb"), dir.path().join("out.glb"));
    std::fs::write(&input, glb).unwrap();
    let out = std::process::Command::new("node")
        .arg(tool.join("compress.mjs"))
        .arg(how)
        .args([&input, &output])
        .output()
        .expect("node runs glTF Transform");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&output).unwrap()
}

/// A GLB's JSON chunk and its binary chunk's offset in the file.
fn glb_parts(glb: &[u8]) -> (Value, usize) {
    let len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    (
        serde_json::from_slice(&glb[20..20 + len]).unwrap(),
        20 + len + 8,
    )
}

/// The Khronos glTF Validator's report on each GLB.
fn validator_errors(glbs: &[&[u8]]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = glbs
        .iter()
        .enumerate()
        .map(|(i, glb)| {
            let file = dir.path().join(format!("{i}.glb"));
            std::fs::write(&file, glb).unwrap();
            file
        })
        .collect();
    let out = std::process::Command::new("node")
        .arg(disan_tests::repo_root().join("tests/gltf-validator/validate.mjs"))
        .args(&files)
        .output()
        .expect("node runs the validator");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn compressed_scans_are_accepted_and_their_derivatives_are_ours() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let spec = ScanSpec {
        cells: 24,
        tiles: 2,
        texture_px: 64,
        z_up: true,
        ..ScanSpec::default()
    };
    let plain = spec.generate().to_glb();
    let create = |bytes: &[u8]| {
        let upload = lan.upload(bytes);
        lan.send(
            "POST",
            "/api/admin/relics",
            Some(json!({"meta": meta("doi-a1"), "upload": upload})),
        )
    };
    let (status, body) = create(&plain);
    assert_eq!(status, 201, "{body}");
    let reference: AdminRelic = serde_json::from_value(body).unwrap();
    let size = reference.model.report.size;

    for (how, ext) in [
        ("draco", "KHR_draco_mesh_compression"),
        ("meshopt", "EXT_meshopt_compression"),
        ("quantize", "KHR_mesh_quantization"),
    ] {
        let packed = compress(&plain, how);
        let (json, _) = glb_parts(&packed);
        assert!(
            json["extensionsRequired"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e == ext),
            "{how}: the tool wrote {ext}: {}",
            json["extensionsRequired"]
        );
        let (status, body) = create(&packed);
        assert_eq!(status, 201, "{how}: {body}");
        let relic = lan.ready(body["id"].as_i64().unwrap());
        let r = &relic.model.report;
        assert_eq!(r.triangles, spec.triangles(), "{how}");
        assert!(r.extensions.iter().any(|e| e == ext), "{how}: {r:?}");
        for k in 0..3 {
            assert!(
                (r.size[k] - size[k]).abs() < 0.01 * size[k].max(1.0),
                "{how}: size {:?} vs {size:?}",
                r.size
            );
        }
        // The derivatives are quantised and meshopt-compressed whatever the input (never
        // Draco: the viewer decodes only what the server writes), their textures WebP, valid
        // once decoded.
        let mut glbs = Vec::new();
        for url in [&relic.model.full_url, &relic.model.light_url] {
            let (status, glb) = lan.bytes(url);
            assert_eq!(status, 200);
            let (json, _) = glb_parts(&glb);
            assert_eq!(
                json["extensionsRequired"],
                json!([
                    "EXT_texture_webp",
                    "EXT_meshopt_compression",
                    "KHR_mesh_quantization"
                ]),
                "{how}: {json}"
            );
            glbs.push(disan_pack::plain_glb(&glb, 1 << 30).unwrap().into_owned());
        }
        let full = triangles_in(&glbs[0]);
        assert_eq!(
            full,
            spec.triangles(),
            "{how}: within the budget, kept whole"
        );
        let views: Vec<&[u8]> = glbs.iter().map(Vec::as_slice).collect();
        for report in validator_errors(&views) {
            assert_eq!(report["errors"], 0, "{how}: {report}");
        }

        // The same file with its compressed stream damaged: a named problem, nothing stored.
        if how != "quantize" {
            let (json, bin) = glb_parts(&packed);
            let view = if how == "draco" {
                let v = json["meshes"][0]["primitives"][0]["extensions"][ext]["bufferView"]
                    .as_u64()
                    .unwrap();
                json["bufferViews"][v as usize].clone()
            } else {
                let v = json["bufferViews"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["extensions"][ext].is_object())
                    .unwrap();
                v["extensions"][ext].clone()
            };
            let start = bin + view["byteOffset"].as_u64().unwrap_or(0) as usize;
            let len = view["byteLength"].as_u64().unwrap() as usize;
            let mut damaged = packed.clone();
            damaged[start..start + len].fill(0xFF);
            let relics_dir = s.state.config.relics_dir.clone();
            let before = files(&relics_dir);
            let (status, body) = create(&damaged);
            assert_eq!(status, 422, "{how}: {body}");
            let problem = &body["problems"][0];
            assert_eq!(problem["code"], "compressed_data", "{how}: {body}");
            assert!(
                problem["message"]["en"].as_str().unwrap().contains(ext),
                "{how}: {problem}"
            );
            assert_eq!(files(&relics_dir), before, "{how}: nothing stored");
        }
    }
}

/// Triangles in a plain GLB, counted with the `gltf` crate (which reads WebP textures only
/// as plain ones).
fn triangles_in(glb: &[u8]) -> u64 {
    let g = gltf::Gltf::from_slice(&disan_pack::readable_glb(glb, 1 << 30).unwrap()).unwrap();
    g.meshes()
        .flat_map(|m| m.primitives())
        .map(|p| p.indices().map_or(0, |i| i.count() as u64 / 3))
        .sum()
}

#[test]
fn derivatives_are_made_in_the_background_and_publishing_waits_for_them() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    // Dense enough to be simplified: its job takes seconds, the answer comes at once.
    let dense = ScanSpec {
        cells: 160,
        tiles: 2,
        texture_px: 256,
        ..ScanSpec::default()
    }
    .generate()
    .to_glb();
    let upload = lan.upload(&dense);
    let started = std::time::Instant::now();
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("doi-a1"), "upload": upload})),
    );
    assert_eq!(status, 201, "{body}");
    let relic: AdminRelic = serde_json::from_value(body).unwrap();
    let answered = started.elapsed();
    assert_eq!(relic.model.status, ModelStatus::Processing);
    assert_eq!(relic.model.progress.of, 4);
    assert_eq!(relic.model.report.triangles, 160 * 160 * 2 * 4);
    assert!(relic.model.full_url.is_empty(), "no derivative yet");
    // Not publishable until its derivatives are ready.
    let (status, body) = lan.send(
        "POST",
        &format!("/api/admin/relics/{}/publish", relic.id),
        None,
    );
    assert_eq!((status, body["error"].as_str()), (409, Some("wrong_state")));
    assert!(
        body["message"].as_str().unwrap().contains("prepared"),
        "{body}"
    );
    let ready = lan.ready(relic.id);
    eprintln!(
        "answered in {answered:?}, derivatives ready after {:?}",
        started.elapsed()
    );
    assert!(!ready.model.full_url.is_empty() && !ready.model.poster_url.is_empty());
    // More triangles than the full model keeps: a high level with all of them.
    assert!(!ready.model.high_url.is_empty() && ready.model.high_bytes > ready.model.full_bytes);
    let (status, _) = lan.send(
        "POST",
        &format!("/api/admin/relics/{}/publish", relic.id),
        None,
    );
    assert_eq!(status, 200);
    let public: PublicRelic = s.get_json(&format!("/api/relics/{}", relic.id));
    let levels: Vec<ModelLevel> = public.models.iter().map(|m| m.level).collect();
    assert_eq!(
        levels,
        [ModelLevel::Light, ModelLevel::Full, ModelLevel::High]
    );
    for m in &public.models {
        let glb = s
            .client()
            .get(&s.url(&m.url))
            .call()
            .unwrap()
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        assert_eq!(glb.len() as u64, m.bytes, "{:?}", m.level);
        // What the page chooses by is what the file holds.
        let f = disan_pack::footprint(&glb).unwrap();
        assert_eq!((m.gpu_bytes, m.texture_side), (f.gpu_bytes, f.texture_side));
        let triangles = triangles_in(&glb);
        match m.level {
            ModelLevel::Light => assert!(triangles <= 4_000, "{triangles}"),
            ModelLevel::Full => assert!(triangles <= 150_000, "{triangles}"),
            ModelLevel::High => assert_eq!(triangles, 160 * 160 * 2 * 4),
        }
    }
    assert_eq!(
        public.models[1].texture_side, 256,
        "the scan's own textures"
    );

    // A new version of a published relic: the public keeps the old one until the new is ready.
    let upload = lan.upload(&dense);
    let (status, body) = lan.send(
        "POST",
        &format!("/api/admin/relics/{}/versions", relic.id),
        Some(json!({"upload": upload})),
    );
    assert_eq!(status, 201, "{body}");
    let during: AdminRelic = serde_json::from_value(body).unwrap();
    assert_eq!(during.model.version, 1, "the current model stays version 1");
    assert_eq!(during.versions[0].status, ModelStatus::Processing);
    let public: PublicRelic = s.get_json(&format!("/api/relics/{}", relic.id));
    assert_eq!(public.version, 1);
    lan.ready(relic.id);
    public_version(&s, relic.id, 2);
}

/// Waits until the public side shows `version` of relic `id`: it follows a version's job
/// within the time a snapshot refresh takes.
fn public_version(s: &TestServer, id: i64, version: i64) {
    let started = std::time::Instant::now();
    loop {
        let public: PublicRelic = s.get_json(&format!("/api/relics/{id}"));
        if public.version == version {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the public side shows version {} of relic {id}",
            public.version
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A PNG of `width` × `height` (a gradient), made with the `png` crate.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = ::png::Encoder::new(&mut out, width, height);
    enc.set_color(::png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    let data: Vec<u8> = (0..width * height)
        .flat_map(|i| [(i % 251) as u8, (i / width % 251) as u8, 90])
        .collect();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

/// A PNG that says it is `width` × `height` and holds nothing more: a decompression bomb's
/// header.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    // An empty zlib stream: no pixels at all.
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn photos_are_checked_given_thumbnails_shown_and_removed_softly() {
    let (s, _web) = server();
    let lan = staff(&s, "lan");
    let (status, body) = lan.send(
        "POST",
        "/api/admin/relics",
        Some(json!({"meta": meta("doi-a1"), "upload": lan.upload(&scan())})),
    );
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    lan.ready(id);
    assert_eq!(
        lan.send("POST", &format!("/api/admin/relics/{id}/publish"), None)
            .0,
        200
    );
    let add = |bytes: &[u8], caption: Value| {
        lan.send(
            "POST",
            &format!("/api/admin/relics/{id}/photos"),
            Some(json!({"upload": lan.upload(bytes), "caption": caption})),
        )
    };
    // A camera's JPEG and a PNG.
    let jpeg = ScanSpec {
        texture_px: 640,
        tiles: 1,
        cells: 2,
        ..ScanSpec::default()
    }
    .generate()
    .textures
    .remove(0);
    let (status, body) = add(
        &jpeg,
        json!({"vi": "Khẩu pháo nhìn từ bên trái", "en": "The howitzer from the left"}),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = add(&png(300, 120), json!({"vi": "", "en": ""}));
    assert_eq!(status, 201, "{body}");
    let relic: AdminRelic = serde_json::from_value(body).unwrap();
    assert_eq!(relic.photos.len(), 2);
    let (first, second) = (&relic.photos[0], &relic.photos[1]);
    assert_eq!(
        (first.mime.as_str(), first.width, first.height),
        ("image/jpeg", 640, 640)
    );
    assert_eq!(
        (second.mime.as_str(), second.width, second.height),
        ("image/png", 300, 120)
    );

    // The staff page shows both, each thumbnail a link with a text (the caption, or a number).
    let login = s.login("lan", PASSWORD);
    let mut page = s
        .plain_client()
        .get(&s.url(&format!("/admin/relics/{id}?lang=en")))
        .header("cookie", &login.cookie)
        .call()
        .unwrap();
    let html = page.body_mut().read_to_string().unwrap();
    assert!(
        html.contains(&format!("src=\"{}\"", first.thumb_url))
            && html.contains("alt=\"The howitzer from the left\"")
            && html.contains("alt=\"Photos 2\""),
        "{html}"
    );

    // Bad photos: a named problem each, nothing stored.
    let relics_dir = s.state.config.relics_dir.clone();
    let before = files(&relics_dir);
    for (bytes, caption, at, code) in [
        (
            b"not a photo".to_vec(),
            json!({"vi": "", "en": ""}),
            "photo",
            "image_format",
        ),
        (
            png_header(30_000, 30_000),
            json!({"vi": "", "en": ""}),
            "photo",
            "image_too_large",
        ),
        (
            png(10, 10),
            json!({"vi": "Pha\u{300}o", "en": ""}),
            "caption.vi",
            "not_nfc",
        ),
    ] {
        let (status, body) = add(&bytes, caption);
        assert_eq!(status, 422, "{code}: {body}");
        assert_eq!(body["problems"][0]["code"], code, "{body}");
        assert_eq!(body["problems"][0]["at"], at, "{body}");
    }
    assert_eq!(files(&relics_dir), before, "nothing stored");

    // Public: the photo as uploaded, byte for byte, and its thumbnail.
    let public: PublicRelic = s.get_json(&format!("/api/relics/{id}"));
    assert_eq!(public.photos.len(), 2);
    let p = &public.photos[0];
    assert_eq!(p.caption.en, "The howitzer from the left");
    let get = |url: &str| public_bytes(&s, url);
    let (status, original) = get(&p.url);
    assert_eq!((status, sha256(&original)), (200, sha256(&jpeg)));
    let (status, thumb) = get(&p.thumb_url);
    assert_eq!(status, 200);
    assert_eq!(&thumb[..3], &[0xFF, 0xD8, 0xFF]);
    assert!(thumb.len() < jpeg.len());

    // Removed: gone from the public side, its files kept.
    let (status, body) = lan.send(
        "DELETE",
        &format!("/api/admin/relics/{id}/photos/{}", first.id),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let public: PublicRelic = s.get_json(&format!("/api/relics/{id}"));
    assert_eq!(public.photos.len(), 1);
    assert_eq!(get(&p.url).0, 404, "no longer public");
    assert_eq!(lan.bytes(&first.url).0, 200, "kept for staff");
    let (status, _) = lan.send(
        "DELETE",
        &format!("/api/admin/relics/{id}/photos/{}", first.id),
        None,
    );
    assert_eq!(status, 404, "removed once");
    let (_, audit) = staff(&s, "minh").send("GET", "/api/admin/audit", None);
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"photo_add") && actions.contains(&"photo_remove"),
        "{actions:?}"
    );
}
