//! A relic's photos (JPEG, PNG or WebP, as cameras and phones write them): checked on their
//! bytes like textures are (the type against the bytes, the size before decoding, a real
//! decode within a memory limit), turned upright by their EXIF orientation, and given a
//! thumbnail for the pages.

use std::io::Cursor;

use image::ImageDecoder;

use crate::document::open_image;
use crate::problem::{Found, Issue};
use crate::{Limits, Refused};

/// Longest side of a photo's thumbnail, in pixels.
pub const THUMB: u32 = 480;

/// An accepted photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    pub mime: String,
    /// As shown, after its orientation.
    pub width: u32,
    pub height: u32,
    /// At most [`THUMB`] pixels a side, JPEG.
    pub thumb: Vec<u8>,
}

const AT: &str = "photo";

/// Checks a photo and makes its thumbnail.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Photo, Refused> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Refused(vec![Found::new(
            AT,
            Issue::TooLarge {
                bytes: bytes.len() as u64,
                max: limits.max_bytes,
            },
        )]));
    }
    let refuse = |issue| Refused(vec![Found::new(AT, issue)]);
    // Checked before decoding, then decoded once (for the thumbnail).
    let image = open_image(bytes, None, limits).map_err(refuse)?;
    let mime = image.mime;
    let mut decoder = image
        .reader
        .into_decoder()
        .map_err(|e| refuse(Issue::ImageDecode(e.to_string())))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| refuse(Issue::ImageDecode(e.to_string())))?;
    img.apply_orientation(orientation);
    let thumb = img.thumbnail(THUMB, THUMB).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&thumb)
        .map_err(|e| refuse(Issue::ImageDecode(e.to_string())))?;
    Ok(Photo {
        mime: mime.to_owned(),
        width: img.width(),
        height: img.height(),
        thumb: out.into_inner(),
    })
}
