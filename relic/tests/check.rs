//! The checks of uploaded models through the public API: scan-like models as contractors
//! deliver them are accepted with the right report; a corpus of broken ones (each made from a
//! valid scan by one change) is refused, each with its named problem, every problem in one
//! answer, in both languages.

use disan_assetgen::scan::{Scan, ScanSpec, glb, zip};
use disan_relic::{Limits, check};
use disan_types::admin::Severity;
use serde_json::{Value, json};

fn small() -> Scan {
    ScanSpec {
        cells: 8,
        tiles: 2,
        texture_px: 32,
        ..ScanSpec::default()
    }
    .generate()
}

/// The codes of the problems `bytes` is refused for (panics if it is accepted).
fn refused(bytes: &[u8], limits: &Limits) -> Vec<String> {
    match check(bytes, limits) {
        Ok(m) => panic!("accepted: {:?}", m.report),
        Err(r) => {
            for p in r.problems() {
                assert!(!p.message.vi.is_empty() && !p.message.en.is_empty());
                assert_ne!(p.message.vi, p.message.en, "{}", p.code);
                assert!(!p.at.is_empty());
            }
            r.problems()
                .into_iter()
                .filter(|p| p.severity == Severity::Error)
                .map(|p| p.code)
                .collect()
        }
    }
}

fn codes(bytes: &[u8]) -> Vec<String> {
    refused(bytes, &Limits::default())
}

#[test]
fn scans_as_delivered_are_accepted_with_their_report() {
    let spec = ScanSpec {
        cells: 60,
        tiles: 3,
        texture_px: 512,
        ..ScanSpec::default()
    };
    let scan = spec.generate();
    for (what, bytes) in [
        ("glb", scan.to_glb()),
        ("zip", scan.to_zip("")),
        ("zip in a folder", scan.to_zip("Scan 2026/")),
    ] {
        let model = check(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let r = &model.report;
        assert_eq!(r.format, if what == "glb" { "glb" } else { "zip" });
        assert_eq!(r.bytes, bytes.len() as u64);
        assert_eq!(r.triangles, spec.triangles(), "{what}");
        assert_eq!((r.meshes, r.primitives, r.materials), (9, 9, 9));
        assert_eq!(r.vertices, 9 * 61 * 61);
        assert_eq!(r.textures.len(), 9);
        assert!(
            r.textures
                .iter()
                .all(|t| t.mime == "image/jpeg" && t.width == 512)
        );
        assert!(
            (r.size[0] - 12.0).abs() < 1e-3 && (r.size[2] - 12.0).abs() < 1e-3,
            "{:?}",
            r.size
        );
        assert!(r.size[1] > 0.5 && r.size[1] < 5.0, "relief {:?}", r.size);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }
}

#[test]
fn z_up_georeferenced_dense_scans_are_accepted_with_warnings() {
    let spec = ScanSpec {
        cells: 300,
        tiles: 1,
        texture_px: 4096,
        z_up: true,
        offset: [523_411.5, 2_365_020.25, 480.0],
        ..ScanSpec::default()
    };
    let model = check(&spec.generate().to_glb(), &Limits::default()).unwrap();
    let r = &model.report;
    assert_eq!(r.triangles, 180_000);
    // Z up: the relief is along Z.
    assert!(
        r.size[2] > 0.5 && r.size[2] < 5.0 && (r.size[1] - 12.0).abs() < 1e-2,
        "{:?}",
        r.size
    );
    assert!((r.center[0] - 523_411.5).abs() < 1.0 && (r.center[1] - 2_365_020.25).abs() < 1.0);
    let warnings: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(warnings, ["over_mobile_budget", "texture_over_budget"]);
    assert!(r.warnings.iter().all(|w| w.severity == Severity::Warning));
    assert!(
        r.warnings[0].message.vi.contains("150000"),
        "{:?}",
        r.warnings[0]
    );
}

/// A small valid GLB's JSON and binary chunk, textures inside.
fn parts() -> (Value, Vec<u8>) {
    let bytes = small().to_glb();
    let json_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let json: Value = serde_json::from_slice(&bytes[20..20 + json_len]).unwrap();
    let bin = bytes[28 + json_len..].to_vec();
    (json, bin)
}

/// A broken copy of the small GLB.
fn broken(change: impl FnOnce(&mut Value, &mut Vec<u8>)) -> Vec<u8> {
    let (mut json, mut bin) = parts();
    change(&mut json, &mut bin);
    glb(&json, &bin)
}

fn accessor_offset(json: &Value, bin_view: usize) -> usize {
    json["bufferViews"][bin_view]["byteOffset"]
        .as_u64()
        .unwrap() as usize
}

/// A PNG claiming `w` × `h` pixels, with valid CRCs and a few bytes of image data.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for chunk in [ihdr, b"IDAT\x78\x9c\x63\x00\x00".to_vec(), b"IEND".to_vec()] {
        out.extend((chunk.len() as u32 - 4).to_be_bytes());
        out.extend(&chunk);
        out.extend(crc(&chunk).to_be_bytes());
    }
    out
}

