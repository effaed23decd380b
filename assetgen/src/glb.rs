//! Writing a model (named parts, each a mesh with a PBR material) as a binary glTF 2.0 file.

use std::collections::BTreeMap;

use serde_json::json;

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

/// The prefix of anchor node names in the GLB: the one the content checks read.
pub use disan_types::rules::ANCHOR_PREFIX;

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

    /// The GLB bytes as they ship: quantised and meshopt-compressed (`disan_pack::compress`),
    /// deterministic for the same model.
    pub fn to_glb(&self) -> Vec<u8> {
        let plain = self.to_plain_glb();
        disan_pack::compress(&plain).unwrap_or(plain)
    }

    /// The GLB bytes with float attributes: a JSON chunk (built with the `gltf-json` types)
    /// and one binary buffer.
    pub fn to_plain_glb(&self) -> Vec<u8> {
        use gj::validation::{Checked::Valid, USize64};
        use gltf_json as gj;

        let mut root = gj::Root {
            asset: gj::Asset {
                version: "2.0".into(),
                generator: Some("disan-assetgen".into()),
                copyright: None,
                min_version: None,
                extensions: None,
                extras: Default::default(),
            },
            ..Default::default()
        };
        let mut bin: Vec<u8> = Vec::new();
        let mut push_view =
            |root: &mut gj::Root, bytes: &[u8], target: Option<gj::buffer::Target>| {
                while !bin.len().is_multiple_of(4) {
                    bin.push(0);
                }
                let view = root.push(gj::buffer::View {
                    buffer: gj::Index::new(0),
                    byte_length: USize64(bytes.len() as u64),
                    byte_offset: Some(USize64(bin.len() as u64)),
                    byte_stride: None,
                    name: None,
                    target: target.map(Valid),
                    extensions: None,
                    extras: Default::default(),
                });
                bin.extend_from_slice(bytes);
                view
            };
        let accessor =
            |view, count: usize, component, type_, min_max: Option<([f32; 3], [f32; 3])>| {
                gj::Accessor {
                    buffer_view: Some(view),
                    byte_offset: None,
                    count: USize64(count as u64),
                    component_type: Valid(gj::accessor::GenericComponentType(component)),
                    extensions: None,
                    extras: Default::default(),
                    type_: Valid(type_),
                    min: min_max.map(|(min, _)| json!(min)),
                    max: min_max.map(|(_, max)| json!(max)),
                    name: None,
                    normalized: false,
                    sparse: None,
                }
            };
        let floats = |v: &[[f32; 3]]| -> Vec<u8> {
            v.iter().flatten().flat_map(|f| f.to_le_bytes()).collect()
        };

        let mut textures: BTreeMap<Texture, u32> = BTreeMap::new();
        let mut mesh_nodes = Vec::new();
        for part in &self.parts {
            let m = &part.mesh;
            let view = push_view(
                &mut root,
                &floats(&m.positions),
                Some(gj::buffer::Target::ArrayBuffer),
            );
            let pos = root.push(accessor(
                view,
                m.positions.len(),
                gj::accessor::ComponentType::F32,
                gj::accessor::Type::Vec3,
                Some(m.bounds()),
            ));
            let view = push_view(
                &mut root,
                &floats(&m.normals),
                Some(gj::buffer::Target::ArrayBuffer),
            );
            let norm = root.push(accessor(
                view,
                m.normals.len(),
                gj::accessor::ComponentType::F32,
                gj::accessor::Type::Vec3,
                None,
            ));
            let (index_bytes, component): (Vec<u8>, _) = if m.positions.len() <= 65535 {
                let b = m
                    .indices
                    .iter()
                    .flat_map(|&i| (i as u16).to_le_bytes())
                    .collect();
                (b, gj::accessor::ComponentType::U16)
            } else {
                let b = m.indices.iter().flat_map(|&i| i.to_le_bytes()).collect();
                (b, gj::accessor::ComponentType::U32)
            };
            let view = push_view(
                &mut root,
                &index_bytes,
                Some(gj::buffer::Target::ElementArrayBuffer),
            );
            let idx = root.push(accessor(
                view,
                m.indices.len(),
                component,
                gj::accessor::Type::Scalar,
                None,
            ));
            let mut attributes = BTreeMap::new();
            attributes.insert(Valid(gj::mesh::Semantic::Positions), pos);
            attributes.insert(Valid(gj::mesh::Semantic::Normals), norm);
            let mut pbr = gj::material::PbrMetallicRoughness {
                base_color_factor: gj::material::PbrBaseColorFactor(part.material.color),
                metallic_factor: gj::material::StrengthFactor(part.material.metallic),
                roughness_factor: gj::material::StrengthFactor(part.material.roughness),
                ..Default::default()
            };
            let texture = part
                .material
                .texture
                .filter(|_| self.detail == Detail::Full);
            if let Some(t) = texture {
                let uvs = planar_uvs(m, texture::repeat_m(t));
                let bytes: Vec<u8> = uvs.iter().flatten().flat_map(|f| f.to_le_bytes()).collect();
                let view = push_view(&mut root, &bytes, Some(gj::buffer::Target::ArrayBuffer));
                let uv = root.push(accessor(
                    view,
                    uvs.len(),
                    gj::accessor::ComponentType::F32,
                    gj::accessor::Type::Vec2,
                    None,
                ));
                attributes.insert(Valid(gj::mesh::Semantic::TexCoords(0)), uv);
                let next = textures.len() as u32;
                let index = *textures.entry(t).or_insert(next);
                pbr.base_color_texture = Some(gj::texture::Info {
                    index: gj::Index::new(index),
                    tex_coord: 0,
                    extensions: None,
                    extras: Default::default(),
                });
            }
            let material = root.push(gj::Material {
                name: Some(part.material.name.to_owned()),
                pbr_metallic_roughness: pbr,
                ..Default::default()
            });
            let mesh = root.push(gj::Mesh {
                name: Some(part.name.clone()),
                primitives: vec![gj::mesh::Primitive {
                    attributes,
                    extensions: None,
                    extras: Default::default(),
                    indices: Some(idx),
                    material: Some(material),
                    mode: Valid(gj::mesh::Mode::Triangles),
                    targets: None,
                }],
                extensions: None,
                extras: Default::default(),
                weights: None,
            });
            mesh_nodes.push(root.push(gj::Node {
                name: Some(part.name.clone()),
                mesh: Some(mesh),
                ..Default::default()
            }));
        }
        // Embedded PNGs, in the order their indices were given out.
        let mut by_index: Vec<(u32, Texture)> = textures.iter().map(|(t, i)| (*i, *t)).collect();
        by_index.sort();
        for (_, t) in &by_index {
            let view = push_view(&mut root, &texture::png(*t), None);
            let image = root.push(gj::Image {
                buffer_view: Some(view),
                mime_type: Some(gj::image::MimeType("image/png".into())),
                name: None,
                uri: None,
                extensions: None,
                extras: Default::default(),
            });
            root.textures.push(gj::Texture {
                name: None,
                sampler: Some(gj::Index::new(0)),
                source: image,
                extensions: None,
                extras: Default::default(),
            });
        }
        if !by_index.is_empty() {
            // Linear filtering with mipmaps, repeating.
            root.samplers.push(gj::texture::Sampler {
                mag_filter: Some(Valid(gj::texture::MagFilter::Linear)),
                min_filter: Some(Valid(gj::texture::MinFilter::LinearMipmapLinear)),
                wrap_s: Valid(gj::texture::WrappingMode::Repeat),
                wrap_t: Valid(gj::texture::WrappingMode::Repeat),
                ..Default::default()
            });
        }
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        let mut children = mesh_nodes;
        for anchor in &self.anchors {
            children.push(root.push(gj::Node {
                name: Some(format!("{ANCHOR_PREFIX}{}", anchor.name)),
                translation: Some(anchor.position),
                ..Default::default()
            }));
        }
        let top = root.push(gj::Node {
            name: Some(self.name.clone()),
            children: Some(children),
            ..Default::default()
        });
        let scene = root.push(gj::Scene {
            name: Some(self.name.clone()),
            nodes: vec![top],
            extensions: None,
            extras: Default::default(),
        });
        root.scene = Some(scene);
        root.buffers.push(gj::Buffer {
            byte_length: USize64(bin.len() as u64),
            name: None,
            uri: None,
            extensions: None,
            extras: Default::default(),
        });
        // Through gltf-json's own writer, which writes each f32 in its shortest form (a
        // `serde_json::Value` made from the struct would hold them widened to f64).
        let text = gj::serialize::to_vec(&root).expect("a glTF document always serialises");
        let json = serde_json::from_slice(&text).expect("gltf-json writes JSON");
        disan_pack::glb(&json, &bin)
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
