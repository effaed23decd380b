//! Texture images to RGBA pixels: in the browser by the browser itself (`createImageBitmap` on
//! the bytes, drawn to an `OffscreenCanvas` and read back), so JPEG, PNG and WebP cost nothing
//! in the wasm file and decode with the browser's fast native code; on the desktop by bevy's
//! PNG and JPEG decoders.

/// An image's pixels: width, height, RGBA8 rows from the top (not premultiplied).
#[derive(Clone)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
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

/// Decodes `bytes` of the MIME type `mime` (`image/jpeg`, `image/png`, `image/webp`).
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
