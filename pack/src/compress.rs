//! A plain GLB made small, as gltfpack makes it: per primitive, triangles reordered for the
//! vertex cache and vertices in the order they are first drawn, then each attribute quantised
//! and its buffer view packed with meshoptimizer's codec.
//!
//! - Positions: unsigned 16-bit integers on one grid for the whole model (so parts meet without
//!   cracks), 14 bits or enough for millimetre steps (up to 16: a site model spans kilometres),
//!   the grid's origin and step on a new child node of each node showing the mesh.
//! - Normals: 8-bit octahedral vectors (the `OCTAHEDRAL` filter), decoded as normalised bytes.
//! - Texture coordinates: floats whose mantissas keep 1/4096 of a texture repeat (the
//!   `EXPONENTIAL` filter, one exponent per component): UVs that repeat a tile hundreds of times
//!   keep their precision, and no texture transform is needed.
//! - Colours: normalised bytes. Indices: the codec's triangle mode, 16-bit below 65 535 vertices.
//!
//! Elements of one kind from every primitive share one view (accessors at offsets in it), and
//! materials lose the properties that repeat the specification's defaults: less JSON, which is
//! most of a light model.
//!
//! Meshes that share accessors, have morph targets, other primitive modes or attributes are
//! copied as they are. Images and everything else keep their bytes.

use std::collections::{BTreeMap, BTreeSet};

use meshoptimizer_rs::Workspace;
use meshoptimizer_rs::codec::{IndexEncoding, VertexEncoding};
use serde_json::{Value, json};

use crate::unpack::read;
use crate::{ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER, MESHOPT, QUANTIZATION, index, push};

/// Why a GLB could not be compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompressError(pub String);

impl std::fmt::Display for CompressError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the model could not be compressed: {}", self.0)
    }
}

impl std::error::Error for CompressError {}

impl From<meshoptimizer_rs::Error> for CompressError {
    fn from(e: meshoptimizer_rs::Error) -> CompressError {
        CompressError(e.to_string())
    }
}

/// One primitive, read as floats.
struct Prim {
    mesh: usize,
    primitive: usize,
    indices: Vec<u32>,
    /// (semantic, accessor, values, components)
    attributes: Vec<(String, usize, Vec<f32>, usize)>,
}