/// The small GLB with image 0's bytes replaced.
fn with_image(bytes: Vec<u8>, mime: &str) -> Vec<u8> {
    broken(|json, bin| {
        while bin.len() % 4 != 0 {
            bin.push(0);
        }
        let views = json["bufferViews"].as_array_mut().unwrap();
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()}));
        let view = views.len() - 1;
        bin.extend(&bytes);
        json["buffers"][0]["byteLength"] = json!(bin.len());
        json["images"][0] = json!({"bufferView": view, "mimeType": mime});
    })
}

#[test]
fn broken_containers_are_refused_by_name() {
    let good = small().to_glb();
    assert!(check(&good, &Limits::default()).is_ok());

    let mut truncated = good[..good.len() * 6 / 10].to_vec();
    assert_eq!(codes(&truncated), ["glb_length"]);
    truncated.truncate(7);
    assert_eq!(codes(&truncated), ["glb_length"]);
    let mut magic = good.clone();
    magic[3] = b'X';
    assert_eq!(codes(&magic), ["not_a_model"]);
    let mut version = good.clone();
    version[4] = 1;
    assert_eq!(codes(&version), ["glb_version"]);
    let mut lying = good.clone();
    lying[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(codes(&lying), ["glb_chunk_length"]);
    let mut bin_first = good.clone();
    bin_first[16..20].copy_from_slice(b"BIN\0");
    assert_eq!(codes(&bin_first), ["glb_no_json"]);
    assert_eq!(codes(&glb(&json!("x"), &[])), ["invalid_json"]);
    let mut spliced = good.clone();
    spliced[40] = b'}';
    let got = codes(&spliced);
    assert!(
        matches!(got.as_slice(), [c] if c == "invalid_json" || c == "invalid_gltf"),
        "{got:?}"
    );
    assert_eq!(codes(b"hello, this is a text file"), ["not_a_model"]);
    assert_eq!(codes(b""), ["not_a_model"]);
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(refused(&good, &limits), ["too_large"]);
}

#[test]
fn broken_documents_are_refused_by_name() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "accessor_out_of_range",
            broken(|j, _| j["accessors"][0]["count"] = json!(100_000)),
        ),
        (
            "view_out_of_range",
            broken(|j, _| j["bufferViews"][1]["byteLength"] = json!(1u64 << 40)),
        ),
        (
            "buffer_short",
            broken(|j, _| j["buffers"][0]["byteLength"] = json!(1u64 << 33)),
        ),
        (
            "index_out_of_range",
            broken(|j, bin| {
                let at = accessor_offset(j, 3);
                bin[at..at + 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
            }),
        ),
        (
            "position_not_finite",
            broken(|j, bin| {
                let at = accessor_offset(j, 0);
                bin[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
            }),
        ),
        (
            "invalid_gltf",
            broken(|j, _| j["meshes"][0]["primitives"][0]["indices"] = json!(999)),
        ),
        (
            "invalid_gltf",
            broken(|j, _| j["nodes"][0]["children"] = json!([0])),
        ),
        (
            "unsupported_extension",
            broken(|j, _| {
                j["extensionsUsed"] = json!(["EXT_made_up"]);
                j["extensionsRequired"] = json!(["EXT_made_up"]);
            }),
        ),
        (
            "no_mesh",
            broken(|j, _| j["scenes"][0]["nodes"] = json!([])),
        ),
        (
            "bounds_degenerate",
            broken(|j, _| j["nodes"][0]["scale"] = json!([0.0, 0.0, 0.0])),
        ),
        (
            "bounds_absurd",
            broken(|j, _| j["nodes"][0]["scale"] = json!([1e5, 1e5, 1e5])),
        ),
        (
            "unsupported_sparse",
            broken(|j, _| {
                j["accessors"][1]["sparse"] = json!({"count": 1,
                "indices": {"bufferView": 3, "componentType": 5125},
                "values": {"bufferView": 1}});
            }),
        ),
        (
            "external_uri",
            broken(|j, _| j["buffers"][0]["uri"] = json!("https://example.com/scan.bin")),
        ),
        (
            "external_uri",
            broken(|j, _| j["buffers"][0]["uri"] = json!("../../etc/passwd")),
        ),
        (
            "external_uri",
            broken(|j, _| j["buffers"][0]["uri"] = json!("/etc/passwd")),
        ),
        (
            "external_uri",
            broken(|j, _| j["buffers"][0]["uri"] = json!("C:\\scan.bin")),
        ),
        (
            "external_uri",
            broken(|j, _| j["buffers"][0]["uri"] = json!("%2e%2e/scan.bin")),
        ),
        (
            "missing_file",
            broken(|j, _| j["buffers"][0]["uri"] = json!("scan.bin")),
        ),
        (
            "image_too_large",
            with_image(png_header(30_000, 30_000), "image/png"),
        ),
        (
            "image_type",
            with_image(small().textures[0].clone(), "image/png"),
        ),
        (
            "image_decode",
            with_image(
                b"\xFF\xD8\xFF\xE0 and then nothing of a JPEG".to_vec(),
                "image/jpeg",
            ),
        ),
        ("image_decode", with_image(png_header(64, 64), "image/png")),
        (
            "image_format",
            with_image(b"GIF89a....".to_vec(), "image/gif"),
        ),
    ];
    for (want, bytes) in cases {
        let got = codes(&bytes);
        assert_eq!(got, [want], "{want}");
    }
}

