//! Derivatives of an accepted model. Today the **full** model: one self-contained GLB (every
//! buffer merged into its binary chunk, every texture file moved inside), recentred on the
//! origin and turned Y-up, which is what the viewer loads. The master stays as uploaded.

use disan_types::admin::UpAxis;
use gltf::json::validation::USize64;
use serde_json::json;

use crate::Model;

/// The full model as GLB bytes.
pub fn full_glb(model: &Model, up: UpAxis) -> Vec<u8> {
    let mut root = model.document.as_json().clone();
    let mut bin: Vec<u8> = Vec::new();
    let pad = |bin: &mut Vec<u8>| {
        while !bin.len().is_multiple_of(8) {
            bin.push(0);
        }
    };
    // Every buffer into one, its views moved along.
    let mut base = Vec::with_capacity(model.buffers.len());
    for (buffer, data) in root.buffers.iter().zip(&model.buffers) {
        pad(&mut bin);
        base.push(bin.len() as u64);
        let len = (buffer.byte_length.0 as usize).min(data.len());
        bin.extend_from_slice(&data[..len]);
    }
    for view in &mut root.buffer_views {
        let from = base.get(view.buffer.value()).copied().unwrap_or(0);
        view.byte_offset = Some(USize64(from + view.byte_offset.map_or(0, |o| o.0)));
        view.buffer = gltf::json::Index::new(0);
    }
    // Texture files inside, as buffer views.
    for (image, file) in root.images.iter_mut().zip(&model.images) {
        if let Some((bytes, mime)) = file {
            pad(&mut bin);
            let view = gltf::json::buffer::View {
                buffer: gltf::json::Index::new(0),
                byte_length: USize64(bytes.len() as u64),
                byte_offset: Some(USize64(bin.len() as u64)),
                byte_stride: None,
                name: None,
                target: None,
                extensions: None,
                extras: Default::default(),
            };
            bin.extend_from_slice(bytes);
            root.buffer_views.push(view);
            image.buffer_view = Some(gltf::json::Index::new(root.buffer_views.len() as u32 - 1));
            image.mime_type = Some(gltf::json::image::MimeType(mime.clone()));
            image.uri = None;
        }
    }
    pad(&mut bin);
    root.buffers = vec![gltf::json::Buffer {
        byte_length: USize64(bin.len() as u64),
        name: None,
        uri: None,
        extensions: None,
        extras: Default::default(),
    }];
    // New root nodes: the scene moved so its centre is at the origin, then turned Y-up (in
    // that order, so the rotation never meets the large offsets of georeferenced scans).
    let c = model.report.center;
    let scene = root.scene.map_or(0, |s| s.value());
    if let Some(s) = root.scenes.get(scene) {
        let recentred = json!({
            "name": "disan:recentred",
            "children": s.nodes.iter().map(|n| n.value()).collect::<Vec<_>>(),
            "translation": c.map(|v| -v as f32),
        });
        let mut top = root.nodes.len();
        if let Ok(node) = serde_json::from_value(recentred) {
            root.nodes.push(node);
        }
        if up == UpAxis::Z {
            // -90° about X: (x, y, z) → (x, z, -y).
            let h = std::f32::consts::FRAC_1_SQRT_2;
            let turned =
                json!({"name": "disan:y-up", "children": [top], "rotation": [-h, 0.0, 0.0, h]});
            if let Ok(node) = serde_json::from_value(turned) {
                root.nodes.push(node);
                top += 1;
            }
        }
        root.scenes[scene].nodes = vec![gltf::json::Index::new(top as u32)];
        root.scene = Some(gltf::json::Index::new(scene as u32));
    }
    root.asset.generator = Some("Disan (full model)".into());
    let json = gltf::json::serialize::to_vec(&root).unwrap_or_default();
    glb(&json, &bin)
}

/// A GLB of a JSON chunk and a binary chunk.
pub fn glb(json: &[u8], bin: &[u8]) -> Vec<u8> {
    let mut j = json.to_vec();
    while !j.len().is_multiple_of(4) {
        j.push(b' ');
    }
    let mut b = bin.to_vec();
    while !b.len().is_multiple_of(4) {
        b.push(0);
    }
    let total = 12 + 8 + j.len() + if b.is_empty() { 0 } else { 8 + b.len() };
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(j.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&j);
    if !b.is_empty() {
        out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        out.extend_from_slice(&b);
    }
    out
}