/// `bytes` (a GLB whose buffers are all in its binary chunk) with its meshes quantised and
/// meshopt-compressed. Input that is already compressed is made plain first; a model with no
/// mesh that can be compressed comes back as it was.
pub fn compress(bytes: &[u8]) -> Result<Vec<u8>, CompressError> {
    let plain = crate::plain_glb(bytes, u64::MAX).map_err(|p| {
        CompressError(
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let (json, bin) = crate::split(&plain).map_err(CompressError)?;
    let mut root: Value =
        serde_json::from_slice(json).map_err(|e| CompressError(format!("its JSON: {e}")))?;
    let bin = bin.unwrap_or_default();
    for (i, b) in root["buffers"].as_array().into_iter().flatten().enumerate() {
        if b.get("uri").is_some() {
            return Err(CompressError(format!("buffers[{i}] is outside the file")));
        }
    }
    let view_bytes = |root: &Value, v: usize| -> Option<&[u8]> {
        let view = root.get("bufferViews")?.get(v)?;
        let offset = view.get("byteOffset").map_or(Some(0), index)?;
        let length = index(view.get("byteLength")?)?;
        bin.get(offset..offset.checked_add(length)?)
    };

    let prims = packable(&root, |v| view_bytes(&root, v))?;
    if prims.is_empty() {
        return Ok(bytes.to_vec());
    }
    let processed: BTreeSet<usize> = prims
        .iter()
        .flat_map(|p| {
            let idx = root["meshes"][p.mesh]["primitives"][p.primitive]["indices"].as_u64();
            p.attributes
                .iter()
                .map(|a| a.1)
                .chain(idx.map(|i| i as usize))
        })
        .collect();
    let meshes: BTreeSet<usize> = prims.iter().map(|p| p.mesh).collect();

    // The positions' grid, shared by every compressed mesh.
    let mut min = [f32::INFINITY; 3];
    let mut max = [f32::NEG_INFINITY; 3];
    for p in &prims {
        for (semantic, _, values, _) in &p.attributes {
            if semantic == "POSITION" {
                for e in values.chunks_exact(3) {
                    for k in 0..3 {
                        min[k] = min[k].min(e[k]);
                        max[k] = max[k].max(e[k]);
                    }
                }
            }
        }
    }
    let extent = (0..3).map(|k| max[k] - min[k]).fold(0.0f32, f32::max);
    let extent = if extent > 0.0 && extent.is_finite() {
        extent
    } else {
        1.0
    };
    let bits = position_bits(extent);
    let step = extent / ((1u32 << bits) - 1) as f32;

    // Views something other than a compressed accessor uses keep their bytes.
    let mut kept = BTreeSet::new();
    for image in root["images"].as_array().into_iter().flatten() {
        kept.extend(image.get("bufferView").and_then(index));
    }
    for (a, acc) in root["accessors"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !processed.contains(&a) {
            kept.extend(acc.get("bufferView").and_then(index));
            for part in ["indices", "values"] {
                kept.extend(acc["sparse"][part].get("bufferView").and_then(index));
            }
        }
    }
    let mut out = Vec::new();
    let mut views = Vec::new();
    let mut renumbered = BTreeMap::new();
    for &v in &kept {
        let bytes = view_bytes(&root, v)
            .ok_or_else(|| CompressError(format!("bufferViews[{v}] is outside the buffer")))?;
        align(&mut out);
        let mut view = root["bufferViews"][v].clone();
        view["buffer"] = json!(0);
        view["byteOffset"] = json!(out.len());
        out.extend_from_slice(bytes);
        renumbered.insert(v, views.len());
        views.push(view);
    }
    let renumber = |value: &mut Value, renumbered: &BTreeMap<usize, usize>| {
        if let Some(v) = value.get("bufferView").and_then(index) {
            value["bufferView"] = json!(renumbered.get(&v).copied().unwrap_or(0));
        }
    };
    // (`get_mut`, not indexing: indexing a missing key would add it as `null`.)
    if let Some(images) = root.get_mut("images").and_then(Value::as_array_mut) {
        images.iter_mut().for_each(|i| renumber(i, &renumbered));
    }
    if let Some(accessors) = root.get_mut("accessors").and_then(Value::as_array_mut) {
        for (a, acc) in accessors.iter_mut().enumerate() {
            if !processed.contains(&a) {
                renumber(acc, &renumbered);
                if let Some(sparse) = acc.get_mut("sparse") {
                    for part in ["indices", "values"] {
                        if let Some(p) = sparse.get_mut(part) {
                            renumber(p, &renumbered);
                        }
                    }
                }
            }
        }
    }

    let mut packer = Packer {
        out,
        views,
        streams: Vec::new(),
        fallback: 0,
        workspace: Workspace::default(),
    };
    for p in prims {
        packer.primitive(&mut root, p, min, step)?;
    }
    packer.finish()?;
    let Packer {
        out,
        views,
        fallback,
        ..
    } = packer;
    root["bufferViews"] = json!(views);
    root["buffers"] = json!([
        {"byteLength": out.len()},
        {"byteLength": fallback, "extensions": {MESHOPT: {"fallback": true}}},
    ]);

    // Each node showing a compressed mesh shows it through a child carrying the grid.
    let count = root["nodes"].as_array().map_or(0, Vec::len);
    for n in 0..count {
        let Some(m) = root["nodes"][n].get("mesh").and_then(index) else {
            continue;
        };
        if !meshes.contains(&m) {
            continue;
        }
        let child = json!({"mesh": m, "translation": min, "scale": [step, step, step]});
        let child = push(&mut root["nodes"], child);
        let node = &mut root["nodes"][n];
        if let Some(o) = node.as_object_mut() {
            o.remove("mesh");
        }
        push(&mut node["children"], json!(child));
    }
    if let Some(materials) = root.get_mut("materials").and_then(Value::as_array_mut) {
        materials.iter_mut().for_each(without_defaults);
    }
    for key in ["extensionsUsed", "extensionsRequired"] {
        for ext in [MESHOPT, QUANTIZATION] {
            if !root[key]
                .as_array()
                .is_some_and(|l| l.iter().any(|e| e == ext))
            {
                push(&mut root[key], json!(ext));
            }
        }
    }
    Ok(crate::glb(&root, &out))
}

/// `material` without the properties that say what the specification's defaults say.
fn without_defaults(material: &mut Value) {
    let Some(m) = material.as_object_mut() else {
        return;
    };
    let defaults = [
        ("alphaMode", json!("OPAQUE")),
        ("doubleSided", json!(false)),
        ("emissiveFactor", json!([0.0, 0.0, 0.0])),
    ];
    for (key, value) in &defaults {
        if m.get(*key) == Some(value) {
            m.remove(*key);
        }
    }
    if m.get("alphaMode").is_none() {
        m.remove("alphaCutoff");
    }
    if let Some(pbr) = m
        .get_mut("pbrMetallicRoughness")
        .and_then(Value::as_object_mut)
    {
        for (key, value) in [
            ("baseColorFactor", json!([1.0, 1.0, 1.0, 1.0])),
            ("metallicFactor", json!(1.0)),
            ("roughnessFactor", json!(1.0)),
        ] {
            if pbr.get(key) == Some(&value) {
                pbr.remove(key);
            }
        }
    }
    let drop_tex_coord = |info: Option<&mut Value>| {
        if let Some(o) = info.and_then(Value::as_object_mut)
            && o.get("texCoord") == Some(&json!(0))
        {
            o.remove("texCoord");
        }
    };
    for key in ["normalTexture", "occlusionTexture", "emissiveTexture"] {
        drop_tex_coord(m.get_mut(key));
    }
    if let Some(pbr) = m.get_mut("pbrMetallicRoughness") {
        for key in ["baseColorTexture", "metallicRoughnessTexture"] {
            drop_tex_coord(pbr.get_mut(key));
        }
    }
}

/// The bits of the positions' grid for a model `extent` metres across (its longest side): 14,
/// or enough for millimetre steps, up to 16.
pub fn position_bits(extent: f32) -> u32 {
    ((extent / 0.001).log2().ceil() as u32).clamp(14, 16)
}

fn align(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

/// The primitives of the meshes that can be compressed, read: every primitive of such a mesh
/// is an indexed or plain triangle list with float positions and attributes this module knows,
/// and uses accessors no other primitive or part of the file does.
fn packable<'b>(
    root: &Value,
    view: impl Fn(usize) -> Option<&'b [u8]> + Copy,
) -> Result<Vec<Prim>, CompressError> {
    let mut uses: BTreeMap<usize, usize> = BTreeMap::new();
    let mut count = |a: Option<usize>| {
        if let Some(a) = a {
            *uses.entry(a).or_default() += 1;
        }
    };
    for (m, p) in crate::primitives(root) {
        let prim = &root["meshes"][m]["primitives"][p];
        prim["attributes"]
            .as_object()
            .into_iter()
            .flatten()
            .for_each(|(_, a)| count(index(a)));
        count(prim.get("indices").and_then(index));
    }
    for skin in root["skins"].as_array().into_iter().flatten() {
        count(skin.get("inverseBindMatrices").and_then(index));
    }
    for animation in root["animations"].as_array().into_iter().flatten() {
        for s in animation["samplers"].as_array().into_iter().flatten() {
            count(s.get("input").and_then(index));
            count(s.get("output").and_then(index));
        }
    }
    let mut out = Vec::new();
    let meshes = root["meshes"].as_array().into_iter().flatten();
    'mesh: for (m, mesh) in meshes.enumerate() {
        let mut prims = Vec::new();
        let list = mesh["primitives"].as_array().into_iter().flatten();
        for (p, prim) in list.enumerate() {
            let mode = prim.get("mode").and_then(Value::as_u64).unwrap_or(4);
            let attributes = prim["attributes"].as_object();
            if mode != 4 || prim.get("targets").is_some() || attributes.is_none() {
                continue 'mesh;
            }
            let mut read_attributes = Vec::new();
            for (semantic, a) in attributes.into_iter().flatten() {
                let known = ["POSITION", "NORMAL", "COLOR_0"].contains(&semantic.as_str())
                    || semantic.starts_with("TEXCOORD_");
                let Some(a) = index(a).filter(|a| known && uses.get(a) == Some(&1)) else {
                    continue 'mesh;
                };
                let acc = &root["accessors"][a];
                if acc.get("sparse").is_some() {
                    continue 'mesh;
                }
                let float = acc["componentType"].as_u64() == Some(crate::FLOAT);
                if semantic == "POSITION" && !float {
                    continue 'mesh;
                }
                let (values, n) = read(root, view, a)
                    .map_err(|why| CompressError(format!("accessors[{a}] ({semantic}): {why}")))?;
                read_attributes.push((semantic.clone(), a, values, n));
            }
            let Some(vertices) = read_attributes
                .iter()
                .find(|a| a.0 == "POSITION")
                .map(|a| a.2.len() / 3)
            else {
                continue 'mesh;
            };
            if read_attributes
                .iter()
                .any(|a| a.2.len() / a.3.max(1) != vertices)
            {
                continue 'mesh;
            }
            let mut indices = match prim.get("indices").and_then(index) {
                Some(a) if uses.get(&a) != Some(&1) => continue 'mesh,
                Some(a) => {
                    let (values, _) = read(root, view, a)
                        .map_err(|why| CompressError(format!("accessors[{a}]: {why}")))?;
                    values.into_iter().map(|v| v as u32).collect()
                }
                None => (0..vertices as u32).collect::<Vec<u32>>(),
            };
            if indices.iter().any(|&i| i as usize >= vertices) {
                return Err(CompressError(format!(
                    "meshes[{m}].primitives[{p}] has an index past its vertices"
                )));
            }
            indices.truncate(indices.len() / 3 * 3);
            prims.push(Prim {
                mesh: m,
                primitive: p,
                indices,
                attributes: read_attributes,
            });
        }
        out.extend(prims);
    }
    Ok(out)
}

/// Elements of one kind (mode, filter, stride) from every primitive, packed as one view: as
/// gltfpack does, fewer views mean less JSON and longer streams for the codec.
struct Stream {
    mode: &'static str,
    filter: &'static str,
    stride: usize,
    data: Vec<u8>,
}

struct Packer {
    /// The binary chunk: kept views, then the compressed streams.
    out: Vec<u8>,
    views: Vec<Value>,
    streams: Vec<Stream>,
    /// Length of the fallback buffer: where the decoded views are placed.
    fallback: usize,
    workspace: Workspace,
}

impl Packer {
    /// Adds `data` to the stream of its kind; returns the view that stream will be and the
    /// data's offset in it.
    fn stream(
        &mut self,
        data: &[u8],
        stride: usize,
        mode: &'static str,
        filter: &'static str,
    ) -> (usize, usize) {
        let found = self
            .streams
            .iter()
            .position(|s| s.mode == mode && s.filter == filter && s.stride == stride);
        let i = found.unwrap_or_else(|| {
            self.streams.push(Stream {
                mode,
                filter,
                stride,
                data: Vec::new(),
            });
            self.streams.len() - 1
        });
        let stream = &mut self.streams[i];
        let offset = stream.data.len();
        stream.data.extend_from_slice(data);
        (self.views.len() + i, offset)
    }

    /// Packs every stream into its view, in order after the kept views.
    fn finish(&mut self) -> Result<(), CompressError> {
        for s in std::mem::take(&mut self.streams) {
            let count = s.data.len() / s.stride;
            self.view(&s.data, count, s.stride, s.mode, s.filter)?;
        }
        Ok(())
    }

    /// A compressed view of `count` elements of `stride` bytes; returns its index.
    fn view(
        &mut self,
        data: &[u8],
        count: usize,
        stride: usize,
        mode: &str,
        filter: &str,
    ) -> Result<usize, CompressError> {
        let encoded = if mode == "TRIANGLES" {
            let indices: Vec<u32> = data
                .chunks_exact(stride)
                .map(|c| match c {
                    [a, b] => u32::from(u16::from_le_bytes([*a, *b])),
                    [a, b, c, d] => u32::from_le_bytes([*a, *b, *c, *d]),
                    _ => 0,
                })
                .collect();
            meshoptimizer_rs::codec::encode_index_buffer(
                &indices,
                IndexEncoding::DEFAULT,
                &mut self.workspace,
            )?
        } else {
            // Version 0: the codec `EXT_meshopt_compression` specifies.
            meshoptimizer_rs::codec::encode_vertex_buffer(
                data,
                count,
                stride,
                VertexEncoding::new(0, 2)?,
                &mut self.workspace,
            )?
        };
        align(&mut self.out);
        let mut ext = json!({"buffer": 0, "byteOffset": self.out.len(),
            "byteLength": encoded.len(), "byteStride": stride, "count": count, "mode": mode});
        if filter != "NONE" {
            ext["filter"] = json!(filter);
        }
        self.out.extend_from_slice(&encoded);
        while !self.fallback.is_multiple_of(4) {
            self.fallback += 1;
        }
        let target = if mode == "TRIANGLES" {
            ELEMENT_ARRAY_BUFFER
        } else {
            ARRAY_BUFFER
        };
        let mut view = json!({"buffer": 1, "byteOffset": self.fallback,
            "byteLength": data.len(), "target": target, "extensions": {MESHOPT: ext}});
        if mode != "TRIANGLES" {
            view["byteStride"] = json!(stride);
        }
        self.fallback += data.len();
        self.views.push(view);
        Ok(self.views.len() - 1)
    }

    /// Reorders, quantises and packs one primitive, rewriting its accessors.
    fn primitive(
        &mut self,
        root: &mut Value,
        p: Prim,
        min: [f32; 3],
        step: f32,
    ) -> Result<(), CompressError> {
        let vertices = p
            .attributes
            .iter()
            .find(|a| a.0 == "POSITION")
            .map_or(0, |a| a.2.len() / 3);
        let indices =
            meshoptimizer_rs::optimize_vertex_cache(&p.indices, vertices, &mut self.workspace)?;
        let remap =
            meshoptimizer_rs::optimize_vertex_fetch_remap(&indices, vertices, &mut self.workspace)?;
        let used = remap.vertex_count;
        let indices: Vec<u32> = indices.iter().map(|&i| remap.remap[i as usize]).collect();
        let reorder = |values: &[f32], n: usize| -> Vec<f32> {
            let mut out = vec![0.0; used * n];
            for (old, &new) in remap.remap.iter().enumerate() {
                if new != u32::MAX && (new as usize) < used {
                    let new = new as usize;
                    out[new * n..new * n + n].copy_from_slice(&values[old * n..old * n + n]);
                }
            }
            out
        };
        for (semantic, a, values, n) in &p.attributes {
            let values = reorder(values, *n);
            let acc = &mut root["accessors"][*a];
            let ((view, offset), component, normalized, kind) = match semantic.as_str() {
                "POSITION" => {
                    let mut data = Vec::with_capacity(used * 8);
                    let mut lo = [u16::MAX; 3];
                    let mut hi = [0u16; 3];
                    for e in values.chunks_exact(3) {
                        for k in 0..3 {
                            let q = ((e[k] - min[k]) / step).round().clamp(0.0, 65535.0) as u16;
                            lo[k] = lo[k].min(q);
                            hi[k] = hi[k].max(q);
                            data.extend_from_slice(&q.to_le_bytes());
                        }
                        data.extend_from_slice(&[0, 0]);
                    }
                    acc["min"] = json!(lo);
                    acc["max"] = json!(hi);
                    (
                        self.stream(&data, 8, "ATTRIBUTES", "NONE"),
                        5123,
                        false,
                        "VEC3",
                    )
                }
                "NORMAL" => {
                    let mut four = Vec::with_capacity(used * 4);
                    for e in values.chunks_exact(3) {
                        let len = (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).sqrt();
                        let (x, y, z) = if len > 0.0 && len.is_finite() {
                            (e[0] / len, e[1] / len, e[2] / len)
                        } else {
                            (0.0, 0.0, 1.0)
                        };
                        four.extend_from_slice(&[x, y, z, 0.0]);
                    }
                    let data = meshoptimizer_rs::codec::encode_filter_oct(
                        used,
                        4,
                        8,
                        &four,
                        &mut self.workspace,
                    )?;
                    (
                        self.stream(&data, 4, "ATTRIBUTES", "OCTAHEDRAL"),
                        5120,
                        true,
                        "VEC3",
                    )
                }
                "COLOR_0" => {
                    let data: Vec<u8> = values
                        .chunks_exact(*n)
                        .flat_map(|e| {
                            let alpha = if *n == 4 { e[3] } else { 1.0 };
                            [e[0], e[1], e[2], alpha]
                                .map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)
                        })
                        .collect();
                    (
                        self.stream(&data, 4, "ATTRIBUTES", "NONE"),
                        5121,
                        true,
                        "VEC4",
                    )
                }
                _ => {
                    // Texture coordinates: 1/4096 of a repeat at the largest value.
                    let largest = values.iter().fold(1.0f32, |m, v| m.max(v.abs()));
                    let bits = (13 + largest.log2().ceil().max(0.0) as u32).min(24);
                    let data = meshoptimizer_rs::codec::encode_filter_exp(
                        used,
                        8,
                        bits,
                        &values,
                        meshoptimizer_rs::codec::ExpMode::SharedComponent,
                        &mut self.workspace,
                    )?;
                    (
                        self.stream(&data, 8, "ATTRIBUTES", "EXPONENTIAL"),
                        crate::FLOAT,
                        false,
                        "VEC2",
                    )
                }
            };
            let acc = &mut root["accessors"][*a];
            acc["bufferView"] = json!(view);
            acc["componentType"] = json!(component);
            acc["count"] = json!(used);
            acc["type"] = json!(kind);
            if let Some(o) = acc.as_object_mut() {
                if offset > 0 {
                    o.insert("byteOffset".into(), json!(offset));
                } else {
                    o.remove("byteOffset");
                }
                if normalized {
                    o.insert("normalized".into(), json!(true));
                } else {
                    o.remove("normalized");
                }
                if semantic != "POSITION" {
                    o.remove("min");
                    o.remove("max");
                }
            }
        }
        let (data, stride, component) = if used <= 65_535 {
            let d: Vec<u8> = indices
                .iter()
                .flat_map(|&i| (i as u16).to_le_bytes())
                .collect();
            (d, 2, 5123)
        } else {
            let d: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
            (d, 4, crate::UNSIGNED_INT)
        };
        let (view, offset) = self.stream(&data, stride, "TRIANGLES", "NONE");
        let mut accessor = json!({"bufferView": view, "componentType": component,
            "count": indices.len(), "type": "SCALAR"});
        if offset > 0 {
            accessor["byteOffset"] = json!(offset);
        }
        let prim = &root["meshes"][p.mesh]["primitives"][p.primitive];
        match prim.get("indices").and_then(index) {
            Some(a) => root["accessors"][a] = accessor,
            None => {
                let a = push(&mut root["accessors"], accessor);
                root["meshes"][p.mesh]["primitives"][p.primitive]["indices"] = json!(a);
            }
        }
        Ok(())
    }
}
