//! The checks of a glTF document and its data: the JSON and its indices, where every buffer
//! comes from, buffer view and accessor ranges, vertex indices, positions, the scene's bounds
//! and triangles, and every texture (its type, its size before decoding, then a real decode).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

use base64::Engine;
use disan_types::admin::{ModelReport, TextureInfo};
use gltf::accessor::{DataType, Dimensions};
use gltf::mesh::Mode;

use crate::problem::{Found, Issue};
use crate::{Limits, Model};

/// Extensions a model may require: the derivatives and the viewer handle them.
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "KHR_materials_unlit",
    "KHR_texture_transform",
    "KHR_materials_emissive_strength",
];

/// Deepest node hierarchy followed (and a guard against cycles).
pub const MAX_DEPTH: usize = 64;

/// A glTF document's JSON and the files it may refer to.
pub(crate) struct Parts<'a> {
    pub json: Cow<'a, [u8]>,
    /// A GLB's binary chunk.
    pub bin: Option<Cow<'a, [u8]>>,
    /// The files beside the `.gltf` (zip entries), by their path in the zip.
    pub files: Option<HashMap<String, Vec<u8>>>,
    /// The folder of the `.gltf` inside the zip (`""` or ending in `/`).
    pub base: String,
}

impl<'a> Parts<'a> {
    pub fn glb((json, bin): (&'a [u8], Option<&'a [u8]>)) -> Parts<'a> {
        Parts {
            json: Cow::Borrowed(json),
            bin: bin.map(Cow::Borrowed),
            files: None,
            base: String::new(),
        }
    }

    pub fn json_only(json: &'a [u8]) -> Parts<'a> {
        Parts {
            json: Cow::Borrowed(json),
            bin: None,
            files: None,
            base: String::new(),
        }
    }

    /// The bytes a URI names: a `data:` URI, or a file of the upload by a safe relative path.
    pub(crate) fn resolve(&self, uri: &str) -> Result<Cow<'_, [u8]>, Issue> {
        if let Some(data) = uri.strip_prefix("data:") {
            let (head, payload) = data.split_once(',').ok_or_else(|| {
                Issue::Gltf(format!("a data URI without a comma: {}", short(uri)))
            })?;
            return if head.ends_with(";base64") {
                base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .map(Cow::Owned)
                    .map_err(|e| Issue::Gltf(format!("a data URI that is not base64: {e}")))
            } else {
                Ok(Cow::Owned(
                    percent_encoding::percent_decode_str(payload).collect(),
                ))
            };
        }
        let path = percent_encoding::percent_decode_str(uri)
            .decode_utf8()
            .map_err(|_| Issue::ExternalUri(short(uri)))?;
        let unsafe_path = path.is_empty()
            || path.starts_with('/')
            || path.contains('\\')
            || path.contains(':')
            || path.split('/').any(|s| s == "..");
        if unsafe_path {
            return Err(Issue::ExternalUri(short(uri)));
        }
        let clean: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let key = format!("{}{}", self.base, clean.join("/"));
        self.files
            .as_ref()
            .and_then(|f| f.get(&key))
            .map(|b| Cow::Borrowed(b.as_slice()))
            .ok_or_else(|| Issue::MissingFile(short(uri)))
    }
}

/// A URI as shown in a message: at most 120 characters.
fn short(uri: &str) -> String {
    if uri.chars().count() > 120 {
        format!("{}…", uri.chars().take(120).collect::<String>())
    } else {
        uri.to_owned()
    }
}

/// A column-major 4 × 4 matrix, as glTF writes them.
pub(crate) type Mat4 = [[f64; 4]; 4];

/// Where each mesh of the scene (the default one, or the first) is drawn: the mesh's index and
/// its world matrix, for every node that has one; `Err(node)` when the hierarchy is deeper
/// than [`MAX_DEPTH`] (or loops).
pub(crate) fn instances(document: &gltf::Document) -> Result<Vec<(usize, Mat4)>, usize> {
    let mut placed = Vec::new();
    let Some(scene) = document
        .default_scene()
        .or_else(|| document.scenes().next())
    else {
        return Ok(placed);
    };
    let identity: Mat4 = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ];
    let mut stack: Vec<(gltf::Node, Mat4, usize)> =
        scene.nodes().map(|n| (n, identity, 0)).collect();
    while let Some((node, parent, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(node.index());
        }
        let local = node.transform().matrix().map(|c| c.map(f64::from));
        let world = mul(&parent, &local);
        if let Some(mesh) = node.mesh() {
            placed.push((mesh.index(), world));
        }
        stack.extend(node.children().map(|c| (c, world, depth + 1)));
    }
    Ok(placed)
}

