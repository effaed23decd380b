//! Compressed and quantised input made plain before it is checked: buffer views packed with
//! meshoptimizer's codec (`EXT_meshopt_compression`), primitives packed with Google's Draco
//! (`KHR_draco_mesh_compression`) and attributes stored as small integers
//! (`KHR_mesh_quantization`) are decoded into one new buffer of plain floats and 32-bit
//! indices, and the JSON is rewritten to point at it, so the checks and the derivatives see
//! an ordinary glTF. What the scanning tools write this way (gltfpack, glTF Transform, Draco's
//! encoder) is accepted; a stream that does not decode is a problem like any other, named by
//! the buffer view or primitive it came from. Textures given as WebP through
//! `EXT_texture_webp` are read as plain textures.
//!
//! Every size comes from the file, so each is checked before it is read or allocated: the
//! compressed range against its buffer, the decoded size against [`Limits::max_unpacked`]
//! (counted over the whole file), and Draco's points and faces against the triangle limit.

use std::borrow::Cow;

use disan_pack::{Problem, Unpacker, components, index, push};
use serde_json::{Value, json};

use crate::document::Parts;
use crate::problem::{Found, Issue};
use crate::{Limits, UPLOAD};

pub use disan_pack::{MESHOPT, QUANTIZATION, WEBP};
pub const DRACO: &str = "KHR_draco_mesh_compression";

/// The extensions decoded here.
pub const DECODED: &[&str] = &[MESHOPT, DRACO, QUANTIZATION];

/// The names the decoded data and the emptied fallback buffers are given to the checks.
const DECODED_URI: &str = ".disan-decoded.bin";
const FALLBACK_URI: &str = ".disan-fallback.bin";
const KEPT_URI: &str = ".disan-buffer-";

const UNSIGNED_INT: u64 = 5125;
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
    let mut decoded: Vec<String> = DECODED
        .iter()
        .filter(|e| uses(e))
        .map(|e| (*e).to_owned())
        .collect();
    // WebP textures (`EXT_texture_webp`) are read as plain ones: the image checks know WebP.
    if disan_pack::webp_sources(&mut root) {
        decoded.push(WEBP.to_owned());
        if decoded.len() == 1 {
            let json = to_json(&root)?;
            let parts = Parts {
                json: Cow::Owned(json),
                ..parts
            };
            return Ok((parts, decoded));
        }
    }
    if decoded.is_empty() {
        return Ok((parts, decoded));
    }
    let (buffers, renamed, fallback) = buffers(&parts, &root)?;
    let decoded_index = buffers.len();
    let (mut buffers, bytes) = {
        let mut d = Unpacker::new(&mut root, buffers, limits.max_unpacked);
        d.meshopt();
        draco(&mut d, limits);
        d.dequantize();
        // The upload's own buffers again, for the ones given to the checks under a new name.
        let kept: Vec<Option<Vec<u8>>> = (0..decoded_index)
            .map(|i| {
                renamed
                    .contains(&i)
                    .then(|| d.buffer_bytes(i).map(<[u8]>::to_vec))
            })
            .map(Option::flatten)
            .collect();
        let bytes = d
            .finish()
            .map_err(|p| p.into_iter().map(found).collect::<Vec<_>>())?;
        (kept, bytes)
    };
    if !root["buffers"].is_array() {
        root["buffers"] = json!([]);
    }
    if let Some(list) = root["buffers"].as_array_mut() {
        for &i in &fallback {
            list[i] = json!({"byteLength": 4, "uri": FALLBACK_URI});
        }
        for &i in &renamed {
            if buffers[i].is_some() {
                list[i]["uri"] = json!(format!("{KEPT_URI}{i}.bin"));
            }
        }
        list.push(json!({"byteLength": bytes.len(), "uri": DECODED_URI}));
    }
    for key in ["extensionsUsed", "extensionsRequired"] {
        if let Some(list) = root.get_mut(key).and_then(Value::as_array_mut) {
            list.retain(|e| !e.as_str().is_some_and(|e| DECODED.contains(&e)));
        }
    }
    let json = to_json(&root)?;
    let mut files = parts.files.unwrap_or_default();
    let base = parts.base;
    files.insert(format!("{base}{DECODED_URI}"), bytes);
    files.insert(format!("{base}{FALLBACK_URI}"), vec![0; 4]);
    for (i, bytes) in buffers.iter_mut().enumerate() {
        if let Some(bytes) = bytes.take() {
            files.insert(format!("{base}{KEPT_URI}{i}.bin"), bytes);
        }
    }
    let parts = Parts {
        json: Cow::Owned(json),
        bin: None,
        files: Some(files),
        base,
    };
    Ok((parts, decoded))
}

