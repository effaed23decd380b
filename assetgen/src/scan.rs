//! Scan-like test models, as photogrammetry contractors deliver them: a dense terrain-like
//! mesh cut into several primitives (one material and JPEG texture each), 32-bit indices,
//! UVs and normals; optionally Z-up, or georeferenced (placed far from the origin by its
//! node, as exporters of projected coordinates do). Written as a GLB, or as a zip of a
//! `.gltf` with its `.bin` and `.jpg` files.

use std::io::{Cursor, Write};

use serde_json::{Value, json};

use crate::mesh::{Mesh, noise};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanSpec {
    /// Grid cells along each side of one tile (two triangles each).
    pub cells: u32,
    /// Tiles along each side: `tiles²` primitives.
    pub tiles: u32,
    /// Side of each tile's JPEG texture, in pixels.
    pub texture_px: u32,
    /// Width of the whole scan, metres.
    pub size_m: f32,
    /// Z up instead of glTF's Y up.
    pub z_up: bool,
    /// Where the scan's node puts it (e.g. UTM metres), or the origin.
    pub offset: [f64; 3],
    pub seed: u32,
}

impl Default for ScanSpec {
    fn default() -> ScanSpec {
        ScanSpec {
            cells: 40,
            tiles: 2,
            texture_px: 256,
            size_m: 12.0,
            z_up: false,
            offset: [0.0; 3],
            seed: 7,
        }
    }
}

/// A generated scan: its glTF JSON (buffers and images by URI: `scan.bin`,
/// `textures/tile_N.jpg`), the buffer, and the JPEG textures.
#[derive(Clone, Debug)]
pub struct Scan {
    pub json: Value,
    pub bin: Vec<u8>,
    pub textures: Vec<Vec<u8>>,
}

impl ScanSpec {
    pub fn triangles(&self) -> u64 {
        u64::from(self.cells * self.cells * 2 * self.tiles * self.tiles)
    }

    pub fn generate(&self) -> Scan {
        let mut bin = Vec::new();
        let mut views = Vec::new();
        let mut accessors = Vec::new();
        let mut meshes = Vec::new();
        let mut materials = Vec::new();
        let mut textures = Vec::new();
        let mut images = Vec::new();
        let mut jpegs = Vec::new();
        let tile = self.size_m / self.tiles as f32;
        let mut push = |bin: &mut Vec<u8>, bytes: &[u8], target: Option<u32>| {
            while !bin.len().is_multiple_of(4) {
                bin.push(0);
            }
            let mut v = json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()});
            if let Some(t) = target {
                v["target"] = json!(t);
            }
            bin.extend_from_slice(bytes);
            views.push(v);
            views.len() - 1
        };
        let seed = self.seed;
        let relief = |x: f32, z: f32| {
            1.5 * noise(x / 3.0, z / 3.0, seed) + 0.2 * noise(x * 1.7, z * 1.7, seed + 1)
        };
        for tj in 0..self.tiles {
            for ti in 0..self.tiles {
                let n = (tj * self.tiles + ti) as usize;
                let ox = -self.size_m / 2.0 + tile * (ti as f32 + 0.5);
                let oz = -self.size_m / 2.0 + tile * (tj as f32 + 0.5);
                let mut m = Mesh::terrain(tile, self.cells, |x, z| relief(x + ox, z + oz));
                for p in &mut m.positions {
                    p[0] += ox;
                    p[2] += oz;
                }
                let uvs: Vec<[f32; 2]> = m
                    .positions
                    .iter()
                    .map(|p| [(p[0] - ox) / tile + 0.5, (p[2] - oz) / tile + 0.5])
                    .collect();
                if self.z_up {
                    for v in m.positions.iter_mut().chain(m.normals.iter_mut()) {
                        *v = [v[0], -v[2], v[1]];
                    }
                }
                let (min, max) = m.bounds();
                let f3 = |v: &[[f32; 3]]| -> Vec<u8> {
                    v.iter().flatten().flat_map(|f| f.to_le_bytes()).collect()
                };
                let pos = push(&mut bin, &f3(&m.positions), Some(34962));
                let nor = push(&mut bin, &f3(&m.normals), Some(34962));
                let uv_bytes: Vec<u8> =
                    uvs.iter().flatten().flat_map(|f| f.to_le_bytes()).collect();
                let uv = push(&mut bin, &uv_bytes, Some(34962));
                let idx_bytes: Vec<u8> = m.indices.iter().flat_map(|i| i.to_le_bytes()).collect();
                let idx = push(&mut bin, &idx_bytes, Some(34963));
                let a = accessors.len();
                let count = m.positions.len();
                accessors.push(json!({"bufferView": pos, "componentType": 5126, "count": count, "type": "VEC3", "min": min, "max": max}));
                accessors.push(json!({"bufferView": nor, "componentType": 5126, "count": count, "type": "VEC3"}));
                accessors.push(json!({"bufferView": uv, "componentType": 5126, "count": count, "type": "VEC2"}));
                accessors.push(json!({"bufferView": idx, "componentType": 5125, "count": m.indices.len(), "type": "SCALAR"}));
                meshes.push(json!({"name": format!("tile_{n}"), "primitives": [{
                    "attributes": {"POSITION": a, "NORMAL": a + 1, "TEXCOORD_0": a + 2},
                    "indices": a + 3, "material": n}]}));
                materials.push(json!({"name": format!("tile_{n}"), "pbrMetallicRoughness": {
                    "baseColorTexture": {"index": n}, "metallicFactor": 0.0, "roughnessFactor": 0.9}}));
                textures.push(json!({"source": n}));
                images.push(
                    json!({"uri": format!("textures/tile_{n}.jpg"), "name": format!("tile_{n}")}),
                );
                jpegs.push(self.texture(ox, oz, tile));
            }
        }
        // Node 0 is the scan (placed by `offset`); one node per tile under it.
        let mut root = json!({"name": "scan", "children": (1..=meshes.len()).collect::<Vec<_>>()});
        if self.offset != [0.0; 3] {
            root["translation"] = json!(self.offset);
        }
        let mut all_nodes = vec![root];
        all_nodes
            .extend((0..meshes.len()).map(|m| json!({"mesh": m, "name": format!("tile_{m}")})));
        let json = json!({
            "asset": {"version": "2.0", "generator": "disan-assetgen scan"},
            "scene": 0,
            "scenes": [{"nodes": [0]}],
            "nodes": all_nodes,
            "meshes": meshes,
            "materials": materials,
            "textures": textures,
            "images": images,
            "accessors": accessors,
            "bufferViews": views,
            "buffers": [{"uri": "scan.bin", "byteLength": bin.len()}],
        });
        Scan {
            json,
            bin,
            textures: jpegs,
        }
    }

    /// A tile's photo-like texture: earth and grass colours from the relief, as a JPEG.
    fn texture(&self, ox: f32, oz: f32, tile: f32) -> Vec<u8> {
        let px = self.texture_px;
        let img = image::RgbImage::from_fn(px, px, |i, j| {
            let x = ox + tile * (i as f32 / px as f32 - 0.5);
            let z = oz + tile * (j as f32 / px as f32 - 0.5);
            let g = 0.5 + 0.5 * noise(x * 4.0, z * 4.0, self.seed + 2);
            let e = 0.5 + 0.5 * noise(x * 0.7, z * 0.7, self.seed + 3);
            let c = |a: f32, b: f32| (a * (1.0 - e) + b * e) * (0.7 + 0.3 * g);
            image::Rgb([
                c(96.0, 150.0) as u8,
                c(128.0, 110.0) as u8,
                c(60.0, 80.0) as u8,
            ])
        });
        let mut out = Cursor::new(Vec::new());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .expect("JPEG encoding in memory");
        out.into_inner()
    }
}