fn mul(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (c, col) in out.iter_mut().enumerate() {
        for (r, cell) in col.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[k][r] * b[c][k]).sum();
        }
    }
    out
}

pub(crate) fn apply(m: &Mat4, p: [f64; 3]) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        *o = m[0][r] * p[0] + m[1][r] * p[1] + m[2][r] * p[2] + m[3][r];
    }
    out
}

#[derive(Clone, Copy)]
struct Bounds {
    min: [f64; 3],
    max: [f64; 3],
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        min: [f64::INFINITY; 3],
        max: [f64::NEG_INFINITY; 3],
    };

    fn add(&mut self, p: [f64; 3]) {
        for (i, c) in p.into_iter().enumerate() {
            self.min[i] = self.min[i].min(c);
            self.max[i] = self.max[i].max(c);
        }
    }

    fn is_empty(&self) -> bool {
        self.min[0] > self.max[0]
    }

    fn corners(&self) -> impl Iterator<Item = [f64; 3]> + '_ {
        (0..8).map(|i| {
            [
                if i & 1 == 0 { self.min[0] } else { self.max[0] },
                if i & 2 == 0 { self.min[1] } else { self.max[1] },
                if i & 4 == 0 { self.min[2] } else { self.max[2] },
            ]
        })
    }
}

/// An accessor's bytes, element stride and element size (ranges already checked).
fn accessor_bytes<'b>(
    a: &gltf::Accessor,
    buffers: &'b [Cow<'_, [u8]>],
) -> Option<(&'b [u8], usize, usize)> {
    let view = a.view()?;
    let data = buffers.get(view.buffer().index())?;
    let start = view.offset() + a.offset();
    let slice = data.get(start..view.offset() + view.length())?;
    Some((slice, view.stride().unwrap_or(a.size()), a.size()))
}

fn elements<'b>(
    a: &gltf::Accessor,
    buffers: &'b [Cow<'_, [u8]>],
) -> impl Iterator<Item = &'b [u8]> {
    let found = accessor_bytes(a, buffers);
    let count = if found.is_some() { a.count() } else { 0 };
    (0..count).filter_map(move |i| {
        let (bytes, stride, size) = found?;
        bytes.get(i * stride..i * stride + size)
    })
}

