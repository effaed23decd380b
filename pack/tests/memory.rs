//! The graphics memory a model will take, estimated from its JSON and its images' headers.

use disan_pack::image::size;
use disan_pack::{Footprint, footprint, gpu_bytes};
use serde_json::{Value, json};

/// The PNG header of a `w` × `h` image (what the estimate reads of it).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(w.to_be_bytes());
    png.extend(h.to_be_bytes());
    png
}

/// One primitive of 1,000 vertices with UVs and 3,000 indices; image 0 a 2048² PNG, image 1
/// a 1024² one; `material` as given.
fn model(material: Value, textures: Value) -> Vec<u8> {
    let (big, small) = (png(2048, 2048), png(1024, 1024));
    let doc = json!({
        "asset": {"version": "2.0"},
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1},
            "indices": 2, "material": 0}]}],
        "materials": [material],
        "textures": textures,
        "images": [{"bufferView": 0, "mimeType": "image/png"},
            {"bufferView": 2, "mimeType": "image/png"}],
        "accessors": [
            {"bufferView": 1, "componentType": 5126, "count": 1000, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 1]},
            {"bufferView": 1, "componentType": 5126, "count": 1000, "type": "VEC2"},
            {"bufferView": 1, "componentType": 5123, "count": 3000, "type": "SCALAR"}],
        "bufferViews": [{"buffer": 0, "byteLength": big.len()},
            {"buffer": 0, "byteOffset": 24, "byteLength": 12000},
            {"buffer": 0, "byteOffset": 12024, "byteLength": small.len()}],
        "buffers": [{"byteLength": 12048}],
    });
    let mut bin = big;
    bin.resize(12024, 0);
    bin.extend(small);
    disan_pack::glb(&doc, &bin)
}

const BIG: u64 = 2048 * 2048 * 4 * 4 / 3;
const SMALL: u64 = 1024 * 1024 * 4 * 4 / 3;
const GEOMETRY: u64 = 1000 * 32 + 3000 * 4;

#[test]
fn graphics_memory_is_estimated_before_decoding() {
    let textures = json!([{"source": 0}, {"source": 1}]);
    let colour = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}});
    assert_eq!(
        gpu_bytes(&model(colour, textures.clone())),
        Some(GEOMETRY + BIG)
    );
    // A normal and an occlusion map count; an unlit surface shows neither.
    let mut maps = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}},
        "normalTexture": {"index": 1}, "occlusionTexture": {"index": 1}});
    assert_eq!(
        gpu_bytes(&model(maps.clone(), textures.clone())),
        Some(GEOMETRY + BIG + SMALL)
    );
    maps["extensions"] = json!({"KHR_materials_unlit": {}});
    assert_eq!(
        gpu_bytes(&model(maps, textures.clone())),
        Some(GEOMETRY + BIG)
    );
    // One image shown as colours and as data is two textures.
    let both = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}},
        "normalTexture": {"index": 0}});
    assert_eq!(gpu_bytes(&model(both, textures)), Some(GEOMETRY + 2 * BIG));
    // A texture named through `EXT_texture_webp` counts as well.
    let webp = json!([{"extensions": {"EXT_texture_webp": {"source": 1}}}]);
    let colour = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}});
    let mut glb = model(colour, webp);
    let (json, bin) = disan_pack::split(&glb).unwrap();
    let mut doc: Value = serde_json::from_slice(json).unwrap();
    doc["extensionsUsed"] = json!(["EXT_texture_webp"]);
    glb = disan_pack::glb(&doc, bin.unwrap());
    assert_eq!(gpu_bytes(&glb), Some(GEOMETRY + SMALL));
    // Eleven 2048² textures fit a phone's 256 MB, thirteen do not.
    const { assert!(11 * BIG < 256 << 20 && 13 * BIG > 256 << 20) };
    assert_eq!(gpu_bytes(b"not a model"), None);
}

#[test]
fn the_longest_texture_side_is_read_with_the_memory() {
    let textures = json!([{"source": 0}, {"source": 1}]);
    let small = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 1}}});
    assert_eq!(
        footprint(&model(small, textures.clone())),
        Some(Footprint {
            gpu_bytes: GEOMETRY + SMALL,
            texture_side: 1024
        })
    );
    let maps = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 1}},
        "normalTexture": {"index": 0}});
    assert_eq!(
        footprint(&model(maps.clone(), textures.clone())).map(|f| f.texture_side),
        Some(2048)
    );
    // An image no material shows asks nothing of the device.
    let plain = json!({"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1]}});
    assert_eq!(
        footprint(&model(plain, textures)),
        Some(Footprint {
            gpu_bytes: GEOMETRY,
            texture_side: 0
        })
    );
}

#[test]
fn image_sizes_come_from_their_headers() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(2048u32.to_be_bytes());
    png.extend(1024u32.to_be_bytes());
    assert_eq!(size(&png), Some((2048, 1024)));
    // JPEG: an APP0 segment, then the frame header with height 300, width 400.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
    jpeg.extend([0xFF, 0xC2, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x03]);
    assert_eq!(size(&jpeg), Some((400, 300)));
    let webp = |chunk: &[u8], body: &[u8]| {
        let mut w = b"RIFF\0\0\0\0WEBP".to_vec();
        w.extend(chunk);
        w.extend([0; 4]);
        w.extend(body);
        w
    };
    // VP8X: canvas 4096 × 2048, stored minus one in 24 bits.
    let x = webp(b"VP8X", &[0, 0, 0, 0, 0xFF, 0x0F, 0, 0xFF, 0x07, 0]);
    assert_eq!(size(&x), Some((4096, 2048)));
    // VP8L: 14-bit width and height minus one after the 0x2F signature.
    let (w, h) = (999u32, 499u32);
    let bits = w | (h << 14);
    let mut body = vec![0x2F];
    body.extend(bits.to_le_bytes());
    assert_eq!(size(&webp(b"VP8L", &body)), Some((1000, 500)));
    // VP8: the key frame's start code, then 14-bit sizes.
    let mut body = vec![0, 0, 0, 0x9D, 0x01, 0x2A];
    body.extend(640u16.to_le_bytes());
    body.extend(480u16.to_le_bytes());
    assert_eq!(size(&webp(b"VP8 ", &body)), Some((640, 480)));
    assert_eq!(size(b"not an image"), None);
    assert_eq!(size(&jpeg[..6]), None);
}