#[test]
fn every_problem_is_listed_in_one_answer() {
    let bytes = broken(|j, bin| {
        let at = accessor_offset(j, 0);
        bin[at..at + 4].copy_from_slice(&f32::INFINITY.to_le_bytes());
        let at = accessor_offset(j, 3);
        bin[at..at + 4].copy_from_slice(&1_000_000u32.to_le_bytes());
        j["images"][1]["mimeType"] = json!("image/webp");
    });
    let got = codes(&bytes);
    assert_eq!(
        got,
        ["position_not_finite", "index_out_of_range", "image_type"],
        "{got:?}"
    );
    let r = check(&bytes, &Limits::default()).unwrap_err();
    let index = r
        .problems()
        .into_iter()
        .find(|p| p.code == "index_out_of_range")
        .unwrap();
    assert_eq!(index.at, "meshes[0].primitives[0].indices");
    assert!(index.message.en.contains("1000000") && index.message.vi.contains("1000000"));
}

#[test]
fn budgets_and_units_follow_the_limits() {
    let bytes = small().to_glb();
    let tight = Limits {
        max_triangles: 100,
        ..Limits::default()
    };
    assert_eq!(refused(&bytes, &tight), ["too_many_triangles"]);
    let mobile = Limits {
        mobile_triangles: 100,
        mobile_texture: 16,
        ..Limits::default()
    };
    let m = check(&bytes, &mobile).unwrap();
    let warnings: Vec<&str> = m.report.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(warnings[0], "over_mobile_budget");
    assert_eq!(warnings.len(), 1 + 4, "one per texture: {warnings:?}");
    // A 12 m scan in millimetres is 12 000 units across: accepted, with the question asked.
    let mm = broken(|j, _| j["nodes"][0]["scale"] = json!([1000.0, 1000.0, 1000.0]));
    let m = check(&mm, &Limits::default()).unwrap();
    assert_eq!(m.report.warnings[0].code, "units_millimetres");
    assert!(
        m.report.warnings[0].message.en.contains("12.00 m"),
        "{:?}",
        m.report.warnings[0]
    );
}