impl Scan {
    /// The scan as one GLB: the textures go into the binary chunk.
    pub fn to_glb(&self) -> Vec<u8> {
        let mut json = self.json.clone();
        let mut bin = self.bin.clone();
        let mut views = json["bufferViews"].as_array().cloned().unwrap_or_default();
        for (n, jpeg) in self.textures.iter().enumerate() {
            while !bin.len().is_multiple_of(4) {
                bin.push(0);
            }
            views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": jpeg.len()}));
            bin.extend_from_slice(jpeg);
            json["images"][n] = json!({"bufferView": views.len() - 1, "mimeType": "image/jpeg",
                "name": format!("tile_{n}")});
        }
        json["bufferViews"] = Value::Array(views);
        json["buffers"] = json!([{"byteLength": bin.len()}]);
        glb(&json, &bin)
    }

    /// The scan as a zip: `scan.gltf`, `scan.bin`, `textures/tile_N.jpg`, under `folder`.
    pub fn to_zip(&self, folder: &str) -> Vec<u8> {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (
                format!("{folder}scan.gltf"),
                serde_json::to_vec_pretty(&self.json).expect("JSON"),
            ),
            (format!("{folder}scan.bin"), self.bin.clone()),
        ];
        for (n, jpeg) in self.textures.iter().enumerate() {
            files.push((format!("{folder}textures/tile_{n}.jpg"), jpeg.clone()));
        }
        zip(&files)
    }
}

/// A GLB of a JSON document and a binary chunk (padded as the format says).
pub fn glb(json: &Value, bin: &[u8]) -> Vec<u8> {
    disan_pack::glb(json, bin)
}

/// A zip (deflated) of `(name, bytes)` entries, names as given (even unsafe ones: for tests).
pub fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(files.iter().any(|f| f.1.len() > u32::MAX as usize / 2));
    for (name, bytes) in files {
        out.start_file(name.as_str(), options).expect("zip entry");
        out.write_all(bytes).expect("zip write");
    }
    out.finish().expect("zip").into_inner()
}
