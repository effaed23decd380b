//! The graphics memory a model takes once shown, estimated from its JSON and its images'
//! headers before anything is decoded or unpacked: what the viewer checks before it decodes a
//! level, and what the server tells the page before it is downloaded.

use serde_json::Value;

use crate::index;

/// The graphics memory `glb` takes once shown: each triangle primitive's vertices as the
/// viewer uploads them (positions and normals, texture coordinates and colours when present:
/// 12 + 12 + 8 per set + 16 bytes), its indices as 32-bit integers, and each texture a
/// material shows (the base colour; normal and occlusion maps unless the material is unlit)
/// as RGBA8 with its mipmaps (a third more), an image shown both as colours and as data
/// counted twice. `None` when the file is no GLB or an image's size cannot be read from its
/// header.
pub fn gpu_bytes(glb: &[u8]) -> Option<u64> {
    footprint(glb).map(|f| f.gpu_bytes)
}

/// What a model asks of the graphics device once shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Footprint {
    /// Its graphics memory ([`gpu_bytes`]).
    pub gpu_bytes: u64,
    /// The longest side of any texture it shows, in pixels (0: none): a device whose largest
    /// texture is smaller shows it smaller.
    pub texture_side: u32,
}

/// The model's [`Footprint`], read as [`gpu_bytes`] reads it.
pub fn footprint(glb: &[u8]) -> Option<Footprint> {
    let (json, bin) = crate::split(glb).ok()?;
    let mut root: Value = serde_json::from_slice(json).ok()?;
    crate::webp_sources(&mut root);
    let bin = bin.unwrap_or_default();
    let count = |a: &Value| {
        a.as_u64()
            .and_then(|a| root["accessors"][a as usize]["count"].as_u64())
    };
    let mut bytes = 0u64;
    for prim in root["meshes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["primitives"].as_array().into_iter().flatten())
    {
        let attributes = &prim["attributes"];
        let Some(vertices) = count(&attributes["POSITION"]) else {
            continue;
        };
        let mut per_vertex = 24;
        for (name, size) in [("TEXCOORD_0", 8), ("TEXCOORD_1", 8), ("COLOR_0", 16)] {
            if attributes.get(name).is_some() {
                per_vertex += size;
            }
        }
        let corners = count(&prim["indices"]).unwrap_or(vertices);
        bytes += vertices * per_vertex + corners * 4;
    }
    let mut shown = std::collections::BTreeSet::new();
    for m in root["materials"].as_array().into_iter().flatten() {
        let unlit = m["extensions"].get("KHR_materials_unlit").is_some();
        let colour = &m["pbrMetallicRoughness"]["baseColorTexture"];
        let mut textures = vec![(colour, true)];
        if !unlit {
            textures.push((&m["normalTexture"], false));
            textures.push((&m["occlusionTexture"], false));
        }
        for (info, srgb) in textures {
            let image = info
                .get("index")
                .and_then(index)
                .and_then(|t| root["textures"][t].get("source").and_then(index));
            if let Some(image) = image {
                shown.insert((image, srgb));
            }
        }
    }
    let mut texture_side = 0;
    for (image, _) in shown {
        let view = &root["bufferViews"][root["images"][image]["bufferView"].as_u64()? as usize];
        let start = view.get("byteOffset").and_then(index).unwrap_or(0);
        let length = view.get("byteLength").and_then(index)?;
        let header = bin.get(start..start.checked_add(length)?)?;
        let (w, h) = crate::image::size(header)?;
        bytes += u64::from(w) * u64::from(h) * 4 * 4 / 3;
        texture_side = texture_side.max(w).max(h);
    }
    Some(Footprint {
        gpu_bytes: bytes,
        texture_side,
    })
}
