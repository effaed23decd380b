//! Uploaded relic models as a library: every check of a `.glb`, a `.gltf` (data embedded) or a
//! `.zip` holding a `.gltf` with its buffers and textures, as pure functions on bytes, shared by
//! the server's uploads, `disan import` and tools. [`check`] returns the accepted [`Model`]
//! (with the [`ModelReport`] staff see before publishing) or every problem found, each with a
//! stable code, where it is and a message in Vietnamese and English.
//!
//! Nothing here trusts a length or an index from the file: chunk lengths, buffer sizes,
//! accessor ranges, vertex indices, image dimensions and zip sizes are all checked before
//! anything is read or allocated from them.

mod archive;
mod compressed;
pub mod derive;
mod document;
mod glb;
pub mod meta;
pub mod photo;
pub mod poster;
pub mod problem;

use disan_types::admin::{ModelProblem, ModelReport, Severity};

pub use problem::{Found, Issue};

/// What uploads may be; the server's settings fill it.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest upload, in bytes.
    pub max_bytes: u64,
    /// Most a zip may unpack to, in bytes.
    pub max_unpacked: u64,
    /// Most entries in a zip.
    pub max_entries: usize,
    /// Most pixels in one texture (a 30 000 × 30 000 PNG is refused before it is decoded).
    pub max_texture_pixels: u64,
    /// Most triangles in a model.
    pub max_triangles: u64,
    /// Triangles a phone is given; above, a warning (the viewer gets a simplified copy).
    pub mobile_triangles: u64,
    /// Texture side a phone is given; above, a warning (the viewer gets a resized copy).
    pub mobile_texture: u32,
    /// Widest model accepted, in metres.
    pub max_across_m: f64,
    /// Above this width (metres), a warning that the units may be millimetres.
    pub suspicious_across_m: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 500 * 1024 * 1024,
            max_unpacked: 2 * 1024 * 1024 * 1024,
            max_entries: 1000,
            max_texture_pixels: 16384 * 16384,
            max_triangles: 20_000_000,
            mobile_triangles: 150_000,
            mobile_texture: 2048,
            max_across_m: 20_000.0,
            suspicious_across_m: 500.0,
        }
    }
}

/// An accepted model: its report, and the parts the derivatives are made from.
#[derive(Debug)]
pub struct Model {
    pub report: ModelReport,
    pub document: gltf::Document,
    /// The data of each buffer, in order.
    pub buffers: Vec<Vec<u8>>,
    /// Each image's bytes and type when it came from a URI (a file or a `data:` URI); `None`
    /// when it is in a buffer view.
    pub images: Vec<Option<(Vec<u8>, String)>>,
}

/// Everything found wrong with an upload (warnings included), in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused(pub Vec<Found>);

impl Refused {
    pub fn problems(&self) -> Vec<ModelProblem> {
        self.0.iter().map(Found::problem).collect()
    }

    /// Whether a problem with `code` was found.
    pub fn has(&self, code: &str) -> bool {
        self.0.iter().any(|f| f.issue.code() == code)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors: Vec<String> = self
            .0
            .iter()
            .filter(|p| p.issue.severity() == Severity::Error)
            .map(|p| format!("{}: {}", p.at, p.issue.message().en))
            .collect();
        write!(
            f,
            "the model has {} problem(s): {}",
            errors.len(),
            errors.join("; ")
        )
    }
}

impl std::error::Error for Refused {}

/// The upload's file name as shown in problems.
const UPLOAD: &str = "upload";

/// Checks an upload. `bytes` is the whole file; its kind is found from its first bytes (not
/// its name).
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Model, Refused> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Refused(vec![Found::new(
            UPLOAD,
            Issue::TooLarge {
                bytes: bytes.len() as u64,
                max: limits.max_bytes,
            },
        )]));
    }
    let (format, parts) = if bytes.starts_with(b"glTF") {
        ("glb", glb::split(bytes).map(document::Parts::glb))
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        ("zip", archive::open(bytes, limits))
    } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        ("gltf", Ok(document::Parts::json_only(bytes)))
    } else {
        return Err(Refused(vec![Found::new(UPLOAD, Issue::NotAModel)]));
    };
    let parts = parts.map_err(|f| Refused(vec![f]))?;
    // The glTF library unwraps some things a file may lack; should one slip past the checks
    // before it (or a decoder of compressed data fail so), that is a refusal, not a crash.
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compressed::plain(parts, limits)
            .map(|(parts, decoded)| (document::check(parts, limits), decoded))
    }));
    let Ok(checked) = checked else {
        return Err(Refused(vec![Found::new(UPLOAD, Issue::Unreadable)]));
    };
    let ((model, found), decoded) = checked.map_err(Refused)?;
    let errors = found.iter().any(|f| f.issue.severity() == Severity::Error);
    match model {
        Some(mut model) if !errors => {
            model.report.format = format.to_owned();
            model.report.bytes = bytes.len() as u64;
            model.report.warnings = found.iter().map(Found::problem).collect();
            // What the upload was packed with, as it came.
            model.report.extensions.splice(0..0, decoded);
            Ok(model)
        }
        _ => Err(Refused(found)),
    }
}
