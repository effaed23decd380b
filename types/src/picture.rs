//! Responsive pictures: a still (a tour stop's, a relic's poster) is stored as the JPEG its URL
//! names and beside it at half width and as WebP, at names derived from the JPEG's, so a page
//! offers every size in `srcset` and the phone fetches the smallest that fills its screen.

/// A picture's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Webp,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }
}

/// The stored sizes: the picture's own width, and half of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Full,
    Half,
}

/// Every (size, format) a picture is stored in; the first is the JPEG its URL names.
pub const VARIANTS: [(Size, Format); 4] = [
    (Size::Full, Format::Jpeg),
    (Size::Half, Format::Jpeg),
    (Size::Full, Format::Webp),
    (Size::Half, Format::Webp),
];

/// The path (or URL) of a picture's variant, from the JPEG's: `tours/doi-a1/1.jpg` →
/// `tours/doi-a1/1.half.webp` at half width as WebP.
pub fn variant(jpeg: &str, size: Size, format: Format) -> String {
    let stem = jpeg.strip_suffix(".jpg").unwrap_or(jpeg);
    let half = match size {
        Size::Full => "",
        Size::Half => ".half",
    };
    format!("{stem}{half}.{}", format.extension())
}

/// The paths (or URLs) of every form of a picture, from the JPEG's, in [`VARIANTS`]' order.
pub fn every(jpeg: &str) -> [String; 4] {
    VARIANTS.map(|(size, format)| variant(jpeg, size, format))
}

/// The half width of a picture `width` pixels wide (what [`Size::Half`] is resized to).
pub fn half(width: u32) -> u32 {
    width.div_ceil(2)
}

/// A `srcset` of a picture `width` pixels wide in one format: `….half.webp 320w, ….webp 640w`.
pub fn srcset(jpeg_url: &str, width: u32, format: Format) -> String {
    format!(
        "{} {}w, {} {width}w",
        variant(jpeg_url, Size::Half, format),
        half(width),
        variant(jpeg_url, Size::Full, format)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_named_from_the_jpeg() {
        let url = "/assets/tours/doi-a1/1.jpg";
        assert_eq!(variant(url, Size::Full, Format::Jpeg), url);
        assert_eq!(
            variant(url, Size::Half, Format::Webp),
            "/assets/tours/doi-a1/1.half.webp"
        );
        assert_eq!(
            srcset(url, 640, Format::Webp),
            "/assets/tours/doi-a1/1.half.webp 320w, /assets/tours/doi-a1/1.webp 640w"
        );
        assert_eq!(half(801), 401);
        assert_eq!(every(url)[0], url);
        assert_eq!(every(url)[3], "/assets/tours/doi-a1/1.half.webp");
    }
}