#[test]
fn zip_tricks_are_refused_by_name() {
    let scan = small();
    let gltf = serde_json::to_vec(&scan.json).unwrap();
    let mut files = vec![
        ("scan.gltf".to_owned(), gltf.clone()),
        ("scan.bin".to_owned(), scan.bin.clone()),
    ];
    for (n, t) in scan.textures.iter().enumerate() {
        files.push((format!("textures/tile_{n}.jpg"), t.clone()));
    }
    assert!(check(&zip(&files), &Limits::default()).is_ok());
    let with = |extra: (&str, Vec<u8>)| {
        let mut f = files.clone();
        f.push((extra.0.to_owned(), extra.1));
        zip(&f)
    };
    assert_eq!(codes(&with(("../evil.sh", b"x".to_vec()))), ["zip_path"]);
    assert_eq!(codes(&with(("/etc/cron.d/x", b"x".to_vec()))), ["zip_path"]);
    assert_eq!(codes(&with(("a\\..\\b", b"x".to_vec()))), ["zip_path"]);
    assert_eq!(codes(&with(("SCAN.BIN", b"x".to_vec()))), ["zip_duplicate"]);
    assert_eq!(
        codes(&with(("other.gltf", gltf.clone()))),
        ["zip_many_gltf"]
    );
    assert_eq!(codes(&zip(&files[1..])), ["zip_no_gltf"]);
    assert_eq!(codes(&zip(&files[..1])), ["missing_file"]);
    // A zip bomb: 64 MB of zeros packs into a few kB; the cap is a setting.
    let bomb = with(("padding.bin", vec![0u8; 64 << 20]));
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let limits = Limits {
        max_unpacked: 16 << 20,
        ..Limits::default()
    };
    assert_eq!(refused(&bomb, &limits), ["zip_too_large"]);
    let many: Vec<(String, Vec<u8>)> = (0..30).map(|i| (format!("f{i}"), vec![])).collect();
    let limits = Limits {
        max_entries: 20,
        ..Limits::default()
    };
    assert_eq!(refused(&zip(&many), &limits), ["zip_too_many_entries"]);
    let mut cut = zip(&files);
    cut.truncate(cut.len() / 2);
    assert_eq!(codes(&cut), ["zip_invalid"]);
}

#[test]
fn the_full_model_is_one_glb_recentred_and_y_up() {
    use disan_relic::derive::{Budget, derive};
    use disan_types::admin::UpAxis;
    let spec = ScanSpec {
        cells: 10,
        tiles: 2,
        texture_px: 64,
        z_up: true,
        offset: [523_411.5, 2_365_020.25, 480.0],
        ..ScanSpec::default()
    };
    let zipped = spec.generate().to_zip("model/");
    let master = check(&zipped, &Limits::default()).unwrap();
    let budget = Budget {
        texture: 32,
        ..Budget::FULL
    };
    let full = derive(&master, UpAxis::Z, budget);
    let derived = check(&full, &Limits::default()).unwrap();
    let (a, b) = (&master.report, &derived.report);
    assert_eq!(b.format, "glb");
    assert_eq!(
        (b.triangles, b.textures.len()),
        (a.triangles, a.textures.len())
    );
    assert!(
        b.center.iter().all(|c| c.abs() < 0.05),
        "recentred: {:?}",
        b.center
    );
    // Z up in the master, Y up in the full model.
    assert!(
        (b.size[0] - a.size[0]).abs() < 1e-3,
        "{:?} {:?}",
        a.size,
        b.size
    );
    assert!((b.size[1] - a.size[2]).abs() < 1e-2 && (b.size[2] - a.size[1]).abs() < 1e-2);
    // Nothing outside the file any more.
    let json_len = u32::from_le_bytes(full[12..16].try_into().unwrap()) as usize;
    let text = std::str::from_utf8(&full[20..20 + json_len]).unwrap();
    assert!(!text.contains("\"uri\""), "{text}");
}