/// Checks the document in `parts`; returns the model if it could be read, and every issue
/// (errors and warnings).
pub(crate) fn check(parts: Parts, limits: &Limits) -> (Option<Model>, Vec<Found>) {
    let mut found = Vec::new();
    let root = match gltf::json::Root::from_slice(&parts.json) {
        Ok(root) => root,
        Err(e) => return (None, vec![Found::new("json", Issue::Json(e.to_string()))]),
    };
    for (i, ext) in root.extensions_required.iter().enumerate() {
        if !SUPPORTED_EXTENSIONS.contains(&ext.as_str()) {
            found.push(Found::new(
                format!("extensionsRequired[{i}]"),
                Issue::UnsupportedExtension(short(ext)),
            ));
        }
    }
    let extensions = root.extensions_used.clone();
    // gltf-json's own validation indexes the POSITION accessor without a bounds check (and
    // panics): check those indices first.
    let accessors = root.accessors.len();
    for (m, mesh) in root.meshes.iter().enumerate() {
        for (p, prim) in mesh.primitives.iter().enumerate() {
            for (semantic, index) in &prim.attributes {
                if index.value() >= accessors {
                    let at = format!("meshes[{m}].primitives[{p}].attributes");
                    let name = match semantic {
                        gltf::json::validation::Checked::Valid(s) => s.to_string(),
                        gltf::json::validation::Checked::Invalid => "?".to_owned(),
                    };
                    found.push(Found::new(
                        at.clone(),
                        Issue::Gltf(format!(
                            "{at}.{name}: index {} is out of range",
                            index.value()
                        )),
                    ));
                }
            }
        }
    }
    if !found.is_empty() {
        return (None, found);
    }
    // And should another of its checks panic, that is a refusal too, not a crash.
    let validated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        gltf::Document::from_json(root)
    }));
    let Ok(validated) = validated else {
        found.push(Found::new("json", Issue::Unreadable));
        return (None, found);
    };
    let document = match validated {
        Ok(d) => d,
        Err(gltf::Error::Validation(errors)) => {
            for (path, e) in errors {
                let path = path.to_string();
                if !path.starts_with("extensionsRequired") {
                    found.push(Found::new(
                        path.clone(),
                        Issue::Gltf(format!("{path}: {e}")),
                    ));
                }
            }
            return (None, found);
        }
        Err(e) => {
            found.push(Found::new("json", Issue::Gltf(e.to_string())));
            return (None, found);
        }
    };
    if !found.is_empty() {
        return (None, found);
    }

    // Where every buffer's bytes come from, and whether there are enough of them.
    let mut buffers: Vec<Cow<[u8]>> = Vec::new();
    for b in document.buffers() {
        let at = format!("buffers[{}]", b.index());
        let data = match b.source() {
            gltf::buffer::Source::Bin => parts
                .bin
                .as_deref()
                .map(Cow::Borrowed)
                .ok_or_else(|| Issue::MissingFile("the GLB binary chunk".into())),
            gltf::buffer::Source::Uri(uri) => parts.resolve(uri),
        };
        match data {
            Ok(data) if (data.len() as u64) < b.length() as u64 => {
                found.push(Found::new(
                    at,
                    Issue::BufferShort {
                        said: b.length() as u64,
                        has: data.len() as u64,
                    },
                ));
                buffers.push(data);
            }
            Ok(data) => buffers.push(data),
            Err(issue) => {
                found.push(Found::new(at, issue));
                buffers.push(Cow::Borrowed(&[]));
            }
        }
    }
    if !found.is_empty() {
        return (None, found);
    }
    for v in document.views() {
        let end = (v.offset() as u64).saturating_add(v.length() as u64);
        let len = v.buffer().length() as u64;
        if end > len {
            found.push(Found::new(
                format!("bufferViews[{}]", v.index()),
                Issue::ViewOutOfRange { end, len },
            ));
        }
    }
    if !found.is_empty() {
        return (None, found);
    }
    for a in document.accessors() {
        let at = format!("accessors[{}]", a.index());
        if a.sparse().is_some() {
            found.push(Found::new(at, Issue::Sparse));
            continue;
        }
        let (Some(view), count) = (a.view(), a.count() as u64) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        let size = a.size() as u64;
        let stride = view.stride().map_or(size, |s| s as u64);
        let end = (a.offset() as u64)
            .saturating_add(stride.saturating_mul(count - 1))
            .saturating_add(size);
        if end > view.length() as u64 {
            found.push(Found::new(
                at,
                Issue::AccessorOutOfRange {
                    end,
                    len: view.length() as u64,
                },
            ));
        }
    }
    if !found.is_empty() {
        return (None, found);
    }

    // Meshes: positions, indices, triangles, bounds.
    struct MeshFacts {
        triangles: u64,
        bounds: Bounds,
    }
    let mut meshes = Vec::new();
    let mut vertices = 0u64;
    let mut primitives = 0u32;
    let mut bad_accessors = std::collections::BTreeSet::new();
    for mesh in document.meshes() {
        let mut facts = MeshFacts {
            triangles: 0,
            bounds: Bounds::EMPTY,
        };
        for (p, prim) in mesh.primitives().enumerate() {
            primitives += 1;
            let at = format!("meshes[{}].primitives[{p}]", mesh.index());
            let Some(pos) = prim.get(&gltf::Semantic::Positions) else {
                continue;
            };
            if pos.data_type() != DataType::F32
                || pos.dimensions() != Dimensions::Vec3
                || pos.view().is_none()
            {
                found.push(Found::new(
                    format!("{at}.attributes.POSITION"),
                    Issue::BadPositions,
                ));
                continue;
            }
            let n = pos.count() as u64;
            vertices += n;
            let mut finite = true;
            for e in elements(&pos, &buffers) {
                let f = |i: usize| f32::from_le_bytes([e[i], e[i + 1], e[i + 2], e[i + 3]]);
                let p = [f(0), f(4), f(8)];
                if p.iter().all(|c| c.is_finite()) {
                    facts.bounds.add(p.map(f64::from));
                } else {
                    finite = false;
                }
            }
            if !finite && bad_accessors.insert(pos.index()) {
                found.push(Found::new(
                    format!("accessors[{}]", pos.index()),
                    Issue::NotFinite,
                ));
            }
            let count = match prim.indices() {
                Some(ix) => {
                    let width = match ix.data_type() {
                        DataType::U8 => 1,
                        DataType::U16 => 2,
                        DataType::U32 => 4,
                        _ => {
                            found.push(Found::new(
                                format!("{at}.indices"),
                                Issue::Gltf("indices must be unsigned integers".into()),
                            ));
                            continue;
                        }
                    };
                    let max = elements(&ix, &buffers)
                        .map(|e| match width {
                            1 => u64::from(e[0]),
                            2 => u64::from(u16::from_le_bytes([e[0], e[1]])),
                            _ => u64::from(u32::from_le_bytes([e[0], e[1], e[2], e[3]])),
                        })
                        .max();
                    if let Some(max) = max.filter(|m| *m >= n) {
                        found.push(Found::new(
                            format!("{at}.indices"),
                            Issue::IndexOutOfRange {
                                index: max,
                                vertices: n,
                            },
                        ));
                    }
                    ix.count() as u64
                }
                None => n,
            };
            facts.triangles += match prim.mode() {
                Mode::Triangles => count / 3,
                Mode::TriangleStrip | Mode::TriangleFan => count.saturating_sub(2),
                _ => 0,
            };
        }
        meshes.push(facts);
    }

    // The scene: what is drawn, where.
    let placed = match instances(&document) {
        Ok(placed) => placed,
        Err(node) => {
            found.push(Found::new(
                format!("nodes[{node}]"),
                Issue::Gltf(format!(
                    "the node hierarchy is deeper than {MAX_DEPTH} levels (or loops)"
                )),
            ));
            return (None, found);
        }
    };
    let mut bounds = Bounds::EMPTY;
    let mut triangles = 0u64;
    let mut instances = 0;
    for (mesh, world) in &placed {
        if let Some(mesh) = meshes.get(*mesh) {
            instances += 1;
            triangles += mesh.triangles;
            if !mesh.bounds.is_empty() {
                for c in mesh.bounds.corners() {
                    bounds.add(apply(world, c));
                }
            }
        }
    }
    if instances == 0 || triangles == 0 {
        found.push(Found::new("scene", Issue::NoMesh));
    }
    let (size, center) = if bounds.is_empty() {
        ([0.0; 3], [0.0; 3])
    } else {
        (
            [0, 1, 2].map(|i| bounds.max[i] - bounds.min[i]),
            [0, 1, 2].map(|i| (bounds.max[i] + bounds.min[i]) / 2.0),
        )
    };
    let across = size.iter().cloned().fold(0.0, f64::max);
    if instances > 0 && triangles > 0 {
        if across.is_nan() || across <= 1e-4 {
            found.push(Found::new("scene", Issue::Degenerate { size }));
        } else if across > limits.max_across_m {
            found.push(Found::new("scene", Issue::Absurd { across }));
        } else if across > limits.suspicious_across_m {
            found.push(Found::new("scene", Issue::Millimetres { across }));
        }
    }
    if triangles > limits.max_triangles {
        found.push(Found::new(
            "scene",
            Issue::TooManyTriangles {
                triangles,
                max: limits.max_triangles,
            },
        ));
    } else if triangles > limits.mobile_triangles {
        found.push(Found::new(
            "scene",
            Issue::OverMobileBudget {
                triangles,
                budget: limits.mobile_triangles,
            },
        ));
    }

    // Textures.
    let mut textures = Vec::new();
    let mut image_files = Vec::new();
    for image in document.images() {
        let at = match image.name() {
            Some(name) => format!("images[{}] ({})", image.index(), short(name)),
            None => format!("images[{}]", image.index()),
        };
        // From the JSON, not `image.source()`, which unwraps what the file may lack.
        let json = &document.as_json().images[image.index()];
        let mime = json.mime_type.as_ref().map(|m| m.0.clone());
        let (bytes, declared) = match (&json.buffer_view, &json.uri) {
            (Some(view), _) => {
                let view = &document.as_json().buffer_views[view.value()];
                let data = &buffers[view.buffer.value()];
                let start = view.byte_offset.map_or(0, |o| o.0) as usize;
                let end = start.saturating_add(view.byte_length.0 as usize);
                let bytes = data
                    .get(start..end)
                    .map(Cow::Borrowed)
                    .ok_or(Issue::ViewOutOfRange {
                        end: end as u64,
                        len: data.len() as u64,
                    });
                (bytes, mime)
            }
            (None, Some(uri)) => {
                let declared = mime.or_else(|| match uri.strip_prefix("data:") {
                    Some(data) => data.split([';', ',']).next().map(str::to_owned),
                    None => mime_of_name(uri).map(str::to_owned),
                });
                (parts.resolve(uri), declared)
            }
            (None, None) => (
                Err(Issue::Gltf(
                    "an image with neither a uri nor a bufferView".into(),
                )),
                None,
            ),
        };
        match bytes {
            Ok(bytes) => match texture(&bytes, declared.as_deref(), limits) {
                Ok((info, warning)) => {
                    image_files.push(
                        json.buffer_view
                            .is_none()
                            .then(|| (bytes.to_vec(), info.mime.clone())),
                    );
                    if let Some(w) = warning {
                        found.push(Found::new(at.clone(), w));
                    }
                    textures.push(TextureInfo { at, ..info });
                }
                Err(issue) => found.push(Found::new(at, issue)),
            },
            Err(issue) => found.push(Found::new(at, issue)),
        }
    }

    let report = ModelReport {
        triangles,
        vertices,
        meshes: document.meshes().len() as u32,
        primitives,
        materials: document.materials().len() as u32,
        textures,
        size,
        center,
        extensions,
        ..ModelReport::default()
    };
    let buffers = buffers.into_iter().map(Cow::into_owned).collect();
    (
        Some(Model {
            report,
            document,
            images: image_files,
            buffers,
        }),
        found,
    )
}

