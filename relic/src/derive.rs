//! Derivatives of an accepted model, each one self-contained GLB written anew from the model's
//! decoded data (so compressed or quantised input comes out as plain floats): the **light**
//! model for the first view (a few thousand triangles, thumbnail textures), the **full**
//! model for the viewer on a phone (at most 150 000 triangles, textures at most 2048²) and,
//! when the scan holds more, the **high** one a visitor may ask for (at most a million
//! triangles, textures at most 4096²), each simplified by meshoptimizer's simplifier
//! (`meshoptimizer-rs`, a pure-Rust port) when the scan has more, recentred on the origin and turned Y-up, then quantised and packed with
//! meshoptimizer's codec (`disan_pack::compress`). Textures are written as lossy WebP
//! (`EXT_texture_webp`, alpha kept where a texel is transparent; the browser decodes it for
//! the viewer). The master stays as uploaded.

pub use disan_pack::Footprint;
use disan_types::admin::UpAxis;
use serde_json::{Map, Value, json};

use crate::Model;
use crate::document::SUPPORTED_EXTENSIONS;

/// How much a derivative may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Most triangles in the whole model.
    pub triangles: u64,
    /// Longest texture side, in pixels.
    pub texture: u32,
}

impl Budget {
    /// The first view: on screen within a second on a weak link.
    pub const LIGHT: Budget = Budget {
        triangles: 4_000,
        texture: 128,
    };
    /// What the viewer shows on a phone.
    pub const FULL: Budget = Budget {
        triangles: 150_000,
        texture: 2048,
    };
    /// What a visitor may ask for on a computer or a strong phone: the scan's own detail, up
    /// to a million triangles and 4096² textures.
    pub const HIGH: Budget = Budget {
        triangles: 1_000_000,
        texture: 4096,
    };
}

/// One triangle primitive, decoded.
pub(crate) struct Primitive {
    pub positions: Vec<[f32; 3]>,
    pub normals: Option<Vec<[f32; 3]>>,
    pub uv0: Option<Vec<[f32; 2]>>,
    pub uv1: Option<Vec<[f32; 2]>>,
    pub colors: Option<Vec<[f32; 4]>>,
    pub indices: Vec<u32>,
    pub material: Option<usize>,
}

impl Primitive {
    fn triangles(&self) -> u64 {
        self.indices.len() as u64 / 3
    }

    /// Keeps only the vertices the indices use, in the order they are first used.
    fn compact(&mut self) {
        let mut remap = vec![u32::MAX; self.positions.len()];
        let mut order = Vec::new();
        for i in &mut self.indices {
            let slot = &mut remap[*i as usize];
            if *slot == u32::MAX {
                *slot = order.len() as u32;
                order.push(*i as usize);
            }
            *i = *slot;
        }
        fn pick<T: Copy>(v: &[T], order: &[usize]) -> Vec<T> {
            order.iter().map(|&i| v[i]).collect()
        }
        self.positions = pick(&self.positions, &order);
        self.normals = self.normals.as_deref().map(|v| pick(v, &order));
        self.uv0 = self.uv0.as_deref().map(|v| pick(v, &order));
        self.uv1 = self.uv1.as_deref().map(|v| pick(v, &order));
        self.colors = self.colors.as_deref().map(|v| pick(v, &order));
    }

    /// Simplifies to about `ratio` of its triangles (meshoptimizer's edge-collapse simplifier,
    /// keeping the mesh's look as far as the target allows).
    fn simplify(&mut self, ratio: f64, workspace: &mut meshoptimizer_rs::Workspace) {
        let target = ((self.triangles() as f64 * ratio).floor() as usize).max(1) * 3;
        if target >= self.indices.len() {
            return;
        }
        let settings = meshoptimizer_rs::SimplifySettings {
            target_index_count: target,
            target_error: 1.0,
            options: meshoptimizer_rs::SimplifyOptions::EMPTY,
        };
        let view = meshoptimizer_rs::Positions::from_packed(&self.positions);
        if let Ok(lod) = meshoptimizer_rs::simplify(&self.indices, view, settings, workspace)
            && !lod.indices.is_empty()
        {
            self.indices = lod.indices;
        }
        self.compact();
    }
}

