//! Texture images to RGBA pixels: in the browser by the browser itself (`createImageBitmap` on
//! the bytes, drawn to an `OffscreenCanvas` and read back), so JPEG, PNG and WebP cost nothing
//! in the wasm file and decode with the browser's fast native code; on the desktop by bevy's
//! PNG and JPEG decoders. An image longer than the device's largest texture comes out shrunk
//! to fit it (by the browser while it decodes, so the large pixels never reach the wasm).

/// An image's pixels: width, height, RGBA8 rows from the top (not premultiplied).
#[derive(Clone)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// The size an image of `w` × `h` is shown at on a device whose textures are at most
/// `max_side` on a side (0: no limit known): shrunk to fit, its shape kept.
pub fn fitted(w: u32, h: u32, max_side: u32) -> (u32, u32) {
    if max_side == 0 || w.max(h) <= max_side {
        return (w, h);
    }
    let scale = f64::from(max_side) / f64::from(w.max(h));
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, max_side);
    (side(w), side(h))
}

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`, `image/webp`), at most
/// `max_side` pixels on a side.
#[cfg(target_arch = "wasm32")]
pub async fn rgba(bytes: &[u8], mime: &str, max_side: u32) -> Result<Rgba, String> {
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
    if let Some((w, h)) = disan_pack::image::size(bytes) {
        let (fit_w, fit_h) = fitted(w, h, max_side);
        if (fit_w, fit_h) != (w, h) {
            options.set_resize_width(fit_w);
            options.set_resize_height(fit_h);
            options.set_resize_quality(web_sys::ResizeQuality::High);
        }
    }
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

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`, `image/webp`), at most
/// `max_side` pixels on a side.
#[cfg(not(target_arch = "wasm32"))]
pub async fn rgba(bytes: &[u8], mime: &str, max_side: u32) -> Result<Rgba, String> {
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
    let mut rgba = Rgba {
        width: image.width(),
        height: image.height(),
        data: image.data.unwrap_or_default(),
    };
    while fitted(rgba.width, rgba.height, max_side) != (rgba.width, rgba.height) {
        rgba = rgba.halved();
    }
    Ok(rgba)
}

#[cfg(not(target_arch = "wasm32"))]
impl Rgba {
    /// Half the size on each side (at least one pixel), each pixel the mean of the two-by-two
    /// it covers.
    pub fn halved(&self) -> Rgba {
        let (w, h) = (self.width as usize, self.height as usize);
        let (half_w, half_h) = ((w / 2).max(1), (h / 2).max(1));
        let mut data = Vec::with_capacity(half_w * half_h * 4);
        for y in 0..half_h {
            for x in 0..half_w {
                for c in 0..4 {
                    let mut sum = 0u32;
                    for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                        let (sx, sy) = ((2 * x + dx).min(w - 1), (2 * y + dy).min(h - 1));
                        sum += u32::from(self.data[(sy * w + sx) * 4 + c]);
                    }
                    data.push(((sum + 2) / 4) as u8);
                }
            }
        }
        Rgba {
            width: half_w as u32,
            height: half_h as u32,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_too_large_for_the_device_are_shrunk_to_fit() {
        assert_eq!(fitted(8192, 4096, 4096), (4096, 2048));
        assert_eq!(fitted(4096, 4096, 4096), (4096, 4096));
        assert_eq!(fitted(5000, 3, 4096), (4096, 2));
        assert_eq!(fitted(8192, 8192, 0), (8192, 8192), "no limit known");
        let image = Rgba {
            width: 4,
            height: 2,
            data: [[0u8, 0, 0, 255], [255, 255, 255, 255]].repeat(4).concat(),
        };
        let half = image.halved();
        assert_eq!((half.width, half.height), (2, 1));
        assert_eq!(half.data, [128, 128, 128, 255].repeat(2));
    }
}
