//! Compressed and quantised input made plain before it is checked: buffer views packed with
//! meshoptimizer's codec (`EXT_meshopt_compression`), primitives packed with Google's Draco
//! (`KHR_draco_mesh_compression`) and attributes stored as small integers
//! (`KHR_mesh_quantization`) are decoded into one new buffer of plain floats and 32-bit
//! indices, and the JSON is rewritten to point at it, so the checks and the derivatives see
//! an ordinary glTF. What the scanning tools write this way (gltfpack, glTF Transform, Draco's
//! encoder) is accepted; a stream that does not decode is a problem like any other, named by
//! the buffer view or primitive it came from.
//!
//! Every size comes from the file, so each is checked before it is read or allocated: the
//! compressed range against its buffer, the decoded size against [`Limits::max_unpacked`]
//! (counted over the whole file), and Draco's points and faces against the triangle limit.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::document::Parts;
use crate::problem::{Found, Issue};
use crate::{Limits, UPLOAD};

pub const MESHOPT: &str = "EXT_meshopt_compression";
pub const DRACO: &str = "KHR_draco_mesh_compression";
pub const QUANTIZATION: &str = "KHR_mesh_quantization";

/// The extensions decoded here.
pub const DECODED: &[&str] = &[MESHOPT, DRACO, QUANTIZATION];

/// The names the decoded data and the emptied fallback buffers are given to the checks.
const DECODED_URI: &str = ".disan-decoded.bin";
const FALLBACK_URI: &str = ".disan-fallback.bin";
const KEPT_URI: &str = ".disan-buffer-";

const FLOAT: u64 = 5126;
const UNSIGNED_INT: u64 = 5125;
const ARRAY_BUFFER: u64 = 34962;
const ELEMENT_ARRAY_BUFFER: u64 = 34963;

/// `parts` as an ordinary glTF when it uses one of the [`DECODED`] extensions; as it was
/// otherwise (and when its JSON does not parse, which the checks then report).
/// Also returns which of them it decoded.
pub(crate) fn plain<'a>(
    parts: Parts<'a>,
    limits: &Limits,
) -> Result<(Parts<'a>, Vec<String>), Vec<Found>> {
    let mut root = match serde_json::from_slice::<Value>(&parts.json) {
        Ok(root) if root.is_object() => root,
        _ => return Ok((parts, Vec::new())),
    };
    let uses = |name: &str| {
        root.get("extensionsUsed")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|e| e == name))
    };
    let decoded: Vec<String> = DECODED
        .iter()
        .filter(|e| uses(e))
        .map(|e| (*e).to_owned())
        .collect();
    if decoded.is_empty() {
        return Ok((parts, decoded));
    }
    let (kept, bytes) = {
        let mut d = Decoder::new(&parts, &mut root, limits)?;
        d.meshopt();
        d.draco();
        d.dequantize();
        d.finish()?
    };
    for key in ["extensionsUsed", "extensionsRequired"] {
        if let Some(list) = root.get_mut(key).and_then(Value::as_array_mut) {
            list.retain(|e| !e.as_str().is_some_and(|e| DECODED.contains(&e)));
        }
    }
    let json = serde_json::to_vec(&root).map_err(|e| {
        vec![Found::new(
            UPLOAD,
            Issue::Compressed {
                ext: "glTF",
                why: e.to_string(),
            },
        )]
    })?;
    let mut files = parts.files.unwrap_or_default();
    let base = parts.base;
    files.insert(format!("{base}{DECODED_URI}"), bytes);
    files.insert(format!("{base}{FALLBACK_URI}"), vec![0; 4]);
    for (i, bytes) in kept {
        files.insert(format!("{base}{KEPT_URI}{i}.bin"), bytes);
    }
    let parts = Parts {
        json: Cow::Owned(json),
        bin: None,
        files: Some(files),
        base,
    };
    Ok((parts, decoded))
}

