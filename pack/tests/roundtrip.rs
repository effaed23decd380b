//! A plain GLB through `compress` and back through `plain_glb`: the same triangles, positions
//! within half a grid step, normals, texture coordinates and colours within their precision.

use std::collections::{BTreeSet, HashMap};

use disan_pack::{MESHOPT, QUANTIZATION, compress, glb, plain_glb, split};
use serde_json::{Value, json};

/// A grid of `n` × `n` vertices, 1 m apart, offset far from the origin, with normals, two
/// repeats of UVs per metre (so they reach well past 1), and colours; plus an image view.
fn grid(n: u32, offset: [f32; 3]) -> (Vec<u8>, Vec<[f32; 3]>, Vec<[u32; 3]>) {
    let mut positions = Vec::new();
    let mut bin = Vec::new();
    for y in 0..n {
        for x in 0..n {
            let h = ((x as f32) * 0.3).sin() * 2.0;
            positions.push([offset[0] + x as f32, offset[1] + h, offset[2] + y as f32]);
        }
    }
    let normals: Vec<[f32; 3]> = (0..positions.len())
        .map(|i| {
            let a = i as f32 * 0.01;
            [a.sin() * 0.6, 0.8, a.cos() * 0.6]
        })
        .collect();
    let uvs: Vec<[f32; 2]> = positions
        .iter()
        .map(|p| [(p[0] - offset[0]) * 2.0, (p[2] - offset[2]) * 2.0])
        .collect();
    let colors: Vec<[f32; 4]> = (0..positions.len())
        .map(|i| [(i % 256) as f32 / 255.0, 0.5, 1.0, 1.0])
        .collect();
    let mut triangles = Vec::new();
    for y in 0..n - 1 {
        for x in 0..n - 1 {
            let i = y * n + x;
            triangles.push([i, i + 1, i + n]);
            triangles.push([i + 1, i + n + 1, i + n]);
        }
    }
    let mut views = Vec::new();
    let mut add = |bytes: Vec<u8>, bin: &mut Vec<u8>| {
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()}));
        bin.extend(bytes);
        views.len() - 1
    };
    let f = |v: &[f32]| -> Vec<u8> { v.iter().flat_map(|f| f.to_le_bytes()).collect() };
    let pv = add(f(positions.as_flattened()), &mut bin);
    let nv = add(f(normals.as_flattened()), &mut bin);
    let uv = add(f(uvs.as_flattened()), &mut bin);
    let cv = add(f(colors.as_flattened()), &mut bin);
    let iv = add(
        triangles
            .as_flattened()
            .iter()
            .flat_map(|i| i.to_le_bytes())
            .collect(),
        &mut bin,
    );
    let image = add(b"\x89PNG not decoded here".to_vec(), &mut bin);
    let count = positions.len();
    let doc = json!({
        "asset": {"version": "2.0"},
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"name": "top", "children": [1, 2]}, {"name": "ground", "mesh": 0},
            {"name": "anchor:x", "translation": [1.0, 2.0, 3.0]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1,
            "TEXCOORD_0": 2, "COLOR_0": 3}, "indices": 4, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        "textures": [{"source": 0}],
        "images": [{"bufferView": image, "mimeType": "image/png"}],
        "accessors": [
            {"bufferView": pv, "componentType": 5126, "count": count, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 1]},
            {"bufferView": nv, "componentType": 5126, "count": count, "type": "VEC3"},
            {"bufferView": uv, "componentType": 5126, "count": count, "type": "VEC2"},
            {"bufferView": cv, "componentType": 5126, "count": count, "type": "VEC4"},
            {"bufferView": iv, "componentType": 5125, "count": triangles.len() * 3,
             "type": "SCALAR"},
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": bin.len()}],
    });
    (glb(&doc, &bin), positions, triangles)
}

