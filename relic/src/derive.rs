//! Derivatives of an accepted model. Today the **full** model: one self-contained GLB (every
//! buffer view packed into its binary chunk, every texture inside, resized to the mobile budget
//! and written as PNG, which the viewer decodes), recentred on the origin and turned Y-up. The
//! master stays as uploaded.

use disan_types::admin::UpAxis;
use gltf::json::validation::USize64;
use serde_json::json;

use crate::Model;

/// The full model as GLB bytes: textures at most `max_texture` pixels on a side, as PNG (what
/// the viewer decodes today).
pub fn full_glb(model: &Model, up: UpAxis, max_texture: u32) -> Vec<u8> {
    let mut root = model.document.as_json().clone();
    let mut bin: Vec<u8> = Vec::new();
    let pad = |bin: &mut Vec<u8>| {
        while !bin.len().is_multiple_of(8) {
            bin.push(0);
        }
    };
    // The views' bytes into one buffer (texture views are filled below).
    let texture_views: std::collections::HashSet<usize> = root
        .images
        .iter()
        .filter_map(|i| i.buffer_view.map(|v| v.value()))
        .collect();
    let mut view_bytes: Vec<Option<&[u8]>> = Vec::with_capacity(root.buffer_views.len());
    for view in &root.buffer_views {
        let data = &model.buffers[view.buffer.value()];
        let start = view.byte_offset.map_or(0, |o| o.0) as usize;
        view_bytes.push(data.get(start..start + view.byte_length.0 as usize));
    }
    for (i, view) in root.buffer_views.iter_mut().enumerate() {
        view.buffer = gltf::json::Index::new(0);
        if texture_views.contains(&i) {
            continue;
        }
        pad(&mut bin);
        view.byte_offset = Some(USize64(bin.len() as u64));
        bin.extend_from_slice(view_bytes[i].unwrap_or_default());
    }
    // Every texture, resized and as PNG, into a view of its own.
    for (n, file) in model.images.iter().enumerate() {
        let (source, mime): (&[u8], String) = match (file, root.images[n].buffer_view) {
            (Some((bytes, mime)), _) => (bytes, mime.clone()),
            (None, Some(v)) => (
                view_bytes[v.value()].unwrap_or_default(),
                root.images[n]
                    .mime_type
                    .as_ref()
                    .map_or(String::new(), |m| m.0.clone()),
            ),
            (None, None) => continue,
        };
        let (bytes, mime) = match texture_png(source, max_texture) {
            Some(png) => (png, "image/png".to_owned()),
            None => (source.to_vec(), mime),
        };
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
        bin.extend_from_slice(&bytes);
        let index = match root.images[n].buffer_view {
            Some(v) => {
                root.buffer_views[v.value()] = view;
                v
            }
            None => {
                root.buffer_views.push(view);
                gltf::json::Index::new(root.buffer_views.len() as u32 - 1)
            }
        };
        let image = &mut root.images[n];
        image.buffer_view = Some(index);
        image.mime_type = Some(gltf::json::image::MimeType(mime));
        image.uri = None;
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

/// A texture at most `max_side` pixels on a side, as PNG (RGBA when it has transparency);
/// `None` if it does not decode.
pub fn texture_png(bytes: &[u8], max_side: u32) -> Option<Vec<u8>> {
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
    let image = if image.color().has_alpha() {
        image::DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(image.to_rgb8())
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
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