/// Where an accessor's or a view's bytes are: a buffer of the upload, or the decoded one.
struct Decoder<'p, 'r> {
    root: &'r mut Value,
    /// Each buffer's bytes (`None` for meshopt's fallback buffers, which hold nothing).
    buffers: Vec<Option<Cow<'p, [u8]>>>,
    /// Buffers the GLB chunk or a `data:` URI held: given to the checks under a new name.
    renamed: Vec<usize>,
    fallback: Vec<usize>,
    out: Vec<u8>,
    limits: &'r Limits,
    found: Vec<Found>,
}

fn problem(at: impl Into<String>, ext: &'static str, why: impl Into<String>) -> Found {
    Found::new(
        at,
        Issue::Compressed {
            ext,
            why: why.into(),
        },
    )
}

fn components(kind: &str) -> Option<usize> {
    Some(match kind {
        "SCALAR" => 1,
        "VEC2" => 2,
        "VEC3" => 3,
        "VEC4" => 4,
        _ => return None,
    })
}

/// One stored integer (or float) as a float: normalised integers to [0, 1] or [-1, 1] as
/// the glTF specification says.
fn scalar(component: u64, normalized: bool, b: &[u8]) -> Option<f32> {
    Some(match (component, b) {
        (5120, [x, ..]) => {
            let v = f32::from(*x as i8);
            if normalized { (v / 127.0).max(-1.0) } else { v }
        }
        (5121, [x, ..]) => {
            let v = f32::from(*x);
            if normalized { v / 255.0 } else { v }
        }
        (5122, [a, b, ..]) => {
            let v = f32::from(i16::from_le_bytes([*a, *b]));
            if normalized {
                (v / 32767.0).max(-1.0)
            } else {
                v
            }
        }
        (5123, [a, b, ..]) => {
            let v = f32::from(u16::from_le_bytes([*a, *b]));
            if normalized { v / 65535.0 } else { v }
        }
        (5126, [a, b, c, d, ..]) => f32::from_le_bytes([*a, *b, *c, *d]),
        _ => return None,
    })
}

fn width(component: u64) -> Option<usize> {
    Some(match component {
        5120 | 5121 => 1,
        5122 | 5123 => 2,
        5125 | 5126 => 4,
        _ => return None,
    })
}

/// Appends `item` to the array `list` (made one if it is not); returns its index.
fn push(list: &mut Value, item: Value) -> usize {
    if !list.is_array() {
        *list = json!([]);
    }
    match list.as_array_mut() {
        Some(a) => {
            a.push(item);
            a.len() - 1
        }
        None => 0,
    }
}

fn index(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|v| usize::try_from(v).ok())
}

impl<'p, 'r> Decoder<'p, 'r> {
    fn new(
        parts: &'p Parts<'_>,
        root: &'r mut Value,
        limits: &'r Limits,
    ) -> Result<Decoder<'p, 'r>, Vec<Found>> {
        let mut found = Vec::new();
        let mut buffers = Vec::new();
        let mut renamed = Vec::new();
        let mut fallback = Vec::new();
        let list = root.get("buffers").and_then(Value::as_array);
        for (i, b) in list.into_iter().flatten().enumerate() {
            let is_fallback = b["extensions"][MESHOPT]["fallback"] == true;
            let data = match b.get("uri").and_then(Value::as_str) {
                Some(uri) => {
                    if uri.starts_with("data:") {
                        renamed.push(i);
                    }
                    parts.resolve(uri)
                }
                None if is_fallback => {
                    fallback.push(i);
                    buffers.push(None);
                    continue;
                }
                None => {
                    renamed.push(i);
                    parts
                        .bin
                        .as_deref()
                        .map(Cow::Borrowed)
                        .ok_or_else(|| Issue::MissingFile("the GLB binary chunk".into()))
                }
            };
            match data {
                Ok(d) => buffers.push(Some(d)),
                Err(issue) => {
                    found.push(Found::new(format!("buffers[{i}]"), issue));
                    buffers.push(None);
                }
            }
        }
        if !found.is_empty() {
            return Err(found);
        }
        Ok(Decoder {
            root,
            buffers,
            renamed,
            fallback,
            out: Vec::new(),
            limits,
            found,
        })
    }