/// Every mesh's triangle primitives, decoded (the ranges were checked before).
fn decode(model: &Model) -> Vec<Vec<Primitive>> {
    model
        .document
        .meshes()
        .map(|mesh| {
            mesh.primitives()
                .filter_map(|p| {
                    let reader = p.reader(|b| model.buffers.get(b.index()).map(Vec::as_slice));
                    let positions: Vec<[f32; 3]> = reader.read_positions()?.collect();
                    let indices = match reader.read_indices() {
                        Some(i) => i.into_u32().collect(),
                        None => (0..positions.len() as u32).collect(),
                    };
                    // Strips and fans as lists; points and lines have no surface to show.
                    let indices = disan_pack::triangle_list(p.mode().as_gl_enum(), indices)?;
                    let mut prim = Primitive {
                        normals: reader.read_normals().map(Iterator::collect),
                        uv0: reader.read_tex_coords(0).map(|t| t.into_f32().collect()),
                        uv1: reader.read_tex_coords(1).map(|t| t.into_f32().collect()),
                        colors: reader.read_colors(0).map(|c| c.into_rgba_f32().collect()),
                        material: p.material().index(),
                        positions,
                        indices,
                    };
                    let n = prim.positions.len();
                    let complete = |len: Option<usize>| len.is_none_or(|l| l == n);
                    if !complete(prim.normals.as_ref().map(Vec::len)) {
                        prim.normals = None;
                    }
                    if !complete(prim.uv0.as_ref().map(Vec::len)) {
                        prim.uv0 = None;
                    }
                    if !complete(prim.uv1.as_ref().map(Vec::len)) {
                        prim.uv1 = None;
                    }
                    if !complete(prim.colors.as_ref().map(Vec::len)) {
                        prim.colors = None;
                    }
                    prim.indices.truncate(prim.indices.len() / 3 * 3);
                    Some(prim)
                })
                .collect()
        })
        .collect()
}

/// Writes views and accessors into one buffer.
#[derive(Default)]
struct Writer {
    bin: Vec<u8>,
    views: Vec<Value>,
    accessors: Vec<Value>,
}

impl Writer {
    fn view(&mut self, bytes: &[u8], target: Option<u32>) -> usize {
        while !self.bin.len().is_multiple_of(4) {
            self.bin.push(0);
        }
        let mut v = json!({"buffer": 0, "byteOffset": self.bin.len(), "byteLength": bytes.len()});
        if let Some(t) = target {
            v["target"] = json!(t);
        }
        self.bin.extend_from_slice(bytes);
        self.views.push(v);
        self.views.len() - 1
    }

    fn floats<const N: usize>(&mut self, data: &[[f32; N]], kind: &str, bounds: bool) -> usize {
        let bytes: Vec<u8> = data
            .iter()
            .flatten()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        let view = self.view(&bytes, Some(34962));
        let mut a =
            json!({"bufferView": view, "componentType": 5126, "count": data.len(), "type": kind});
        if bounds {
            let mut min = [f32::INFINITY; N];
            let mut max = [f32::NEG_INFINITY; N];
            for v in data {
                for k in 0..N {
                    min[k] = min[k].min(v[k]);
                    max[k] = max[k].max(v[k]);
                }
            }
            a["min"] = json!(min.to_vec());
            a["max"] = json!(max.to_vec());
        }
        self.accessors.push(a);
        self.accessors.len() - 1
    }

    fn indices(&mut self, indices: &[u32], vertices: usize) -> usize {
        let (bytes, component): (Vec<u8>, u32) = if vertices <= 65_535 {
            (
                indices
                    .iter()
                    .flat_map(|&i| (i as u16).to_le_bytes())
                    .collect(),
                5123,
            )
        } else {
            (indices.iter().flat_map(|i| i.to_le_bytes()).collect(), 5125)
        };
        let view = self.view(&bytes, Some(34963));
        self.accessors
            .push(json!({"bufferView": view, "componentType": component,
            "count": indices.len(), "type": "SCALAR"}));
        self.accessors.len() - 1
    }
}

/// Every mesh's primitives, decoded and simplified to `budget`'s triangles.
pub(crate) fn meshes_within(model: &Model, budget: Budget) -> Vec<Vec<Primitive>> {
    let mut meshes = decode(model);
    let total: u64 = meshes.iter().flatten().map(Primitive::triangles).sum();
    // Triangles drawn, counting instanced meshes as often as they are drawn.
    let drawn = model.report.triangles.max(1);
    if drawn > budget.triangles && total > 0 {
        let ratio = budget.triangles as f64 / drawn as f64;
        let mut workspace = meshoptimizer_rs::Workspace::default();
        for prim in meshes.iter_mut().flatten() {
            prim.simplify(ratio, &mut workspace);
        }
    }
    meshes
}