#[test]
fn dense_scans_are_simplified_for_the_light_and_full_models() {
    use disan_relic::derive::{full_glb, light_glb};
    use disan_types::admin::UpAxis;
    let spec = ScanSpec {
        cells: 200,
        tiles: 2,
        texture_px: 512,
        ..ScanSpec::default()
    };
    let master = check(&spec.generate().to_glb(), &Limits::default()).unwrap();
    assert_eq!(master.report.triangles, 320_000);
    // More than the full model keeps, all of it within the high level's budget.
    use disan_relic::derive::{Budget, exceeds};
    assert!(exceeds(&master, Budget::FULL) && !exceeds(&master, Budget::HIGH));
    let full = full_glb(&master, UpAxis::Y);
    let full = check(&full, &Limits::default()).unwrap();
    let t = full.report.triangles;
    assert!((100_000..=150_000).contains(&t), "full: {t} triangles");
    let light_bytes = light_glb(&master, UpAxis::Y);
    assert!(
        light_bytes.len() <= 200 * 1024,
        "light: {} bytes",
        light_bytes.len()
    );
    let light = check(&light_bytes, &Limits::default()).unwrap();
    let t = light.report.triangles;
    assert!((1_000..=4_000).contains(&t), "light: {t} triangles");
    assert!(light.report.textures.iter().all(|x| x.width <= 128));
    // Textures come out as WebP (a third smaller than JPEG), which the browser decodes.
    for t in full.report.textures.iter().chain(&light.report.textures) {
        assert_eq!(t.mime, "image/webp", "{t:?}");
    }
    // The simplified surfaces keep the scan's shape: the same box, within a few centimetres.
    for (a, b) in master.report.size.iter().zip(light.report.size) {
        assert!(
            (a - b).abs() < 0.1 * a.max(1.0),
            "{:?} vs {:?}",
            master.report.size,
            light.report.size
        );
    }
}

