//! Compressed buffer views and quantised attributes made plain: decoded into one new buffer
//! of floats (and the views' own bytes), the JSON rewritten to point at it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::{
    ARRAY_BUFFER, FLOAT, MESHOPT, Problem, QUANTIZATION, components, index, primitives, push,
    scalar, width,
};

/// Decodes a document's compressed views and quantised attributes into one new buffer, placed
/// after the document's own ([`Unpacker::decoded_index`]). Other decoders (the upload checks'
/// Draco) add to the same buffer through [`Unpacker::new_view`] and
/// [`Unpacker::float_accessor`].
pub struct Unpacker<'p, 'r> {
    pub root: &'r mut Value,
    /// Each buffer's bytes (`None` for meshopt's fallback buffers, which hold nothing).
    buffers: Vec<Option<Cow<'p, [u8]>>>,
    out: Vec<u8>,
    max_unpacked: u64,
    found: Vec<Problem>,
}

impl<'p, 'r> Unpacker<'p, 'r> {
    /// `buffers` are the document's buffers in order; at most `max_unpacked` bytes are decoded.
    pub fn new(
        root: &'r mut Value,
        buffers: Vec<Option<Cow<'p, [u8]>>>,
        max_unpacked: u64,
    ) -> Unpacker<'p, 'r> {
        Unpacker {
            root,
            buffers,
            out: Vec::new(),
            max_unpacked,
            found: Vec::new(),
        }
    }

    /// Notes a problem; [`Unpacker::finish`] then returns every one.
    pub fn problem(&mut self, problem: Problem) {
        self.found.push(problem);
    }

    /// The index the decoded buffer gets: after the document's own.
    pub fn decoded_index(&self) -> usize {
        self.buffers.len()
    }

    /// The bytes of buffer `i` (the decoded one included).
    pub fn buffer_bytes(&self, i: usize) -> Option<&[u8]> {
        if i == self.decoded_index() {
            Some(&self.out)
        } else {
            self.buffers.get(i)?.as_deref()
        }
    }

    /// Room for `bytes` more decoded bytes, or a problem at `at`.
    pub fn room(&mut self, bytes: u64, at: &str, ext: &'static str) -> bool {
        let total = (self.out.len() as u64).saturating_add(bytes);
        if total > self.max_unpacked {
            let why = format!(
                "it unpacks to more than {} MB",
                self.max_unpacked / 1_000_000
            );
            self.found.push(Problem::new(at, ext, why));
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
    pub fn new_view(&mut self, bytes: &[u8], target: u64) -> usize {
        let start = self.append(bytes);
        let view = json!({"buffer": self.decoded_index(), "byteOffset": start,
            "byteLength": bytes.len(), "target": target});
        push(&mut self.root["bufferViews"], view)
    }

    /// Rewrites accessor `a` as `data` (floats, `n` per element; min/max kept for positions).
    pub fn float_accessor(&mut self, a: usize, data: &[f32], n: usize, bounds: bool) {
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
    pub fn meshopt(&mut self) {
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
                self.found.push(Problem::new(
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
                    .push(Problem::new(at, MESHOPT, "an unknown mode or filter"));
                continue;
            };
            let size = (n as u64).saturating_mul(stride as u64);
            if !self.room(size, &at, MESHOPT) {
                continue;
            }
            let source = self
                .buffer_bytes(buffer)
                .filter(|_| buffer != self.decoded_index())
                .and_then(|b| b.get(offset..offset.checked_add(length)?));
            let Some(source) = source else {
                self.found.push(Problem::new(
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
                    remove_extension(view, MESHOPT);
                }
                Err(e) => self.found.push(Problem::new(at, MESHOPT, e.to_string())),
            }
        }
    }

    /// The bytes of buffer view `v`.
    pub fn view_bytes(&self, v: usize) -> Option<&[u8]> {
        let view = self.root.get("bufferViews")?.get(v)?;
        let buffer = index(view.get("buffer")?)?;
        let offset = view.get("byteOffset").map_or(Some(0), index)?;
        let length = index(view.get("byteLength")?)?;
        self.buffer_bytes(buffer)?
            .get(offset..offset.checked_add(length)?)
    }

    /// Every mesh primitive, as (mesh, primitive) indices.
    pub fn primitives(&self) -> Vec<(usize, usize)> {
        primitives(self.root)
    }

    /// Rewrites the integer vertex attributes quantisation allows (positions, normals,
    /// tangents, texture coordinates) as floats.
    pub fn dequantize(&mut self) {
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
                match read(self.root, |v| self.view_bytes(v), a) {
                    Ok((values, n)) => {
                        if self.room(values.len() as u64 * 4, &at, QUANTIZATION) {
                            self.float_accessor(a, &values, n, semantic.as_str() == "POSITION");
                        }
                    }
                    Err(why) => self.found.push(Problem::new(at, QUANTIZATION, why)),
                }
            }
        }
    }

    /// The decoded buffer (padded to four bytes, never empty), or every problem found.
    pub fn finish(mut self) -> Result<Vec<u8>, Vec<Problem>> {
        if !self.found.is_empty() {
            return Err(self.found);
        }
        while self.out.len() < 4 || !self.out.len().is_multiple_of(4) {
            self.out.push(0);
        }
        Ok(self.out)
    }
}

/// Removes extension `name` from `object` (and its `extensions` if none is left).
pub(crate) fn remove_extension(object: &mut Value, name: &str) {
    if let Some(exts) = object["extensions"].as_object_mut() {
        exts.remove(name);
        if exts.is_empty()
            && let Some(o) = object.as_object_mut()
        {
            o.remove("extensions");
        }
    }
}

/// Accessor `a`'s elements as floats, and how many per element; `view` gives a buffer view's
/// bytes.
pub(crate) fn read<'b>(
    root: &Value,
    view: impl Fn(usize) -> Option<&'b [u8]>,
    a: usize,
) -> Result<(Vec<f32>, usize), String> {
    let acc = &root["accessors"][a];
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
    let bytes = view(v).ok_or("its bufferView is out of range")?;
    let offset = acc.get("byteOffset").map_or(Some(0), index).unwrap_or(0);
    let size = n * w;
    let stride = root["bufferViews"][v]
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

/// `bytes` (a GLB) as an ordinary GLB with one binary chunk when it uses
/// `EXT_meshopt_compression` or `KHR_mesh_quantization`; as it is otherwise. At most
/// `max_unpacked` bytes are decoded. Buffers outside the file are a problem.
pub fn plain_glb(bytes: &[u8], max_unpacked: u64) -> Result<Cow<'_, [u8]>, Vec<Problem>> {
    unpack_glb(bytes, max_unpacked, false)
}

/// [`plain_glb`], its WebP textures also read as plain ones ([`crate::webp_sources`]): what a
/// glTF reader without `EXT_texture_webp` (the gltf crate: the viewer, `ModelFacts`) reads.
/// Not a valid glTF for validators (a plain texture may not be WebP).
pub fn readable_glb(bytes: &[u8], max_unpacked: u64) -> Result<Cow<'_, [u8]>, Vec<Problem>> {
    unpack_glb(bytes, max_unpacked, true)
}