/// Every derivative of a model version: what is stored beside the master.
#[derive(Debug, Clone)]
pub struct Derivatives {
    pub full: Vec<u8>,
    pub light: Vec<u8>,
    /// The high level, when the master holds more than the full one keeps (more triangles,
    /// larger textures).
    pub high: Option<Vec<u8>>,
    /// What each asks of the graphics device once shown (`disan_pack::footprint`).
    pub full_footprint: Footprint,
    pub light_footprint: Footprint,
    pub high_footprint: Footprint,
    /// An 800 × 500 JPEG still of the model (empty if it could not be drawn).
    pub poster: Vec<u8>,
    /// The poster's other forms: half width, WebP (`disan_types::picture::VARIANTS[1..]`).
    pub poster_variants: Vec<disan_assetgen::picture::Variant>,
}

/// Whether the master holds more than `budget` keeps: more triangles, or a texture larger.
pub fn exceeds(model: &Model, budget: Budget) -> bool {
    model.report.triangles > budget.triangles
        || (0..model.document.images().len()).any(|n| {
            disan_pack::image::size(image_bytes(model, n))
                .is_some_and(|(w, h)| w.max(h) > budget.texture)
        })
}

/// Makes every derivative, reporting each step done (out of [`STEPS`]) to `progress`.
pub fn all(model: &Model, up: UpAxis, progress: &mut dyn FnMut(Step)) -> Derivatives {
    progress(Step::Full);
    let full_meshes = meshes_within(model, Budget::FULL);
    let full = write(model, &full_meshes, up, Budget::FULL);
    progress(Step::Poster);
    let mut poster_variants = crate::poster::pictures(model, &full_meshes, up);
    let poster = match poster_variants.is_empty() {
        true => Vec::new(),
        false => poster_variants.remove(0).bytes,
    };
    drop(full_meshes);
    progress(Step::Light);
    let light = derive(model, up, Budget::LIGHT);
    progress(Step::High);
    let high = exceeds(model, Budget::FULL).then(|| derive(model, up, Budget::HIGH));
    let footprint = |glb: &[u8]| disan_pack::footprint(glb).unwrap_or_default();
    Derivatives {
        full_footprint: footprint(&full),
        light_footprint: footprint(&light),
        high_footprint: high.as_deref().map(footprint).unwrap_or_default(),
        full,
        light,
        high,
        poster,
        poster_variants,
    }
}

/// What [`all`] is making.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Full,
    Poster,
    Light,
    High,
}

/// How many steps [`all`] takes.
pub const STEPS: u32 = 4;

impl Step {
    /// Steps done before this one.
    pub fn before(self) -> u32 {
        match self {
            Step::Full => 0,
            Step::Poster => 1,
            Step::Light => 2,
            Step::High => 3,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Step::Full => "full",
            Step::Poster => "poster",
            Step::Light => "light",
            Step::High => "high",
        }
    }
}

/// A derivative as GLB bytes, within `budget`, recentred and turned Y-up.
pub fn derive(model: &Model, up: UpAxis, budget: Budget) -> Vec<u8> {
    write(model, &meshes_within(model, budget), up, budget)
}

/// The bytes of image `n` of the model (from its file or its buffer view).
pub(crate) fn image_bytes(model: &Model, n: usize) -> &[u8] {
    let json = &model.document.as_json().images[n];
    match (&model.images[n], json.buffer_view) {
        (Some((bytes, _)), _) => bytes,
        (None, Some(v)) => {
            let view = &model.document.as_json().buffer_views[v.value()];
            let data = &model.buffers[view.buffer.value()];
            let start = view.byte_offset.map_or(0, |o| o.0) as usize;
            data.get(start..start + view.byte_length.0 as usize)
                .unwrap_or_default()
        }
        (None, None) => &[],
    }
}