    /// The index the decoded buffer gets: after the upload's own.
    fn decoded_index(&self) -> usize {
        self.buffers.len()
    }

    /// The bytes of buffer `i` (the decoded one included).
    fn buffer(&self, i: usize) -> Option<&[u8]> {
        if i == self.decoded_index() {
            Some(&self.out)
        } else {
            self.buffers.get(i)?.as_deref()
        }
    }

    /// Room for `bytes` more decoded bytes, or a problem at `at`.
    fn room(&mut self, bytes: u64, at: &str, ext: &'static str) -> bool {
        let total = (self.out.len() as u64).saturating_add(bytes);
        if total > self.limits.max_unpacked {
            self.found.push(problem(
                at,
                ext,
                format!(
                    "it unpacks to more than {} MB",
                    self.limits.max_unpacked / 1_000_000
                ),
            ));
            return false;
        }
        true
    }

    /// Appends `bytes` to the decoded buffer; returns their offset.
    fn append(&mut self, bytes: &[u8]) -> usize {
        while !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
        let start = self.out.len();
        self.out.extend_from_slice(bytes);
        start
    }

    /// A new buffer view over `bytes` in the decoded buffer; returns its index.
    fn new_view(&mut self, bytes: &[u8], target: u64) -> usize {
        let start = self.append(bytes);
        let view = json!({"buffer": self.decoded_index(), "byteOffset": start,
            "byteLength": bytes.len(), "target": target});
        push(&mut self.root["bufferViews"], view)
    }

    /// Rewrites accessor `a` as `data` (floats, `n` per element; min/max kept for positions).
    fn float_accessor(&mut self, a: usize, data: &[f32], n: usize, bounds: bool) {
        let bytes: Vec<u8> = data.iter().flat_map(|f| f.to_le_bytes()).collect();
        let view = self.new_view(&bytes, ARRAY_BUFFER);
        let Some(acc) = self.root["accessors"]
            .get_mut(a)
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        acc.insert("bufferView".into(), json!(view));
        acc.remove("byteOffset");
        acc.remove("normalized");
        acc.insert("componentType".into(), json!(FLOAT));
        acc.insert("count".into(), json!(data.len() / n.max(1)));
        acc.remove("min");
        acc.remove("max");
        if bounds && !data.is_empty() {
            let mut min = vec![f32::INFINITY; n];
            let mut max = vec![f32::NEG_INFINITY; n];
            for e in data.chunks_exact(n) {
                for k in 0..n {
                    min[k] = min[k].min(e[k]);
                    max[k] = max[k].max(e[k]);
                }
            }
            acc.insert("min".into(), json!(min));
            acc.insert("max".into(), json!(max));
        }
    }