#[test]
fn compressed_scans_are_read_as_plain_ones() {
    // The same 288-triangle scan as glTF Transform writes it with Draco, with meshopt (and
    // quantisation), and quantised only.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compressed");
    let plain = ScanSpec {
        cells: 6,
        tiles: 2,
        texture_px: 16,
        ..ScanSpec::default()
    }
    .generate()
    .to_glb();
    let reference = check(&plain, &Limits::default()).unwrap().report;
    for (file, ext) in [
        ("draco.glb", "KHR_draco_mesh_compression"),
        ("meshopt.glb", "EXT_meshopt_compression"),
        ("quantize.glb", "KHR_mesh_quantization"),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let model = check(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let r = &model.report;
        assert_eq!(r.triangles, 288, "{file}");
        assert_eq!(r.textures.len(), 4, "{file}");
        assert_eq!(
            r.extensions.first().map(String::as_str),
            Some(ext),
            "{file}"
        );
        for k in 0..3 {
            assert!(
                (r.size[k] - reference.size[k]).abs() < 0.01 * reference.size[k],
                "{file}: {:?} vs {:?}",
                r.size,
                reference.size
            );
        }
        // The derivative is quantised and meshopt-compressed (never Draco), its textures WebP,
        // and reads back as an upload of its own.
        let full = disan_relic::derive::full_glb(&model, disan_types::admin::UpAxis::Y);
        let again = check(&full, &Limits::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(again.report.triangles, 288, "{file}");
        assert_eq!(
            again.report.extensions,
            [
                "EXT_meshopt_compression",
                "KHR_mesh_quantization",
                "EXT_texture_webp"
            ],
            "{file}"
        );
        for k in 0..3 {
            assert!(
                (again.report.size[k] - reference.size[k]).abs() < 0.01 * reference.size[k],
                "{file} derivative: {:?} vs {:?}",
                again.report.size,
                reference.size
            );
        }
    }
    // A Draco stream that is cut short, and a limit on what compressed data may unpack to.
    let draco = std::fs::read(dir.join("draco.glb")).unwrap();
    let len = u32::from_le_bytes(draco[12..16].try_into().unwrap()) as usize;
    let json: Value = serde_json::from_slice(&draco[20..20 + len]).unwrap();
    let mut bin = draco[28 + len..].to_vec();
    let view = &json["bufferViews"][json["meshes"][0]["primitives"][0]["extensions"]
        ["KHR_draco_mesh_compression"]["bufferView"]
        .as_u64()
        .unwrap() as usize];
    let start = view["byteOffset"].as_u64().unwrap_or(0) as usize;
    let n = view["byteLength"].as_u64().unwrap() as usize;
    bin[start + n / 2..start + n].fill(0);
    assert!(codes(&glb(&json, &bin)).contains(&"compressed_data".to_owned()));
    let meshopt = std::fs::read(dir.join("meshopt.glb")).unwrap();
    let tight = Limits {
        max_unpacked: 1000,
        ..Limits::default()
    };
    assert!(refused(&meshopt, &tight).contains(&"compressed_data".to_owned()));
}

#[test]
fn the_poster_is_a_still_of_the_textured_model() {
    // Z-up and far from the origin, as a georeferenced scan: the poster shows it all the same.
    let scan = ScanSpec {
        cells: 30,
        tiles: 2,
        texture_px: 64,
        z_up: true,
        offset: [512_000.0, 2_360_000.0, 480.0],
        ..ScanSpec::default()
    }
    .generate();
    let model = check(&scan.to_glb(), &Limits::default()).unwrap();
    let mut steps = Vec::new();
    let d = disan_relic::derive::all(&model, disan_types::admin::UpAxis::Z, &mut |s| {
        steps.push(s.code())
    });
    assert_eq!(steps, ["full", "poster", "light", "high"]);
    let img = image::load_from_memory_with_format(&d.poster, image::ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8();
    assert_eq!((img.width(), img.height()), (800, 500));
    if let Ok(dir) = std::env::var("DISAN_SCREENSHOTS") {
        img.save(std::path::Path::new(&dir).join("poster.png"))
            .unwrap();
    }
    // The sky is blue-grey; the scan's texture is earth and grass (more red than blue).
    let (mut earth, mut sky) = (0, 0);
    for p in img.pixels() {
        let [r, _, b] = p.0.map(i32::from);
        if r > b + 20 {
            earth += 1;
        } else if b > r + 20 {
            sky += 1;
        }
    }
    let all = 800 * 500;
    assert!(
        earth > all / 5,
        "the model fills the frame: {earth} of {all}"
    );
    assert!(sky > all / 20, "with sky around it: {sky} of {all}");
    // Both derivatives come with it; the full one keeps all there is, so there is no high one.
    assert_eq!(&d.full[..4], b"glTF");
    assert_eq!(&d.light[..4], b"glTF");
    assert!(d.high.is_none());
}

#[test]
fn scans_with_more_than_the_full_model_keeps_get_a_high_level() {
    use disan_relic::derive::{Budget, exceeds};
    // One tile with a 4096² texture: the full model's is shrunk to 2048², the high one keeps it.
    let scan = ScanSpec {
        cells: 60,
        tiles: 1,
        texture_px: 4096,
        ..ScanSpec::default()
    }
    .generate();
    let model = check(&scan.to_glb(), &Limits::default()).unwrap();
    assert!(exceeds(&model, Budget::FULL) && !exceeds(&model, Budget::HIGH));
    let d = disan_relic::derive::all(&model, disan_types::admin::UpAxis::Y, &mut |_| {});
    let high = d.high.as_deref().expect("a high level");
    let sides = [&d.light_footprint, &d.full_footprint, &d.high_footprint].map(|f| f.texture_side);
    assert_eq!(sides, [128, 2048, 4096]);
    let gpu = [&d.light_footprint, &d.full_footprint, &d.high_footprint].map(|f| f.gpu_bytes);
    assert!(gpu[0] < gpu[1] && gpu[1] < gpu[2], "{gpu:?}");
    // Each footprint is the one its file tells.
    assert_eq!(disan_pack::footprint(high), Some(d.high_footprint));
    assert_eq!(disan_pack::footprint(&d.full), Some(d.full_footprint));
    assert!(d.full.len() < high.len());
    // A valid model of its own, with every triangle of the scan (within the high budget).
    let high = check(high, &Limits::default()).unwrap();
    assert_eq!(high.report.triangles, model.report.triangles);
    assert_eq!(high.report.textures[0].width, 4096);
    assert_eq!(high.report.textures[0].mime, "image/webp");
}

#[test]
fn textures_are_lossy_webp_with_their_alpha() {
    use disan_relic::derive::texture;
    let encode = |img: image::DynamicImage| {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    // An RGBA PNG whose every texel is opaque: a WebP without alpha, a fraction of the PNG.
    let opaque = image::RgbaImage::from_fn(64, 32, |x, y| {
        image::Rgba([x as u8 * 4, y as u8 * 8, 90, 255])
    });
    let png = encode(opaque.into());
    let bytes = texture(&png, 2048, false).unwrap();
    assert!(bytes.len() < png.len(), "{} vs {}", bytes.len(), png.len());
    let back = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
    assert_eq!((back.width(), back.height()), (64, 32));
    assert!(!back.color().has_alpha());
    // One transparent texel keeps the alpha; the size budget still applies.
    let mut clear = image::RgbaImage::from_pixel(256, 128, image::Rgba([200, 30, 30, 255]));
    clear.put_pixel(3, 3, image::Rgba([0, 0, 0, 0]));
    let bytes = texture(&encode(clear.into()), 128, false).unwrap();
    let back = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
    assert_eq!((back.width(), back.height()), (128, 64));
    assert!(back.color().has_alpha());
    // Data textures at a higher quality: more bytes for the same texels.
    let noisy = image::RgbImage::from_fn(128, 128, |x, y| {
        image::Rgb([
            (x * 37 % 251) as u8,
            (y * 53 % 241) as u8,
            ((x ^ y) * 7) as u8,
        ])
    });
    let png = encode(noisy.into());
    let colour = texture(&png, 2048, false).unwrap();
    let data = texture(&png, 2048, true).unwrap();
    assert!(
        data.len() > colour.len(),
        "{} vs {}",
        data.len(),
        colour.len()
    );
    // Bytes that are no image: none.
    assert!(texture(b"not an image", 128, false).is_none());
}

#[test]
fn derivatives_keep_the_material_extensions_the_checks_support() {
    use disan_relic::derive::{full_glb, light_glb};
    // Photogrammetry's usual material: unlit, its texture moved by a transform.
    let scan = broken(|json, _| {
        json["materials"][0]["extensions"] = json!({"KHR_materials_unlit": {}});
        json["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"]["extensions"] =
            json!({"KHR_texture_transform": {"offset": [0.5, 0.0], "scale": [0.5, 1.0]}});
        json["extensionsUsed"] = json!(["KHR_materials_unlit", "KHR_texture_transform"]);
    });
    let model = check(&scan, &Limits::default()).unwrap();
    for glb in [
        full_glb(&model, disan_types::admin::UpAxis::Y),
        light_glb(&model, disan_types::admin::UpAxis::Y),
    ] {
        let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
        let doc: Value = serde_json::from_slice(&glb[20..20 + json_len]).unwrap();
        let material = &doc["materials"][0];
        assert_eq!(
            material["extensions"]["KHR_materials_unlit"],
            json!({}),
            "{material}"
        );
        let transform = &material["pbrMetallicRoughness"]["baseColorTexture"]["extensions"]["KHR_texture_transform"];
        assert_eq!(transform["offset"], json!([0.5, 0.0]), "{material}");
        assert_eq!(
            doc["extensionsUsed"],
            json!([
                "KHR_materials_unlit",
                "KHR_texture_transform",
                "EXT_texture_webp",
                "EXT_meshopt_compression",
                "KHR_mesh_quantization"
            ])
        );
    }
}

#[test]
fn strips_and_fans_are_kept_as_triangle_lists() {
    use disan_relic::derive::full_glb;
    // The scan's primitives drawn as a strip and as a fan of the same corners.
    for mode in [5, 6] {
        let scan = broken(|json, _| {
            for mesh in json["meshes"].as_array_mut().unwrap() {
                for prim in mesh["primitives"].as_array_mut().unwrap() {
                    prim["mode"] = json!(mode);
                }
            }
        });
        let master = check(&scan, &Limits::default()).unwrap();
        assert!(master.report.triangles > 0);
        let full = full_glb(&master, disan_types::admin::UpAxis::Y);
        let derived = check(&full, &Limits::default()).unwrap();
        assert_eq!(
            derived.report.triangles, master.report.triangles,
            "mode {mode}: every triangle kept"
        );
        let plain = disan_pack::readable_glb(&full, 1 << 30).unwrap();
        let doc = gltf::Gltf::from_slice(&plain).unwrap();
        for prim in doc
            .meshes()
            .flat_map(|m| m.primitives().collect::<Vec<_>>())
        {
            assert_eq!(prim.mode(), gltf::mesh::Mode::Triangles);
        }
    }
}

#[test]
fn webp_textures_named_by_their_extension_are_read() {
    use disan_relic::derive::full_glb;
    // The scan's first image as a WebP that its textures name only through
    // `EXT_texture_webp` (required: no fallback image), as exporters write it.
    let scan = broken(|json, bin| {
        let mut webp = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(32, 32, image::Rgb([40, 180, 60]))
            .write_to(&mut webp, image::ImageFormat::WebP)
            .unwrap();
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        let view = json!({"buffer": 0, "byteOffset": bin.len(),
            "byteLength": webp.get_ref().len()});
        bin.extend(webp.into_inner());
        json["buffers"][0]["byteLength"] = json!(bin.len());
        let views = json["bufferViews"].as_array_mut().unwrap();
        views.push(view);
        let v = views.len() - 1;
        json["images"][0] = json!({"bufferView": v, "mimeType": "image/webp"});
        for texture in json["textures"].as_array_mut().unwrap() {
            if texture["source"] == 0 {
                texture.as_object_mut().unwrap().remove("source");
                texture["extensions"] = json!({"EXT_texture_webp": {"source": 0}});
            }
        }
        json["extensionsUsed"] = json!(["EXT_texture_webp"]);
        json["extensionsRequired"] = json!(["EXT_texture_webp"]);
    });
    let master = check(&scan, &Limits::default()).unwrap();
    assert!(
        master
            .report
            .extensions
            .contains(&"EXT_texture_webp".to_owned()),
        "{:?}",
        master.report.extensions
    );
    assert!(
        master
            .report
            .textures
            .iter()
            .any(|t| t.mime == "image/webp")
    );
    // The derivative names its WebP textures the same way; read plain, they decode.
    let full = full_glb(&master, disan_types::admin::UpAxis::Y);
    let plain = disan_pack::readable_glb(&full, 1 << 30).unwrap();
    let doc = gltf::Gltf::from_slice(&plain).unwrap();
    let blob = doc.blob.as_deref().unwrap();
    assert!(doc.textures().count() > 0);
    for texture in doc.textures() {
        let gltf::image::Source::View { view, mime_type } = texture.source().source() else {
            panic!("an image outside the file");
        };
        assert_eq!(mime_type, "image/webp");
        let bytes = &blob[view.offset()..view.offset() + view.length()];
        image::load_from_memory_with_format(bytes, image::ImageFormat::WebP).unwrap();
    }
}