fn floats(doc: &Value, bin: &[u8], a: usize) -> Vec<f32> {
    let acc = &doc["accessors"][a];
    let view = &doc["bufferViews"][acc["bufferView"].as_u64().unwrap() as usize];
    let start = view["byteOffset"].as_u64().unwrap_or(0) as usize;
    let len = view["byteLength"].as_u64().unwrap() as usize;
    assert_eq!(acc["componentType"], 5126, "accessor {a} is plain floats");
    bin[start..start + len]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

#[test]
fn compressed_models_decode_to_the_same_mesh() {
    // 300 × 300 = 90 000 vertices: 32-bit indices; 1,000 km from the origin.
    let offset = [1_000_000.0, 20.0, -500_000.0];
    let (plain, positions, triangles) = grid(300, offset);
    let packed = compress(&plain).expect("compresses");
    assert!(
        packed.len() * 3 < plain.len(),
        "{} bytes packed from {}",
        packed.len(),
        plain.len()
    );
    let (json, _) = split(&packed).unwrap();
    let doc: Value = serde_json::from_slice(json).unwrap();
    for key in ["extensionsUsed", "extensionsRequired"] {
        assert_eq!(doc[key], json!([MESHOPT, QUANTIZATION]), "{key}");
    }
    assert_eq!(
        doc["accessors"][0]["componentType"], 5123,
        "positions are u16"
    );
    assert_eq!(
        doc["accessors"][4]["componentType"], 5125,
        "90 000 vertices: u32"
    );
    assert_eq!(
        doc["nodes"][2]["name"], "anchor:x",
        "anchors stay where they were"
    );

    let again = plain_glb(&packed, 1 << 30).expect("decodes");
    let (json, bin) = split(&again).unwrap();
    let bin = bin.unwrap();
    let doc: Value = serde_json::from_slice(json).unwrap();
    assert!(doc.get("extensionsRequired").is_none());
    // The grid is on the mesh's node, a new child of "ground".
    let ground = &doc["nodes"][1];
    assert!(ground.get("mesh").is_none());
    let child = &doc["nodes"][ground["children"][0].as_u64().unwrap() as usize];
    assert_eq!(child["mesh"], 0);
    let t: Vec<f32> = child["translation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    let s = child["scale"][0].as_f64().unwrap() as f32;
    let prim = &doc["meshes"][0]["primitives"][0];
    let attr = |name: &str| prim["attributes"][name].as_u64().unwrap() as usize;
    let p = floats(&doc, bin, attr("POSITION"));
    let uv = floats(&doc, bin, attr("TEXCOORD_0"));
    assert_eq!(p.len(), positions.len() * 3, "every vertex kept");
    // Each decoded vertex, placed by its node, is within half a step of one original vertex.
    let mut to_original = HashMap::new();
    for (v, e) in p.chunks_exact(3).enumerate() {
        let world = [t[0] + e[0] * s, t[1] + e[1] * s, t[2] + e[2] * s];
        let x = (world[0] - offset[0]).round() as u32;
        let z = (world[2] - offset[2]).round() as u32;
        let original = (z * 300 + x) as usize;
        let o = positions[original];
        // f32 far from the origin is itself only as precise as its ulp (6 cm at 1,000 km).
        let tolerance = s * 0.5 + 0.07;
        for k in 0..3 {
            assert!(
                (world[k] - o[k]).abs() <= tolerance,
                "vertex {v} axis {k}: {} vs {}",
                world[k],
                o[k]
            );
        }
        let (u, w) = (uv[v * 2], uv[v * 2 + 1]);
        assert!(
            (u - x as f32 * 2.0).abs() <= 600.0 / 4096.0,
            "u {u} at x {x}"
        );
        assert!(
            (w - z as f32 * 2.0).abs() <= 600.0 / 4096.0,
            "v {w} at z {z}"
        );
        to_original.insert(v as u32, original as u32);
    }
    assert_eq!(to_original.len(), positions.len());
    // The same triangles, each with its winding.
    let canonical = |t: [u32; 3]| {
        let r = (0..3).min_by_key(|&k| t[k]).unwrap();
        [t[r], t[(r + 1) % 3], t[(r + 2) % 3]]
    };
    let indices = &prim["indices"].as_u64().unwrap();
    let acc = &doc["accessors"][*indices as usize];
    assert_eq!(acc["componentType"], 5125);
    let view = &doc["bufferViews"][acc["bufferView"].as_u64().unwrap() as usize];
    let start = view["byteOffset"].as_u64().unwrap() as usize;
    let got: BTreeSet<[u32; 3]> = bin[start..start + triangles.len() * 12]
        .chunks_exact(12)
        .map(|c| {
            let i = |k: usize| u32::from_le_bytes(c[k * 4..k * 4 + 4].try_into().unwrap());
            canonical([0, 1, 2].map(|k| to_original[&i(k)]))
        })
        .collect();
    let want: BTreeSet<[u32; 3]> = triangles.iter().map(|&t| canonical(t)).collect();
    assert_eq!(got, want);
    // The image's bytes are untouched.
    let image = &doc["bufferViews"][doc["images"][0]["bufferView"].as_u64().unwrap() as usize];
    let start = image["byteOffset"].as_u64().unwrap() as usize;
    let png = b"\x89PNG not decoded here";
    assert_eq!(&bin[start..start + png.len()], png);
}

#[test]
fn plain_models_pass_through_and_broken_streams_are_named() {
    let (plain, _, _) = grid(4, [0.0; 3]);
    assert_eq!(&*plain_glb(&plain, 1 << 20).unwrap(), &plain[..]);
    let packed = compress(&plain).unwrap();
    // Too little room: the first compressed view is named.
    let problems = plain_glb(&packed, 10).unwrap_err();
    assert!(problems[0].why.contains("more than"), "{problems:?}");
    assert!(problems[0].at.starts_with("bufferViews["), "{problems:?}");
    // A stream cut short is a problem, not a panic.
    let (json, bin) = split(&packed).unwrap();
    let mut doc: Value = serde_json::from_slice(json).unwrap();
    let bin = bin.unwrap().to_vec();
    let views = doc["bufferViews"].as_array_mut().unwrap();
    let ext = &mut views.last_mut().unwrap()["extensions"][MESHOPT];
    ext["byteLength"] = json!(3);
    let broken = glb(&doc, &bin);
    let problems = plain_glb(&broken, 1 << 20).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].ext, MESHOPT);
}