    /// Decodes every meshopt-compressed buffer view into the decoded buffer.
    fn meshopt(&mut self) {
        use meshoptimizer_rs::codec::{Filter, Mode};
        let count = self.root.get("bufferViews").and_then(Value::as_array);
        let count = count.map_or(0, Vec::len);
        for v in 0..count {
            let ext = self.root["bufferViews"][v]["extensions"][MESHOPT].clone();
            if ext.is_null() {
                continue;
            }
            let at = format!("bufferViews[{v}]");
            let get = |k: &str| ext.get(k).and_then(index);
            let (Some(buffer), Some(length), Some(stride), Some(n)) = (
                get("buffer"),
                get("byteLength"),
                get("byteStride"),
                get("count"),
            ) else {
                self.found.push(problem(
                    at,
                    MESHOPT,
                    "buffer, byteLength, byteStride and count are required",
                ));
                continue;
            };
            let offset = get("byteOffset").unwrap_or(0);
            let mode = ext["mode"].as_str().and_then(|m| Mode::parse(m).ok());
            let filter = match ext.get("filter") {
                None => Some(Filter::None),
                Some(f) => f.as_str().and_then(|f| Filter::parse(f).ok()),
            };
            let (Some(mode), Some(filter)) = (mode, filter) else {
                self.found
                    .push(problem(at, MESHOPT, "an unknown mode or filter"));
                continue;
            };
            let size = (n as u64).saturating_mul(stride as u64);
            if !self.room(size, &at, MESHOPT) {
                continue;
            }
            let source = self
                .buffer(buffer)
                .filter(|_| buffer != self.decoded_index())
                .and_then(|b| b.get(offset..offset.checked_add(length)?));
            let Some(source) = source else {
                self.found.push(problem(
                    at,
                    MESHOPT,
                    format!("its compressed bytes are not inside buffers[{buffer}]"),
                ));
                continue;
            };
            let mut workspace = meshoptimizer_rs::Workspace::new(meshoptimizer_rs::Limits {
                max_bytes: (size as usize).saturating_mul(2).saturating_add(1 << 20),
                ..meshoptimizer_rs::Limits::default()
            });
            let decoded = meshoptimizer_rs::codec::decode_buffer_view(
                mode,
                filter,
                n,
                stride,
                source,
                &mut workspace,
            );
            match decoded {
                Ok(bytes) => {
                    let start = self.append(&bytes);
                    let decoded = self.decoded_index();
                    let view = &mut self.root["bufferViews"][v];
                    view["buffer"] = json!(decoded);
                    view["byteOffset"] = json!(start);
                    view["byteLength"] = json!(bytes.len());
                    if let Some(exts) = view["extensions"].as_object_mut() {
                        exts.remove(MESHOPT);
                        if exts.is_empty()
                            && let Some(o) = view.as_object_mut()
                        {
                            o.remove("extensions");
                        }
                    }
                }
                Err(e) => self.found.push(problem(at, MESHOPT, e.to_string())),
            }
        }
    }

    /// The bytes of buffer view `v`.
    fn view_bytes(&self, v: usize) -> Option<&[u8]> {
        let view = self.root.get("bufferViews")?.get(v)?;
        let buffer = index(view.get("buffer")?)?;
        let offset = view.get("byteOffset").map_or(Some(0), index)?;
        let length = index(view.get("byteLength")?)?;
        self.buffer(buffer)?
            .get(offset..offset.checked_add(length)?)
    }

    /// Every mesh primitive, as (mesh, primitive) indices.
    fn primitives(&self) -> Vec<(usize, usize)> {
        let meshes = self.root.get("meshes").and_then(Value::as_array);
        meshes
            .into_iter()
            .flatten()
            .enumerate()
            .flat_map(|(m, mesh)| {
                let n = mesh["primitives"].as_array().map_or(0, Vec::len);
                (0..n).map(move |p| (m, p))
            })
            .collect()
    }