/// The image type a file name says.
fn mime_of_name(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next()?;
    match ext {
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// What the first bytes of an image say it is.
fn sniff(b: &[u8]) -> &'static str {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        "image/webp"
    } else if b.starts_with(b"GIF8") {
        "GIF"
    } else if b.starts_with(b"\xABKTX") {
        "KTX"
    } else if b.starts_with(b"DDS ") {
        "DDS"
    } else if b.starts_with(b"BM") {
        "BMP"
    } else {
        "unknown"
    }
}

/// An image whose type and size were checked, ready to decode.
pub(crate) struct OpenImage<'b> {
    /// Decodes it within the memory limit.
    pub reader: image::ImageReader<Cursor<&'b [u8]>>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// An image's type (checked against what it says it is) and size (checked before anything is
/// decoded).
pub(crate) fn open_image<'b>(
    bytes: &'b [u8],
    declared: Option<&str>,
    limits: &Limits,
) -> Result<OpenImage<'b>, Issue> {
    let is = sniff(bytes);
    let format = match is {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        "image/webp" => image::ImageFormat::WebP,
        other => return Err(Issue::ImageFormat(other)),
    };
    if let Some(said) = declared.filter(|d| *d != is) {
        return Err(Issue::ImageType {
            said: short(said),
            is,
        });
    }
    let reader = || image::ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| Issue::ImageDecode(e.to_string()))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_texture_pixels {
        return Err(Issue::ImageTooLarge {
            width,
            height,
            max: limits.max_texture_pixels,
        });
    }
    let mut decoder = reader();
    let mut l = image::Limits::default();
    l.max_alloc = Some(limits.max_texture_pixels.saturating_mul(4) + (64 << 20));
    decoder.limits(l);
    Ok(OpenImage {
        reader: decoder,
        mime: is,
        width,
        height,
    })
}

/// Checks one texture: its type against what it says, its size before decoding, then a full
/// decode within a memory limit.
fn texture(
    bytes: &[u8],
    declared: Option<&str>,
    limits: &Limits,
) -> Result<(TextureInfo, Option<Issue>), Issue> {
    let OpenImage {
        reader,
        mime: is,
        width,
        height,
    } = open_image(bytes, declared, limits)?;
    reader
        .decode()
        .map_err(|e| Issue::ImageDecode(e.to_string()))?;
    let warning = (width.max(height) > limits.mobile_texture).then_some(Issue::TextureOverBudget {
        width,
        height,
        budget: limits.mobile_texture,
    });
    Ok((
        TextureInfo {
            at: String::new(),
            mime: is.to_owned(),
            width,
            height,
            bytes: bytes.len() as u64,
        },
        warning,
    ))
}
