//! Texture images for the GPU. In the browser the browser decodes them (`createImageBitmap` on
//! the bytes) and makes their mipmaps (each level the one before resized to half by the
//! browser), and the viewer copies those bitmaps straight into the GPU texture
//! (`upload.rs`): JPEG, PNG and WebP cost nothing in the wasm file, decode off the main thread
//! with the browser's native code, and their pixels never enter the wasm memory. On the desktop
//! bevy's PNG, JPEG and WebP decoders give the pixels. An image longer than the device's
//! largest texture comes out shrunk to fit it (in the browser while it decodes).

/// An image's pixels: width, height, RGBA8 rows from the top (not premultiplied).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// A decoded image as the desktop holds it: its pixels.
#[cfg(not(target_arch = "wasm32"))]
pub type Decoded = Rgba;

/// A decoded image as the browser holds it: its bitmaps, full size first, then each mipmap
/// down to one texel. Shared by the textures made of it (one image may be shown as colours
/// and as data).
#[cfg(target_arch = "wasm32")]
#[derive(Clone)]
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    pub levels: std::rc::Rc<Vec<web_sys::ImageBitmap>>,
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

/// One image to decode: its index in the model, its bytes and their MIME type (`image/jpeg`,
/// `image/png`, `image/webp`).
pub type Source<'a> = (usize, &'a [u8], &'a str);

/// Decodes every image, each at most `max_side` pixels on a side, with its mipmaps; or the
/// first that fails, by its index, with why.
///
/// The browser works on all of them at once, in two rounds (every image, then every mipmap
/// from its image): each await can span a frame of the page, so a model's textures take two
/// of them whatever their number.
#[cfg(target_arch = "wasm32")]
pub async fn decode_all(
    sources: &[Source<'_>],
    max_side: u32,
) -> Result<std::collections::HashMap<usize, Decoded>, (usize, String)> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let why = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{e:?}"))
    };
    // The texel values as stored: no colour-profile conversion, no premultiplied alpha.
    let options = |size: Option<(u32, u32)>| {
        let options = web_sys::ImageBitmapOptions::new();
        options.set_color_space_conversion(web_sys::ColorSpaceConversion::None);
        options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
        if let Some((w, h)) = size {
            options.set_resize_width(w);
            options.set_resize_height(h);
            options.set_resize_quality(web_sys::ResizeQuality::High);
        }
        options
    };
    let window = web_sys::window().ok_or((0, "no window".to_owned()))?;
    let mut decoding = Vec::with_capacity(sources.len());
    for &(index, bytes, mime) in sources {
        let fail = |e| (index, why(e));
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let kind = web_sys::BlobPropertyBag::new();
        kind.set_type(mime);
        let blob =
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &kind).map_err(fail)?;
        let fit = disan_pack::image::size(bytes).and_then(|(w, h)| {
            let fit = fitted(w, h, max_side);
            (fit != (w, h)).then_some(fit)
        });
        let promise = window
            .create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &options(fit))
            .map_err(fail)?;
        decoding.push((index, mime, promise));
    }
    let mut resizing = Vec::with_capacity(decoding.len());
    for (index, mime, promise) in decoding {
        let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
            .await
            .map_err(|e| {
                let reason = format!("the browser could not decode it ({mime}): {}", why(e));
                (index, reason)
            })?
            .unchecked_into();
        let (width, height) = (bitmap.width(), bitmap.height());
        if width == 0 || height == 0 {
            return Err((index, "it has no pixels".into()));
        }
        // Each mipmap, half the one before down to one texel, resized by the browser from
        // the image itself.
        let levels = js_sys::Array::new();
        let (mut w, mut h) = (width, height);
        while w > 1 || h > 1 {
            (w, h) = ((w / 2).max(1), (h / 2).max(1));
            let promise = window
                .create_image_bitmap_with_image_bitmap_and_image_bitmap_options(
                    &bitmap,
                    &options(Some((w, h))),
                )
                .map_err(|e| (index, why(e)))?;
            levels.push(&promise);
        }
        resizing.push((index, bitmap, js_sys::Promise::all(&levels)));
    }
    let mut decoded = std::collections::HashMap::with_capacity(resizing.len());
    for (index, bitmap, promise) in resizing {
        let mips = JsFuture::from(promise).await.map_err(|e| {
            let reason = format!("the browser could not resize it: {}", why(e));
            (index, reason)
        })?;
        let (width, height) = (bitmap.width(), bitmap.height());
        let mut levels = vec![bitmap];
        levels.extend(
            js_sys::Array::from(&mips)
                .iter()
                .map(|m| m.unchecked_into::<web_sys::ImageBitmap>()),
        );
        let levels = std::rc::Rc::new(levels);
        decoded.insert(
            index,
            Decoded {
                width,
                height,
                levels,
            },
        );
    }
    Ok(decoded)
}

/// Decodes every image, each at most `max_side` pixels on a side; or the first that fails, by
/// its index, with why.
#[cfg(not(target_arch = "wasm32"))]
pub async fn decode_all(
    sources: &[Source<'_>],
    max_side: u32,
) -> Result<std::collections::HashMap<usize, Decoded>, (usize, String)> {
    let mut decoded = std::collections::HashMap::with_capacity(sources.len());
    for &(index, bytes, mime) in sources {
        let image = decode(bytes, mime, max_side)
            .await
            .map_err(|e| (index, e))?;
        decoded.insert(index, image);
    }
    Ok(decoded)
}

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`, `image/webp`), at most
/// `max_side` pixels on a side.
#[cfg(not(target_arch = "wasm32"))]
pub async fn decode(bytes: &[u8], mime: &str, max_side: u32) -> Result<Decoded, String> {
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