/// `meshes` (the model's, simplified) as a GLB, textures within `budget`.
fn write(model: &Model, meshes: &[Vec<Primitive>], up: UpAxis, budget: Budget) -> Vec<u8> {
    let source = serde_json::to_value(model.document.as_json()).unwrap_or_default();
    let mut w = Writer::default();
    let mut mesh_index = Vec::new();
    let mut out_meshes = Vec::new();
    for (m, prims) in meshes.iter().enumerate() {
        if prims.is_empty() {
            mesh_index.push(None);
            continue;
        }
        let mut out = Vec::new();
        for p in prims {
            let mut attributes = Map::new();
            attributes.insert(
                "POSITION".into(),
                json!(w.floats(&p.positions, "VEC3", true)),
            );
            if let Some(n) = &p.normals {
                attributes.insert("NORMAL".into(), json!(w.floats(n, "VEC3", false)));
            }
            if let Some(t) = &p.uv0 {
                attributes.insert("TEXCOORD_0".into(), json!(w.floats(t, "VEC2", false)));
            }
            if let Some(t) = &p.uv1 {
                attributes.insert("TEXCOORD_1".into(), json!(w.floats(t, "VEC2", false)));
            }
            if let Some(c) = &p.colors {
                attributes.insert("COLOR_0".into(), json!(w.floats(c, "VEC4", false)));
            }
            let mut prim = json!({"attributes": attributes,
                "indices": w.indices(&p.indices, p.positions.len())});
            if let Some(material) = p.material {
                prim["material"] = json!(material);
            }
            out.push(prim);
        }
        let mut mesh = json!({"primitives": out});
        if let Some(name) = source["meshes"][m].get("name") {
            mesh["name"] = name.clone();
        }
        mesh_index.push(Some(out_meshes.len()));
        out_meshes.push(mesh);
    }
    // Textures, resized to the budget, as WebP (`EXT_texture_webp`); data textures (normal,
    // occlusion, metal and roughness maps) at a higher quality than colours.
    let data = data_images(&source);
    let mut images = Vec::new();
    let mut webp = Vec::new();
    for (n, image) in model.document.images().enumerate() {
        let json = &model.document.as_json().images[n];
        let bytes = image_bytes(model, n);
        let (bytes, mime) = match texture(bytes, budget.texture, data.contains(&n)) {
            Some(encoded) => {
                webp.push(n);
                (encoded, WEBP_MIME.to_owned())
            }
            None => (
                bytes.to_vec(),
                json.mime_type
                    .as_ref()
                    .map_or(String::new(), |m| m.0.clone()),
            ),
        };
        let view = w.view(&bytes, None);
        let mut out = json!({"bufferView": view, "mimeType": mime});
        if let Some(name) = image.name() {
            out["name"] = json!(name);
        }
        images.push(out);
    }
    // Nodes as they were, without what the viewer does not use; then the new root nodes: the
    // scene moved so its centre is at the origin, then turned Y-up (in that order, so the
    // rotation never meets the large offsets of georeferenced scans).
    let mut nodes: Vec<Value> = source["nodes"].as_array().cloned().unwrap_or_default();
    for node in &mut nodes {
        if let Some(o) = node.as_object_mut() {
            for key in ["skin", "camera", "weights", "extensions", "extras"] {
                o.remove(key);
            }
            match o
                .get("mesh")
                .and_then(Value::as_u64)
                .and_then(|m| mesh_index.get(m as usize))
            {
                Some(Some(new)) => {
                    o.insert("mesh".into(), json!(new));
                }
                _ => {
                    o.remove("mesh");
                }
            }
        }
    }
    let scene = model
        .document
        .default_scene()
        .or_else(|| model.document.scenes().next());
    let roots: Vec<usize> = scene
        .map(|s| s.nodes().map(|n| n.index()).collect())
        .unwrap_or_default();
    let c = model.report.center;
    nodes.push(json!({"name": "disan:recentred", "children": roots,
        "translation": c.map(|v| -v as f32)}));
    let mut top = nodes.len() - 1;
    if up == UpAxis::Z {
        // -90° about X: (x, y, z) → (x, z, -y).
        let h = std::f32::consts::FRAC_1_SQRT_2;
        nodes.push(json!({"name": "disan:y-up", "children": [top], "rotation": [-h, 0.0, 0.0, h]}));
        top += 1;
    }
    let mut doc = json!({
        "asset": {"version": "2.0", "generator": "Disan"},
        "scene": 0,
        "scenes": [{"nodes": [top]}],
        "nodes": nodes,
        "meshes": out_meshes,
        "accessors": w.accessors,
        "bufferViews": w.views,
        "buffers": [{"byteLength": w.bin.len()}],
    });
    for key in ["materials", "textures", "samplers"] {
        if let Some(v) = source
            .get(key)
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        {
            doc[key] = v.clone();
        }
    }
    if !images.is_empty() {
        doc["images"] = json!(images);
    }
    for key in ["extensionsUsed", "extensionsRequired"] {
        let kept: Vec<Value> = source[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| {
                e.as_str()
                    .is_some_and(|e| SUPPORTED_EXTENSIONS.contains(&e))
            })
            .cloned()
            .collect();
        if !kept.is_empty() {
            doc[key] = json!(kept);
        }
    }
    // Textures of WebP images name them through the extension, which is then required (the
    // readers this is for, the viewer and model-viewer among them, all have it).
    let mut uses_webp = false;
    let textures = doc.get_mut("textures").and_then(Value::as_array_mut);
    for texture in textures.into_iter().flatten() {
        let source = texture.get("source").and_then(disan_pack::index);
        if let (Some(source), Some(t)) =
            (source.filter(|s| webp.contains(s)), texture.as_object_mut())
        {
            t.remove("source");
            let ext = t.entry("extensions").or_insert_with(|| json!({}));
            ext[disan_pack::WEBP] = json!({ "source": source });
            uses_webp = true;
        }
    }
    if uses_webp {
        for key in ["extensionsUsed", "extensionsRequired"] {
            disan_pack::push(&mut doc[key], json!(disan_pack::WEBP));
        }
    }
    let glb = disan_pack::glb(&doc, &w.bin);
    // Quantised and meshopt-compressed as gltfpack would; our own plain GLB always compresses,
    // but should it not, the plain one is a correct derivative.
    disan_pack::compress(&glb).unwrap_or(glb)
}

