//! Writing a model (named parts, each a mesh with a PBR material) as a binary glTF 2.0 file.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::mesh::Mesh;
use crate::texture::{self, Texture};

/// A metallic-roughness material with a flat colour.
#[derive(Clone, Debug)]
pub struct Material {
    pub name: &'static str,
    /// Linear RGBA.
    pub color: [f32; 4],
    pub metallic: f32,
    pub roughness: f32,
    /// A detail texture the colour tints (full models only).
    pub texture: Option<Texture>,
}

/// A named piece of a model with one material.
#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    pub mesh: Mesh,
    pub material: Material,
}

/// A named point of interest on a model: what hotspots and tour stops refer to. Written as an
/// empty node named `anchor:<name>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Anchor {
    pub name: String,
    pub position: [f32; 3],
}

/// The prefix of anchor node names in the GLB.
pub const ANCHOR_PREFIX: &str = "anchor:";

/// How detailed a model is: the light one is what a phone on a slow link sees first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    #[default]
    Full,
    /// Coarser terrain and no trees.
    Light,
}

/// A whole site model.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub name: String,
    pub detail: Detail,
    pub parts: Vec<Part>,
    pub anchors: Vec<Anchor>,
}

const ARRAY_BUFFER: u32 = 34962;
const ELEMENT_ARRAY_BUFFER: u32 = 34963;
const FLOAT: u32 = 5126;
const UNSIGNED_SHORT: u32 = 5123;
const UNSIGNED_INT: u32 = 5125;

impl Model {
    pub fn new(name: &str, detail: Detail) -> Model {
        Model {
            name: name.to_owned(),
            detail,
            parts: Vec::new(),
            anchors: Vec::new(),
        }
    }

    /// Terrain resolution for this level of detail.
    pub fn cells(&self, full: u32) -> u32 {
        match self.detail {
            Detail::Full => full,
            Detail::Light => (full / 3).max(8),
        }
    }

    /// Names a point of interest.
    pub fn anchor(&mut self, name: &str, position: [f32; 3]) {
        self.anchors.push(Anchor {
            name: name.to_owned(),
            position,
        });
    }

    /// Adds `mesh` moved by `offset` to the part named `name`, creating it if needed.
    /// Trees are left out of light models.
    pub fn add(&mut self, name: &str, material: &Material, mesh: &Mesh, offset: [f32; 3]) {
        if self.detail == Detail::Light && name.starts_with("trees") {
            return;
        }
        match self.parts.iter_mut().find(|p| p.name == name) {
            Some(part) => part.mesh.merge(mesh, offset),
            None => {
                let mut m = Mesh::default();
                m.merge(mesh, offset);
                self.parts.push(Part {
                    name: name.to_owned(),
                    mesh: m,
                    material: material.clone(),
                });
            }
        }
    }

    pub fn triangles(&self) -> usize {
        self.parts.iter().map(|p| p.mesh.triangles()).sum()
    }

