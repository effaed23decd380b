//! Texture images to RGBA pixels: in the browser by the browser itself (`createImageBitmap` on
//! the bytes, drawn to an `OffscreenCanvas` and read back), so JPEG, PNG and WebP cost nothing
//! in the wasm file and decode with the browser's fast native code; on the desktop by bevy's
//! PNG and JPEG decoders.

/// An image's pixels: width, height, RGBA8 rows from the top (not premultiplied).
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// The MIME type `bytes` begin as: JPEG, PNG or WebP (files sometimes name the wrong one).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// An image's width and height read from its header (PNG, JPEG, WebP), before decoding it.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
        ])))
    };
    let le = |i: usize, n: usize| -> Option<u32> {
        let b = bytes.get(i..i + n)?;
        Some(b.iter().rev().fold(0u32, |v, &x| (v << 8) | u32::from(x)))
    };
    match sniff(bytes)? {
        "image/png" => {
            let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        "image/jpeg" => {
            let mut i = 2;
            while i + 4 <= bytes.len() {
                if bytes[i] != 0xFF {
                    return None;
                }
                let marker = bytes[i + 1];
                match marker {
                    0xFF => i += 1,
                    0x01 | 0xD0..=0xD7 => i += 2,
                    0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                        return Some((be16(i + 7)?, be16(i + 5)?));
                    }
                    _ => i += 2 + be16(i + 2)? as usize,
                }
            }
            None
        }
        _ => match bytes.get(12..16)? {
            b"VP8 " => Some((le(26, 2)? & 0x3FFF, le(28, 2)? & 0x3FFF)),
            b"VP8L" => {
                let b = le(21, 4)?;
                Some((1 + (b & 0x3FFF), 1 + ((b >> 14) & 0x3FFF)))
            }
            b"VP8X" => Some((1 + le(24, 3)?, 1 + le(27, 3)?)),
            _ => None,
        },
    }
}

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`, `image/webp`).
#[cfg(target_arch = "wasm32")]
pub async fn rgba(bytes: &[u8], mime: &str) -> Result<Rgba, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let why = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{e:?}"))
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let kind = web_sys::BlobPropertyBag::new();
    kind.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &kind).map_err(why)?;
    // The texel values as stored: no colour-profile conversion, no premultiplied alpha.
    let options = web_sys::ImageBitmapOptions::new();
    options.set_color_space_conversion(web_sys::ColorSpaceConversion::None);
    options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &options)
        .map_err(why)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|e| format!("the browser could not decode it ({mime}): {}", why(e)))?
        .unchecked_into();
    let (width, height) = (bitmap.width(), bitmap.height());
    let canvas = web_sys::OffscreenCanvas::new(width, height).map_err(why)?;
    let settings = js_sys::Object::new();
    js_sys::Reflect::set(&settings, &"willReadFrequently".into(), &true.into()).map_err(why)?;
    let context: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context_with_context_options("2d", &settings)
        .map_err(why)?
        .ok_or("no 2D canvas")?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
        .map_err(why)?;
    bitmap.close();
    let pixels = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(why)?;
    Ok(Rgba {
        width,
        height,
        data: pixels.data().0,
    })
}

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`).
#[cfg(not(target_arch = "wasm32"))]
pub async fn rgba(bytes: &[u8], mime: &str) -> Result<Rgba, String> {
    use bevy::asset::RenderAssetUsages;
    use bevy::image::{CompressedImageFormats, Image, ImageSampler, ImageType};

    let image = Image::from_buffer(
        bytes,
        ImageType::MimeType(mime),
        CompressedImageFormats::NONE,
        true,
        ImageSampler::Default,
        RenderAssetUsages::default(),
    )
    .map_err(|e| e.to_string())?
    .convert(bevy::render::render_resource::TextureFormat::Rgba8UnormSrgb)
    .ok_or("not an 8-bit colour image")?;
    Ok(Rgba {
        width: image.width(),
        height: image.height(),
        data: image.data.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::dimensions;

    #[test]
    fn image_sizes_come_from_their_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(2048u32.to_be_bytes());
        png.extend(1024u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((2048, 1024)));
        // JPEG: an APP0 segment, then the frame header with height 300, width 400.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        jpeg.extend([0xFF, 0xC2, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x03]);
        assert_eq!(dimensions(&jpeg), Some((400, 300)));
        let webp = |chunk: &[u8], body: &[u8]| {
            let mut w = b"RIFF\0\0\0\0WEBP".to_vec();
            w.extend(chunk);
            w.extend([0; 4]);
            w.extend(body);
            w
        };
        // VP8X: canvas 4096 × 2048, stored minus one in 24 bits.
        let x = webp(b"VP8X", &[0, 0, 0, 0, 0xFF, 0x0F, 0, 0xFF, 0x07, 0]);
        assert_eq!(dimensions(&x), Some((4096, 2048)));
        // VP8L: 14-bit width and height minus one after the 0x2F signature.
        let (w, h) = (999u32, 499u32);
        let bits = w | (h << 14);
        let mut body = vec![0x2F];
        body.extend(bits.to_le_bytes());
        assert_eq!(dimensions(&webp(b"VP8L", &body)), Some((1000, 500)));
        // VP8: the key frame's start code, then 14-bit sizes.
        let mut body = vec![0, 0, 0, 0x9D, 0x01, 0x2A];
        body.extend(640u16.to_le_bytes());
        body.extend(480u16.to_le_bytes());
        assert_eq!(dimensions(&webp(b"VP8 ", &body)), Some((640, 480)));
        assert_eq!(dimensions(b"not an image"), None);
        assert_eq!(dimensions(&jpeg[..6]), None);
    }
}