    /// Decodes every Draco-compressed primitive into plain accessors.
    fn draco(&mut self) {
        for (m, p) in self.primitives() {
            let prim = self.root["meshes"][m]["primitives"][p].clone();
            let ext = &prim["extensions"][DRACO];
            if ext.is_null() {
                continue;
            }
            let at = format!("meshes[{m}].primitives[{p}]");
            let view = ext.get("bufferView").and_then(index);
            let bytes = view.and_then(|v| self.view_bytes(v)).map(<[u8]>::to_vec);
            let Some(bytes) = bytes else {
                self.found.push(problem(
                    at,
                    DRACO,
                    "its bufferView is missing or out of range",
                ));
                continue;
            };
            let limits = draco_core::DecodeLimits::default()
                .with_max_faces(self.limits.max_triangles)
                .with_max_points(self.limits.max_triangles.saturating_mul(3))
                .with_max_decoded_bytes(self.limits.max_unpacked);
            let mut buffer = draco_core::DecoderBuffer::new(&bytes).with_limits(limits);
            let mut mesh = draco_core::Mesh::new();
            // Draco's decoder on bytes from the upload: a panic in it is this file's problem.
            let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                draco_core::MeshDecoder::new().decode(&mut buffer, &mut mesh)
            }));
            match decoded {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    self.found.push(problem(at, DRACO, e.to_string()));
                    continue;
                }
                Err(_) => {
                    self.found
                        .push(problem(at, DRACO, "the Draco stream is malformed"));
                    continue;
                }
            }
            let points = mesh.num_points();
            let faces = mesh.num_faces();
            let size = (points as u64 * 64).saturating_add(faces as u64 * 12);
            if !self.room(size, &at, DRACO) {
                continue;
            }
            let mut semantics = Vec::new();
            for (semantic, id) in ext["attributes"].as_object().into_iter().flatten() {
                let accessor = prim["attributes"].get(semantic).and_then(index);
                let found = (0..mesh.num_attributes())
                    .map(|i| mesh.attribute(i))
                    .find(|a| id.as_u64() == Some(u64::from(a.unique_id())));
                let (Some(accessor), Some(attribute)) = (accessor, found) else {
                    self.found.push(problem(
                        format!("{at}.extensions.{DRACO}.attributes.{semantic}"),
                        DRACO,
                        "names an attribute the Draco stream or the primitive lacks",
                    ));
                    continue;
                };
                let kind = self.root["accessors"][accessor]["type"]
                    .as_str()
                    .and_then(components)
                    .unwrap_or(attribute.num_components() as usize);
                let mut values = attribute.read_f32s(points, kind);
                if attribute.normalized() {
                    let max = match attribute.data_type() {
                        draco_core::DataType::Uint8 => 255.0,
                        draco_core::DataType::Int8 => 127.0,
                        draco_core::DataType::Uint16 => 65535.0,
                        draco_core::DataType::Int16 => 32767.0,
                        _ => 1.0,
                    };
                    values.iter_mut().for_each(|v| *v = (*v / max).max(-1.0));
                }
                semantics.push((accessor, values, kind, semantic.as_str() == "POSITION"));
            }
            let indices: Vec<u8> = (0..faces)
                .flat_map(|f| mesh.face(draco_core::FaceIndex(f as u32)))
                .flat_map(|i| i.0.to_le_bytes())
                .collect();
            for (accessor, values, kind, bounds) in semantics {
                self.float_accessor(accessor, &values, kind, bounds);
            }
            let view = self.new_view(&indices, ELEMENT_ARRAY_BUFFER);
            let prim = &mut self.root["meshes"][m]["primitives"][p];
            match prim.get("indices").and_then(index) {
                Some(a) => {
                    if let Some(acc) = self.root["accessors"]
                        .get_mut(a)
                        .and_then(Value::as_object_mut)
                    {
                        acc.insert("bufferView".into(), json!(view));
                        acc.remove("byteOffset");
                        acc.insert("componentType".into(), json!(UNSIGNED_INT));
                        acc.insert("count".into(), json!(faces * 3));
                        acc.insert("type".into(), json!("SCALAR"));
                        acc.remove("min");
                        acc.remove("max");
                    }
                }
                None => {
                    let a = push(
                        &mut self.root["accessors"],
                        json!({"bufferView": view, "componentType": UNSIGNED_INT,
                            "count": faces * 3, "type": "SCALAR"}),
                    );
                    self.root["meshes"][m]["primitives"][p]["indices"] = json!(a);
                }
            }
            let prim = &mut self.root["meshes"][m]["primitives"][p];
            if let Some(exts) = prim["extensions"].as_object_mut() {
                exts.remove(DRACO);
                if exts.is_empty()
                    && let Some(o) = prim.as_object_mut()
                {
                    o.remove("extensions");
                }
            }
        }
    }

    /// Rewrites the integer vertex attributes quantisation allows (positions, normals,
    /// tangents, texture coordinates) as floats.
    fn dequantize(&mut self) {
        let mut done = BTreeSet::new();
        for (m, p) in self.primitives() {
            let attributes = self.root["meshes"][m]["primitives"][p]["attributes"].clone();
            for (semantic, a) in attributes.as_object().into_iter().flatten() {
                let quantisable = ["POSITION", "NORMAL", "TANGENT"].contains(&semantic.as_str())
                    || semantic.starts_with("TEXCOORD_");
                let Some(a) = index(a).filter(|_| quantisable) else {
                    continue;
                };
                let acc = &self.root["accessors"][a];
                let component = acc["componentType"].as_u64().unwrap_or(FLOAT);
                if component == FLOAT || acc.get("sparse").is_some() || !done.insert(a) {
                    continue;
                }
                let at = format!("accessors[{a}]");
                match self.read(a) {
                    Ok((values, n)) => {
                        if self.room(values.len() as u64 * 4, &at, QUANTIZATION) {
                            self.float_accessor(a, &values, n, semantic.as_str() == "POSITION");
                        }
                    }
                    Err(why) => self.found.push(problem(at, QUANTIZATION, why)),
                }
            }
        }
    }

    /// Accessor `a`'s elements as floats, and how many per element.
    fn read(&self, a: usize) -> Result<(Vec<f32>, usize), String> {
        let acc = &self.root["accessors"][a];
        let n = acc["type"]
            .as_str()
            .and_then(components)
            .ok_or("an unknown accessor type")?;
        let component = acc["componentType"].as_u64().unwrap_or(0);
        let w = width(component).ok_or("an unknown component type")?;
        let count = acc.get("count").and_then(index).ok_or("no count")?;
        let normalized = acc["normalized"] == true;
        let v = acc
            .get("bufferView")
            .and_then(index)
            .ok_or("no bufferView")?;
        let bytes = self.view_bytes(v).ok_or("its bufferView is out of range")?;
        let offset = acc.get("byteOffset").map_or(Some(0), index).unwrap_or(0);
        let size = n * w;
        let stride = self.root["bufferViews"][v]
            .get("byteStride")
            .and_then(index)
            .unwrap_or(size);
        if stride < size {
            return Err(format!(
                "its elements are {size} bytes but its buffer view's stride is {stride}"
            ));
        }
        let end = match count.checked_sub(1) {
            None => Some(0),
            Some(last) => last
                .checked_mul(stride)
                .and_then(|s| s.checked_add(offset))
                .and_then(|s| s.checked_add(size)),
        };
        match end {
            Some(end) if end <= bytes.len() => {}
            _ => {
                return Err(format!(
                    "its {count} elements do not fit in its buffer view of {} bytes",
                    bytes.len()
                ));
            }
        }
        let mut values = Vec::with_capacity(count * n);
        for i in 0..count {
            let e = offset + i * stride;
            for k in 0..n {
                let b = &bytes[e + k * w..e + (k + 1) * w];
                values.push(scalar(component, normalized, b).ok_or("an unreadable value")?);
            }
        }
        Ok((values, n))
    }

    /// The new buffer list; the buffers given to the checks under a new name; the decoded
    /// bytes.
    #[allow(clippy::type_complexity)]
    fn finish(mut self) -> Result<(HashMap<usize, Vec<u8>>, Vec<u8>), Vec<Found>> {
        if !self.found.is_empty() {
            return Err(self.found);
        }
        while self.out.len() < 4 || !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
        let mut kept = HashMap::new();
        if !self.root["buffers"].is_array() {
            self.root["buffers"] = json!([]);
        }
        if let Some(list) = self.root["buffers"].as_array_mut() {
            for &i in &self.fallback {
                list[i] = json!({"byteLength": 4, "uri": FALLBACK_URI});
            }
            for &i in &self.renamed {
                if let Some(data) = self.buffers[i].take() {
                    list[i]["uri"] = json!(format!("{KEPT_URI}{i}.bin"));
                    kept.insert(i, data.into_owned());
                }
            }
            list.push(json!({"byteLength": self.out.len(), "uri": DECODED_URI}));
        }
        Ok((kept, self.out))
    }
}
