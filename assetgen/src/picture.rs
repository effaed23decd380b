//! A still in every size and format a page offers (`disan_types::picture`): the JPEG, the JPEG
//! at half width, and both as WebP (lossy, from libwebp), made from the same pixels. Pure:
//! pixels in, bytes out; the same pixels always give the same bytes.

use anyhow::Context;
use disan_types::picture::{Format, Size, VARIANTS, half};

/// JPEG quality of every still.
pub const JPEG_QUALITY: u8 = 80;
/// WebP quality: at this setting libwebp's files are about a third smaller than the JPEGs.
pub const WEBP_QUALITY: f32 = 75.0;

/// One stored form of a picture.
#[derive(Clone, Debug)]
pub struct Variant {
    pub size: Size,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// Every variant of an RGB picture `width` × `height`, in [`VARIANTS`]' order (the full-width
/// JPEG first).
pub fn variants(rgb: &[u8], width: u32, height: u32) -> anyhow::Result<Vec<Variant>> {
    let full = image::RgbImage::from_raw(width, height, rgb.to_vec())
        .context("the pixels do not fill the picture")?;
    let small = image::imageops::resize(
        &full,
        half(width),
        half(height),
        image::imageops::FilterType::Triangle,
    );
    VARIANTS
        .iter()
        .map(|&(size, format)| {
            let img = match size {
                Size::Full => &full,
                Size::Half => &small,
            };
            let bytes = match format {
                Format::Jpeg => jpeg(img)?,
                Format::Webp => webp(img)?,
            };
            Ok(Variant {
                size,
                format,
                bytes,
            })
        })
        .collect()
}

fn jpeg(img: &image::RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

fn webp(img: &image::RgbImage) -> anyhow::Result<Vec<u8>> {
    let memory = webp::Encoder::from_rgb(img.as_raw(), img.width(), img.height())
        .encode_simple(false, WEBP_QUALITY)
        .map_err(|e| anyhow::anyhow!("WebP encoding failed: {e:?}"))?;
    Ok(memory.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_decodes_at_its_size() {
        let (w, h) = (64, 40);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
        let all = variants(&rgb, w, h).unwrap();
        assert_eq!(all.len(), VARIANTS.len());
        for v in &all {
            let format = match v.format {
                Format::Jpeg => image::ImageFormat::Jpeg,
                Format::Webp => image::ImageFormat::WebP,
            };
            let img = image::load_from_memory_with_format(&v.bytes, format).unwrap();
            let expected = match v.size {
                Size::Full => (w, h),
                Size::Half => (w / 2, h / 2),
            };
            assert_eq!((img.width(), img.height()), expected);
        }
        let again = variants(&rgb, w, h).unwrap();
        assert!(all.iter().zip(&again).all(|(a, b)| a.bytes == b.bytes));
    }
}