fn to_json(root: &Value) -> Result<Vec<u8>, Vec<Found>> {
    serde_json::to_vec(root).map_err(|e| {
        vec![Found::new(
            UPLOAD,
            Issue::Compressed {
                ext: "glTF",
                why: e.to_string(),
            },
        )]
    })
}

fn found(p: Problem) -> Found {
    Found::new(
        p.at,
        Issue::Compressed {
            ext: p.ext,
            why: p.why,
        },
    )
}

fn problem(at: impl Into<String>, ext: &'static str, why: impl Into<String>) -> Problem {
    Problem::new(at, ext, why)
}

/// The upload's buffers in order (`None` for meshopt's fallback buffers, which hold nothing);
/// the ones its GLB chunk or a `data:` URI held (given to the checks under a new name); the
/// fallback ones.
#[allow(clippy::type_complexity)]
fn buffers<'p>(
    parts: &'p Parts<'_>,
    root: &Value,
) -> Result<(Vec<Option<Cow<'p, [u8]>>>, Vec<usize>, Vec<usize>), Vec<Found>> {
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
    Ok((buffers, renamed, fallback))
}

/// Decodes every Draco-compressed primitive into plain accessors.
fn draco(d: &mut Unpacker<'_, '_>, limits: &Limits) {
    for (m, p) in d.primitives() {
        let prim = d.root["meshes"][m]["primitives"][p].clone();
        let ext = &prim["extensions"][DRACO];
        if ext.is_null() {
            continue;
        }
        let at = format!("meshes[{m}].primitives[{p}]");
        let view = ext.get("bufferView").and_then(index);
        let bytes = view.and_then(|v| d.view_bytes(v)).map(<[u8]>::to_vec);
        let Some(bytes) = bytes else {
            d.problem(problem(
                at,
                DRACO,
                "its bufferView is missing or out of range",
            ));
            continue;
        };
        let limits = draco_core::DecodeLimits::default()
            .with_max_faces(limits.max_triangles)
            .with_max_points(limits.max_triangles.saturating_mul(3))
            .with_max_decoded_bytes(limits.max_unpacked);
        let mut buffer = draco_core::DecoderBuffer::new(&bytes).with_limits(limits);
        let mut mesh = draco_core::Mesh::new();
        // Draco's decoder on bytes from the upload: a panic in it is this file's problem.
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            draco_core::MeshDecoder::new().decode(&mut buffer, &mut mesh)
        }));
        match decoded {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                d.problem(problem(at, DRACO, e.to_string()));
                continue;
            }
            Err(_) => {
                d.problem(problem(at, DRACO, "the Draco stream is malformed"));
                continue;
            }
        }
        let points = mesh.num_points();
        let faces = mesh.num_faces();
        let size = (points as u64 * 64).saturating_add(faces as u64 * 12);
        if !d.room(size, &at, DRACO) {
            continue;
        }
        let mut semantics = Vec::new();
        for (semantic, id) in ext["attributes"].as_object().into_iter().flatten() {
            let accessor = prim["attributes"].get(semantic).and_then(index);
            let found = (0..mesh.num_attributes())
                .map(|i| mesh.attribute(i))
                .find(|a| id.as_u64() == Some(u64::from(a.unique_id())));
            let (Some(accessor), Some(attribute)) = (accessor, found) else {
                d.problem(problem(
                    format!("{at}.extensions.{DRACO}.attributes.{semantic}"),
                    DRACO,
                    "names an attribute the Draco stream or the primitive lacks",
                ));
                continue;
            };
            let kind = d.root["accessors"][accessor]["type"]
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
            d.float_accessor(accessor, &values, kind, bounds);
        }
        let view = d.new_view(&indices, ELEMENT_ARRAY_BUFFER);
        let prim = &mut d.root["meshes"][m]["primitives"][p];
        match prim.get("indices").and_then(index) {
            Some(a) => {
                if let Some(acc) = d.root["accessors"]
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
                    &mut d.root["accessors"],
                    json!({"bufferView": view, "componentType": UNSIGNED_INT,
                        "count": faces * 3, "type": "SCALAR"}),
                );
                d.root["meshes"][m]["primitives"][p]["indices"] = json!(a);
            }
        }
        let prim = &mut d.root["meshes"][m]["primitives"][p];
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