/// [`plain_glb`], with WebP textures read as plain ones when `webp`.
pub(crate) fn unpack_glb(
    bytes: &[u8],
    max_unpacked: u64,
    webp: bool,
) -> Result<Cow<'_, [u8]>, Vec<Problem>> {
    let glb_problem = |why: String| vec![Problem::new("file", MESHOPT, why)];
    let (json, bin) = crate::split(bytes).map_err(glb_problem)?;
    let mut root: Value = match serde_json::from_slice(json) {
        Ok(root @ Value::Object(_)) => root,
        // Not for this function to judge: the glTF reader reports it.
        _ => return Ok(Cow::Borrowed(bytes)),
    };
    let webp = webp && crate::webp_sources(&mut root);
    let bin = bin.unwrap_or_default();
    if !crate::uses(&root, MESHOPT) && !crate::uses(&root, QUANTIZATION) {
        return Ok(match webp {
            true => Cow::Owned(crate::glb(&root, bin)),
            false => Cow::Borrowed(bytes),
        });
    }
    let mut buffers = Vec::new();
    let mut fallback = Vec::new();
    for (i, b) in root["buffers"].as_array().into_iter().flatten().enumerate() {
        if b.get("uri").is_some() {
            return Err(vec![Problem::new(
                format!("buffers[{i}]"),
                MESHOPT,
                "it is outside the file",
            )]);
        }
        if b["extensions"][MESHOPT]["fallback"] == true {
            fallback.push(i);
            buffers.push(None);
        } else {
            buffers.push(Some(Cow::Borrowed(bin)));
        }
    }
    let decoded_index = buffers.len();
    let out = {
        let mut u = Unpacker::new(&mut root, buffers, max_unpacked);
        u.meshopt();
        u.dequantize();
        u.finish()?
    };
    let mut all = bin.to_vec();
    while !all.len().is_multiple_of(4) {
        all.push(0);
    }
    let base = all.len();
    all.extend_from_slice(&out);
    let views = root.get_mut("bufferViews").and_then(Value::as_array_mut);
    let views = views.into_iter().flatten();
    for (v, view) in views.enumerate() {
        match view.get("buffer").and_then(index) {
            Some(b) if b == decoded_index => {
                let offset = view.get("byteOffset").and_then(index).unwrap_or(0);
                view["byteOffset"] = json!(base + offset);
            }
            Some(b) if fallback.contains(&b) => {
                return Err(vec![Problem::new(
                    format!("bufferViews[{v}]"),
                    MESHOPT,
                    "it is in the fallback buffer but is not compressed",
                )]);
            }
            _ => {}
        }
        view["buffer"] = json!(0);
    }
    root["buffers"] = json!([{"byteLength": all.len()}]);
    crate::drop_extensions(&mut root, &[MESHOPT, QUANTIZATION]);
    Ok(Cow::Owned(crate::glb(&root, &all)))
}
