//! The shipped models: generated deterministically, committed up to date, valid glTF that the
//! server lists for each site.

use disan_assetgen::Detail;
use disan_tests::repo_root;

#[test]
fn committed_models_match_the_generator() {
    let assets = repo_root().join("assets");
    let all = [Detail::Full, Detail::Light]
        .into_iter()
        .flat_map(disan_assetgen::models);
    for (slug, model) in all {
        let path = assets.join(disan_assetgen::model_path(slug, model.detail));
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask assets`)", path.display()));
        assert!(
            committed == model.to_glb(),
            "{} is out of date: run `cargo xtask assets`",
            path.display()
        );
    }
}

#[test]
fn models_are_well_formed_gltf() {
    let all = [Detail::Full, Detail::Light]
        .into_iter()
        .flat_map(disan_assetgen::models);
    for (slug, model) in all {
        // Shipped quantised and meshopt-compressed; read as the viewer reads it.
        let shipped = model.to_glb();
        let glb =
            disan_pack::plain_glb(&shipped, 1 << 30).unwrap_or_else(|e| panic!("{slug}: {e:?}"));
        let gltf = gltf::Gltf::from_slice(&glb).unwrap_or_else(|e| panic!("{slug}: {e}"));
        let blob = gltf.blob.as_deref().expect("GLB has a binary chunk");
        assert_eq!(gltf.scenes().count(), 1, "{slug}");
        let mut triangles = 0;
        for mesh in gltf.meshes() {
            for prim in mesh.primitives() {
                assert_eq!(prim.mode(), gltf::mesh::Mode::Triangles);
                let reader = prim.reader(|_| Some(blob));
                let positions: Vec<[f32; 3]> =
                    reader.read_positions().expect("positions").collect();
                let normals: Vec<[f32; 3]> = reader.read_normals().expect("normals").collect();
                assert_eq!(positions.len(), normals.len(), "{slug}");
                let indices: Vec<u32> =
                    reader.read_indices().expect("indices").into_u32().collect();
                assert_eq!(indices.len() % 3, 0);
                assert!(
                    indices.iter().all(|&i| (i as usize) < positions.len()),
                    "{slug}"
                );
                triangles += indices.len() / 3;
                let bb = prim.bounding_box();
                for p in &positions {
                    let inside = (0..3).all(|k| p[k] >= bb.min[k] && p[k] <= bb.max[k]);
                    assert!(inside, "{slug}: accessor min/max");
                }
                assert!(prim.material().index().is_some(), "{slug}: material");
            }
        }
        assert_eq!(triangles, model.triangles(), "{slug}");
        let anchors: Vec<_> = gltf
            .nodes()
            .filter_map(|n| {
                n.name()
                    .and_then(|n| n.strip_prefix("anchor:"))
                    .map(str::to_owned)
            })
            .collect();
        assert!(anchors.len() >= 3, "{slug}: anchors {anchors:?}");
        // Budgets: full ≤ 1.5 MB and ≤ 150 k triangles; light (first view) ≤ 200 kB.
        let (max_bytes, min_triangles) = match model.detail {
            Detail::Full => (1_500_000, 1_000),
            Detail::Light => (200_000, 500),
        };
        assert!(
            triangles >= min_triangles,
            "{slug} is too plain to be recognisable: {triangles}"
        );
        assert!(
            triangles <= 150_000,
            "{slug}: {triangles} triangles over budget"
        );
        assert!(
            shipped.len() <= max_bytes,
            "{slug} {:?}: {} bytes over budget",
            model.detail,
            shipped.len()
        );
    }
}

#[test]
fn every_generated_model_belongs_to_a_site() {
    let content = repo_root().join("content/sites");
    for (slug, _) in disan_assetgen::models(Detail::Full) {
        let file = content.join(format!("{slug}.toml"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for detail in [Detail::Full, Detail::Light] {
            let path = disan_assetgen::model_path(slug, detail);
            assert!(
                text.contains(&format!("path = \"{}\"", path.display())),
                "{} does not use {}",
                file.display(),
                path.display()
            );
        }
    }
}

/// Every shipped GLB passes the Khronos glTF Validator (npm `gltf-validator`, run by Node)
/// with no errors and no warnings; so does each one decoded (the validator does not read
/// meshopt's streams, so the decoded copy is where it checks the geometry the viewer gets).
#[test]
fn khronos_validator_accepts_every_model() {
    let root = repo_root();
    let tool = root.join("tests/gltf-validator");
    assert!(
        tool.join("node_modules/gltf-validator").is_dir(),
        "the glTF Validator is not installed: run `npm ci` in {} (`cargo xtask test` does)",
        tool.display()
    );
    let mut files: Vec<_> = std::fs::read_dir(root.join("assets/models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "glb"))
        .collect();
    files.sort();
    assert!(files.len() >= 28, "{files:?}");
    let decoded = tempfile::tempdir().unwrap();
    for f in files.clone() {
        let bytes = std::fs::read(&f).unwrap();
        let plain = disan_pack::plain_glb(&bytes, 1 << 30).unwrap();
        assert!(plain.len() > bytes.len(), "{} is compressed", f.display());
        let to = decoded.path().join(f.file_name().unwrap());
        std::fs::write(&to, &*plain).unwrap();
        files.push(to);
    }
    let out = std::process::Command::new("node")
        .arg(tool.join("validate.mjs"))
        .args(&files)
        .output()
        .expect("node runs the glTF Validator");
    assert!(
        out.status.success(),
        "validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), files.len());
    for r in reports {
        assert_eq!(r["errors"], 0, "{r}");
        assert_eq!(r["warnings"], 0, "{r}");
    }
}

/// The 2D tour's stills are rendered from the models at the tour poses, committed up to date,
/// and are real pictures (not blank).
#[test]
fn two_d_tour_images_are_up_to_date_and_show_the_model() {
    let root = repo_root();
    let catalog = disan_catalog::Catalog::load(&root.join("content"), &root.join("assets"))
        .unwrap_or_else(|e| panic!("{e}"));
    for (slug, model) in disan_assetgen::models(Detail::Full) {
        let site = catalog.get(slug).expect("a site per model");
        for (i, stop) in site.tour.iter().enumerate() {
            let pose = disan_assetgen::render::Pose {
                target: stop.pose.target,
                yaw: stop.pose.yaw,
                pitch: stop.pose.pitch,
                distance: stop.pose.distance,
            };
            // The JPEG the stop names, and its half-width and WebP forms for `srcset`.
            let jpeg = disan_types::rules::tour_image_path(slug, i + 1);
            for fresh in disan_assetgen::tour_pictures(&model, pose).unwrap() {
                let path = root.join("assets").join(disan_types::picture::variant(
                    &jpeg,
                    fresh.size,
                    fresh.format,
                ));
                let committed = std::fs::read(&path).unwrap_or_else(|e| {
                    panic!("{}: {e} (run `cargo xtask assets`)", path.display())
                });
                assert!(
                    committed == fresh.bytes,
                    "{} is out of date: run `cargo xtask assets`",
                    path.display()
                );
                assert!(
                    committed.len() <= 80_000,
                    "{}: {} bytes",
                    path.display(),
                    committed.len()
                );
            }
            let image = disan_assetgen::render::render(&model, pose, 160, 100);
            let mut colours = std::collections::HashSet::new();
            for px in image.rgb.chunks_exact(3) {
                colours.insert([px[0] >> 3, px[1] >> 3, px[2] >> 3]);
            }
            assert!(
                colours.len() > 30,
                "{slug} stop {}: only {} colours",
                i + 1,
                colours.len()
            );
        }
    }
}

/// The content checks read a model's facts from its bytes: the same anchors, triangles and
/// bounds as the generator made.
#[test]
fn model_facts_read_from_bytes_match_the_generator() {
    let all = [Detail::Full, Detail::Light]
        .into_iter()
        .flat_map(disan_assetgen::models);
    for (slug, model) in all {
        let facts = disan_catalog::ModelFacts::read(&model.to_glb())
            .unwrap_or_else(|e| panic!("{slug}: {e}"));
        assert_eq!(facts.triangles, model.triangles() as u64, "{slug}");
        assert_eq!(facts.anchors.len(), model.anchors.len(), "{slug}");
        let [min, max] = facts.bounds.expect("a model has meshes");
        for a in &model.anchors {
            let p = facts.anchors[&a.name];
            for axis in 0..3 {
                assert!(
                    (p[axis] - a.position[axis]).abs() < 1e-4,
                    "{slug}: {}",
                    a.name
                );
                // Anchors sit on the model, within its bounds (a little slack for points
                // placed on a surface).
                assert!(
                    p[axis] >= min[axis] - 1.0 && p[axis] <= max[axis] + 1.0,
                    "{slug}: {} outside {min:?}..{max:?}",
                    a.name
                );
            }
        }
    }
    // Bytes that are not a model are a typed error, not a panic.
    for bad in [
        &b""[..],
        b"glTF\x02\0\0\0\x0c\0\0\0",
        b"{\"asset\":{\"version\":\"2.0\"}}",
    ] {
        assert!(disan_catalog::ModelFacts::read(bad).is_err(), "{bad:?}");
    }
}