    /// The GLB bytes: a JSON chunk and one binary buffer, deterministic for the same model.
    pub fn to_glb(&self) -> Vec<u8> {
        let mut bin: Vec<u8> = Vec::new();
        let mut views: Vec<Value> = Vec::new();
        let mut accessors: Vec<Value> = Vec::new();
        let mut meshes = Vec::new();
        let mut materials = Vec::new();
        let mut nodes = Vec::new();

        let mut textures: BTreeMap<Texture, usize> = BTreeMap::new();
        let mut push_view = |bin: &mut Vec<u8>, bytes: &[u8], target: Option<u32>| -> usize {
            while !bin.len().is_multiple_of(4) {
                bin.push(0);
            }
            let mut view = json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()});
            if let Some(target) = target {
                view["target"] = json!(target);
            }
            views.push(view);
            bin.extend_from_slice(bytes);
            views.len() - 1
        };

        for (i, part) in self.parts.iter().enumerate() {
            let m = &part.mesh;
            let floats = |v: &[[f32; 3]]| -> Vec<u8> {
                v.iter().flatten().flat_map(|f| f.to_le_bytes()).collect()
            };
            let (min, max) = m.bounds();
            let pos_view = push_view(&mut bin, &floats(&m.positions), Some(ARRAY_BUFFER));
            accessors.push(json!({
                "bufferView": pos_view, "componentType": FLOAT, "count": m.positions.len(),
                "type": "VEC3", "min": min, "max": max
            }));
            let pos = accessors.len() - 1;
            let norm_view = push_view(&mut bin, &floats(&m.normals), Some(ARRAY_BUFFER));
            accessors.push(json!({
                "bufferView": norm_view, "componentType": FLOAT, "count": m.normals.len(),
                "type": "VEC3"
            }));
            let norm = accessors.len() - 1;
            let (index_bytes, component): (Vec<u8>, u32) = if m.positions.len() <= 65535 {
                let b = m
                    .indices
                    .iter()
                    .flat_map(|&i| (i as u16).to_le_bytes())
                    .collect();
                (b, UNSIGNED_SHORT)
            } else {
                let b = m.indices.iter().flat_map(|&i| i.to_le_bytes()).collect();
                (b, UNSIGNED_INT)
            };
            let idx_view = push_view(&mut bin, &index_bytes, Some(ELEMENT_ARRAY_BUFFER));
            accessors.push(json!({
                "bufferView": idx_view, "componentType": component, "count": m.indices.len(),
                "type": "SCALAR"
            }));
            let idx = accessors.len() - 1;

            let mut material = json!({
                "name": part.material.name,
                "pbrMetallicRoughness": {
                    "baseColorFactor": part.material.color,
                    "metallicFactor": part.material.metallic,
                    "roughnessFactor": part.material.roughness,
                }
            });
            let mut attributes = json!({"POSITION": pos, "NORMAL": norm});
            let texture = part
                .material
                .texture
                .filter(|_| self.detail == Detail::Full);
            if let Some(t) = texture {
                let uvs = planar_uvs(m, texture::repeat_m(t));
                let bytes: Vec<u8> = uvs.iter().flatten().flat_map(|f| f.to_le_bytes()).collect();
                let uv_view = push_view(&mut bin, &bytes, Some(ARRAY_BUFFER));
                accessors.push(json!({
                    "bufferView": uv_view, "componentType": FLOAT, "count": uvs.len(),
                    "type": "VEC2"
                }));
                attributes["TEXCOORD_0"] = json!(accessors.len() - 1);
                let next = textures.len();
                let index = *textures.entry(t).or_insert(next);
                material["pbrMetallicRoughness"]["baseColorTexture"] = json!({"index": index});
            }
            materials.push(material);
            meshes.push(json!({
                "name": part.name,
                "primitives": [{
                    "attributes": attributes,
                    "indices": idx, "material": i, "mode": 4
                }]
            }));
            nodes.push(json!({"name": part.name, "mesh": i}));
        }
        // Embedded PNGs, in the order their indices were given out.
        let mut by_index: Vec<(usize, Texture)> = textures.iter().map(|(t, i)| (*i, *t)).collect();
        by_index.sort();
        let mut images = Vec::new();
        for (_, t) in &by_index {
            let view = push_view(&mut bin, &texture::png(*t), None);
            images.push(json!({"bufferView": view, "mimeType": "image/png"}));
        }
        let gltf_textures: Vec<Value> = (0..images.len())
            .map(|i| json!({"source": i, "sampler": 0}))
            .collect();
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        for anchor in &self.anchors {
            nodes.push(json!({
                "name": format!("{ANCHOR_PREFIX}{}", anchor.name),
                "translation": anchor.position,
            }));
        }
        let children: Vec<usize> = (0..nodes.len()).collect();
        nodes.push(json!({"name": self.name, "children": children}));
        let root = nodes.len() - 1;

        let mut doc = json!({
            "asset": {"version": "2.0", "generator": "disan-assetgen"},
            "scene": 0,
            "scenes": [{"name": self.name, "nodes": [root]}],
            "nodes": nodes,
            "meshes": meshes,
            "materials": materials,
            "accessors": accessors,
            "bufferViews": views,
            "buffers": [{"byteLength": bin.len()}],
        });
        if !images.is_empty() {
            doc["images"] = json!(images);
            doc["textures"] = json!(gltf_textures);
            // Linear filtering with mipmaps, repeating.
            doc["samplers"] =
                json!([{"magFilter": 9729, "minFilter": 9987, "wrapS": 10497, "wrapT": 10497}]);
        }
        let mut json_bytes = serde_json::to_vec(&doc).expect("a JSON value always serialises");
        while !json_bytes.len().is_multiple_of(4) {
            json_bytes.push(b' ');
        }

        let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(b"glTF");
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(json_bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(b"JSON");
        out.extend_from_slice(&json_bytes);
        out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        out.extend_from_slice(&bin);
        out
    }
}

/// Texture coordinates by planar projection along each vertex's main normal axis, one texture
/// every `repeat` metres: enough for terrain, walls and roofs without per-shape unwrapping.
fn planar_uvs(m: &Mesh, repeat: f32) -> Vec<[f32; 2]> {
    m.positions
        .iter()
        .zip(&m.normals)
        .map(|(p, n)| {
            let (ax, ay, az) = (n[0].abs(), n[1].abs(), n[2].abs());
            let (u, v) = if ay >= ax && ay >= az {
                (p[0], p[2])
            } else if ax >= az {
                (p[2], p[1])
            } else {
                (p[0], p[1])
            };
            [u / repeat, v / repeat]
        })
        .collect()
}