/// The full model: what the viewer shows on a phone.
pub fn full_glb(model: &Model, up: UpAxis) -> Vec<u8> {
    derive(model, up, Budget::FULL)
}

/// The light model: the first view.
pub fn light_glb(model: &Model, up: UpAxis) -> Vec<u8> {
    derive(model, up, Budget::LIGHT)
}

/// WebP quality of the derivatives' colour textures: libwebp's files at this setting are about
/// a third smaller than JPEGs at quality 85, with no loss a picture difference shows.
pub const TEXTURE_WEBP_QUALITY: f32 = 80.0;
/// WebP quality of data textures (normal, occlusion, metal and roughness maps), whose
/// channels are vectors and factors, not colours.
pub const DATA_WEBP_QUALITY: f32 = 92.0;

const WEBP_MIME: &str = "image/webp";

/// The images that only data textures show (normal, occlusion, metallic-roughness maps).
fn data_images(source: &Value) -> std::collections::BTreeSet<usize> {
    let textures = &source["textures"];
    let image = |info: &Value| {
        let t = info.get("index").and_then(disan_pack::index)?;
        textures[t].get("source").and_then(disan_pack::index)
    };
    let (mut data, mut colour) = (std::collections::BTreeSet::new(), Vec::new());
    for m in source["materials"].as_array().into_iter().flatten() {
        let pbr = &m["pbrMetallicRoughness"];
        data.extend(
            [
                &m["normalTexture"],
                &m["occlusionTexture"],
                &pbr["metallicRoughnessTexture"],
            ]
            .into_iter()
            .filter_map(image),
        );
        colour.extend(
            [&pbr["baseColorTexture"], &m["emissiveTexture"]]
                .into_iter()
                .filter_map(image),
        );
    }
    data.retain(|i| !colour.contains(i));
    data
}

/// A texture at most `max_side` pixels on a side, as lossy WebP (with its alpha when any texel
/// is transparent), at the quality for data textures when `data`. `None` if it does not
/// decode.
pub fn texture(bytes: &[u8], max_side: u32, data: bool) -> Option<Vec<u8>> {
    let image = image::load_from_memory(bytes).ok()?;
    let (w, h) = (image.width(), image.height());
    let image = if w.max(h) > max_side {
        let scale = max_side as f64 / w.max(h) as f64;
        let (nw, nh) = (
            ((w as f64 * scale).round() as u32).max(1),
            ((h as f64 * scale).round() as u32).max(1),
        );
        image.resize_exact(nw, nh, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let quality = match data {
        true => DATA_WEBP_QUALITY,
        false => TEXTURE_WEBP_QUALITY,
    };
    let (w, h) = (image.width(), image.height());
    let rgba = image.color().has_alpha().then(|| image.to_rgba8());
    let encoded = match rgba.filter(|i| i.pixels().any(|p| p[3] < 255)) {
        Some(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), w, h).encode_simple(false, quality),
        None => {
            let rgb = image.to_rgb8();
            webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode_simple(false, quality)
        }
    };
    Some(encoded.ok()?.to_vec())
}
