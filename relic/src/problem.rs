//! What can be wrong with an uploaded model, each with a stable code, a severity and a message
//! in Vietnamese and English.

use disan_types::Localized;
use disan_types::admin::{ModelProblem, Severity};

/// One thing wrong with (or worth knowing about) an upload.
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    TooLarge {
        bytes: u64,
        max: u64,
    },
    NotAModel,
    GlbVersion(u32),
    GlbLength {
        said: u64,
        is: u64,
    },
    ChunkLength {
        n: usize,
        length: u64,
        left: u64,
    },
    NoJsonChunk,
    Json(String),
    Gltf(String),
    ExternalUri(String),
    MissingFile(String),
    BufferShort {
        said: u64,
        has: u64,
    },
    ViewOutOfRange {
        end: u64,
        len: u64,
    },
    AccessorOutOfRange {
        end: u64,
        len: u64,
    },
    Sparse,
    IndexOutOfRange {
        index: u64,
        vertices: u64,
    },
    NotFinite,
    BadPositions,
    NoMesh,
    UnsupportedExtension(String),
    ImageFormat(&'static str),
    ImageType {
        said: String,
        is: &'static str,
    },
    ImageTooLarge {
        width: u32,
        height: u32,
        max: u64,
    },
    ImageDecode(String),
    Degenerate {
        size: [f64; 3],
    },
    Absurd {
        across: f64,
    },
    Millimetres {
        across: f64,
    },
    TooManyTriangles {
        triangles: u64,
        max: u64,
    },
    OverMobileBudget {
        triangles: u64,
        budget: u64,
    },
    TextureOverBudget {
        width: u32,
        height: u32,
        budget: u32,
    },
    ZipInvalid(String),
    ZipPath(String),
    ZipTooLarge {
        max: u64,
    },
    ZipTooManyEntries {
        max: usize,
    },
    ZipDuplicate(String),
    ZipNoGltf,
    ZipManyGltf(usize),
    /// The glTF library failed on the file (a panic caught): refused all the same.
    Unreadable,
    /// Compressed or quantised data (meshopt, Draco, quantisation) that does not decode.
    Compressed {
        ext: &'static str,
        why: String,
    },
    Required,
    NotNfc,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    NoPlace,
    UnknownSite(String),
    BadPosition,
    OutsideProvince {
        km: f64,
    },
}

fn m(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

impl Issue {
    /// The stable code clients match on.
    pub fn code(&self) -> &'static str {
        use Issue::*;
        match self {
            TooLarge { .. } => "too_large",
            NotAModel => "not_a_model",
            GlbVersion(_) => "glb_version",
            GlbLength { .. } => "glb_length",
            ChunkLength { .. } => "glb_chunk_length",
            NoJsonChunk => "glb_no_json",
            Json(_) => "invalid_json",
            Gltf(_) => "invalid_gltf",
            ExternalUri(_) => "external_uri",
            MissingFile(_) => "missing_file",
            BufferShort { .. } => "buffer_short",
            ViewOutOfRange { .. } => "view_out_of_range",
            AccessorOutOfRange { .. } => "accessor_out_of_range",
            Sparse => "unsupported_sparse",
            IndexOutOfRange { .. } => "index_out_of_range",
            NotFinite => "position_not_finite",
            BadPositions => "bad_positions",
            NoMesh => "no_mesh",
            UnsupportedExtension(_) => "unsupported_extension",
            ImageFormat(_) => "image_format",
            ImageType { .. } => "image_type",
            ImageTooLarge { .. } => "image_too_large",
            ImageDecode(_) => "image_decode",
            Degenerate { .. } => "bounds_degenerate",
            Absurd { .. } => "bounds_absurd",
            Millimetres { .. } => "units_millimetres",
            TooManyTriangles { .. } => "too_many_triangles",
            OverMobileBudget { .. } => "over_mobile_budget",
            TextureOverBudget { .. } => "texture_over_budget",
            ZipInvalid(_) => "zip_invalid",
            ZipPath(_) => "zip_path",
            ZipTooLarge { .. } => "zip_too_large",
            ZipTooManyEntries { .. } => "zip_too_many_entries",
            ZipDuplicate(_) => "zip_duplicate",
            ZipNoGltf => "zip_no_gltf",
            ZipManyGltf(_) => "zip_many_gltf",
            Unreadable => "unreadable",
            Compressed { .. } => "compressed_data",
            Required => "required",
            NotNfc => "not_nfc",
            TooLong { .. } => "too_long",
            ControlCharacters => "control_characters",
            NoPlace => "no_place",
            UnknownSite(_) => "unknown_site",
            BadPosition => "bad_position",
            OutsideProvince { .. } => "outside_province",
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Issue::Millimetres { .. }
            | Issue::OverMobileBudget { .. }
            | Issue::TextureOverBudget { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The message in Vietnamese and English (what is wrong, and what to do when it helps).
    pub fn message(&self) -> Localized {
        use Issue::*;
        let (vi, en) = match self {
            TooLarge { bytes, max } => (
                format!("nặng {bytes} byte, vượt giới hạn {max} byte"),
                format!("is {bytes} bytes, over the limit of {max} bytes"),
            ),
            NotAModel => (
                "không phải mô hình glTF: cần tệp .glb, .gltf, hoặc .zip chứa tệp .gltf cùng các tệp đi kèm".into(),
                "is not a glTF model: send a .glb, a .gltf, or a .zip holding a .gltf with its files".into(),
            ),
            GlbVersion(v) => (
                format!("là GLB phiên bản {v}; chỉ đọc được phiên bản 2"),
                format!("is GLB version {v}; only version 2 can be read"),
            ),
            GlbLength { said, is } => (
                format!("ghi độ dài {said} byte nhưng thực tế có {is} byte (tệp bị cắt cụt hoặc hỏng)"),
                format!("says it is {said} bytes long but has {is} bytes (truncated or damaged)"),
            ),
            ChunkLength { n, length, left } => (
                format!("khối dữ liệu {n} ghi chứa {length} byte nhưng chỉ còn {left} byte"),
                format!("chunk {n} says it holds {length} bytes but only {left} are left"),
            ),
            NoJsonChunk => (
                "không bắt đầu bằng khối JSON như GLB yêu cầu".into(),
                "does not start with the JSON chunk a GLB must have".into(),
            ),
            Json(e) => (
                format!("không phải JSON glTF hợp lệ: {e}"),
                format!("is not valid glTF JSON: {e}"),
            ),
            Gltf(e) => (
                format!("vi phạm quy tắc glTF 2.0: {e}"),
                format!("breaks the glTF 2.0 rules: {e}"),
            ),
            ExternalUri(uri) => (
                format!("trỏ ra ngoài tệp tải lên ({uri}): mọi tệp phải nằm trong tệp tải lên, theo đường dẫn tương đối"),
                format!("points outside the upload ({uri}): every file must be inside it, by a relative path"),
            ),
            MissingFile(uri) => (
                format!("cần tệp {uri} nhưng tệp này không có trong tệp tải lên"),
                format!("needs {uri}, which is not in the upload"),
            ),
            BufferShort { said, has } => (
                format!("ghi chứa {said} byte nhưng dữ liệu chỉ có {has} byte"),
                format!("says it holds {said} bytes but its data has {has}"),
            ),
            ViewOutOfRange { end, len } => (
                format!("vượt ra ngoài bộ đệm: tới byte {end} trong khi bộ đệm có {len} byte"),
                format!("reaches byte {end} of a buffer of {len} bytes"),
            ),
            AccessorOutOfRange { end, len } => (
                format!("vượt ra ngoài vùng dữ liệu: tới byte {end} trong khi vùng có {len} byte"),
                format!("reaches byte {end} of a buffer view of {len} bytes"),
            ),
            Sparse => (
                "dùng accessor thưa (sparse), Disan chưa đọc được".into(),
                "uses a sparse accessor, which Disan does not read".into(),
            ),
            IndexOutOfRange { index, vertices } => (
                format!("có chỉ số đỉnh {index} trong khi lưới chỉ có {vertices} đỉnh"),
                format!("has vertex index {index} but the mesh has only {vertices} vertices"),
            ),
            NotFinite => (
                "có tọa độ đỉnh không phải số hữu hạn (NaN hoặc vô cực)".into(),
                "has vertex positions that are not finite numbers (NaN or infinity)".into(),
            ),
            BadPositions => (
                "có tọa độ đỉnh (POSITION) không phải 3 số thực 32 bit".into(),
                "has vertex positions (POSITION) that are not three 32-bit floats".into(),
            ),
            NoMesh => (
                "không có lưới (mesh) nào trong cảnh để hiển thị".into(),
                "has no mesh in its scene to show".into(),
            ),
            UnsupportedExtension(name) => (
                format!("bắt buộc phần mở rộng {name} mà Disan chưa chuyển được thành dạng trình xem hiển thị"),
                format!("requires the extension {name}, which Disan cannot turn into what the viewer draws"),
            ),
            ImageFormat(is) => (
                format!("là ảnh {is}; ảnh bề mặt phải là JPEG, PNG hoặc WebP"),
                format!("is a {is} image; textures must be JPEG, PNG or WebP"),
            ),
            ImageType { said, is } => (
                format!("ghi là {said} nhưng dữ liệu thực là {is}"),
                format!("says it is {said} but its bytes are {is}"),
            ),
            ImageTooLarge { width, height, max } => (
                format!("có kích thước {width} × {height} điểm ảnh, vượt giới hạn {max} điểm ảnh"),
                format!("is {width} × {height} pixels, more than the {max} pixels allowed"),
            ),
            ImageDecode(e) => (
                format!("không giải mã được: {e}"),
                format!("cannot be decoded: {e}"),
            ),
            Degenerate { size } => (
                format!("bị dẹt hoặc rỗng: hộp bao {} × {} × {} m", m(size[0]), m(size[1]), m(size[2])),
                format!("is flat or empty: its box is {} × {} × {} m", m(size[0]), m(size[1]), m(size[2])),
            ),
            Absurd { across } => (
                format!("rộng {} m, quá lớn cho một hiện vật hay di tích; đơn vị đo có đúng không?", m(*across)),
                format!("is {} m across, too big for a relic or a site; are the units right?", m(*across)),
            ),
            Millimetres { across } => (
                format!("rộng {} m; nếu mô hình đo bằng milimét thì thực tế là {} m — hãy kiểm tra đơn vị", m(*across), m(across / 1000.0)),
                format!("is {} m across; if it was measured in millimetres it is {} m — check the units", m(*across), m(across / 1000.0)),
            ),
            TooManyTriangles { triangles, max } => (
                format!("có {triangles} tam giác, vượt giới hạn {max}"),
                format!("has {triangles} triangles, over the limit of {max}"),
            ),
            OverMobileBudget { triangles, budget } => (
                format!("có {triangles} tam giác; điện thoại sẽ nhận bản rút gọn tối đa {budget} tam giác"),
                format!("has {triangles} triangles; phones get a simplified copy of at most {budget}"),
            ),
            TextureOverBudget { width, height, budget } => (
                format!("có kích thước {width} × {height}; điện thoại sẽ nhận ảnh thu nhỏ tối đa {budget} × {budget}"),
                format!("is {width} × {height}; phones get it resized to at most {budget} × {budget}"),
            ),
            ZipInvalid(e) => (
                format!("không phải tệp zip đọc được: {e}"),
                format!("is not a readable zip file: {e}"),
            ),
            ZipPath(name) => (
                format!("chứa mục có đường dẫn không an toàn ({name}): không được dùng đường dẫn tuyệt đối, '..', '\\' hoặc ':'"),
                format!("holds an entry with an unsafe path ({name}): absolute paths, '..', '\\' and ':' are not allowed"),
            ),
            ZipTooLarge { max } => (
                format!("giải nén ra hơn {max} byte (có thể là bom zip)"),
                format!("unpacks to more than {max} bytes (a zip bomb?)"),
            ),
            ZipTooManyEntries { max } => (
                format!("chứa hơn {max} mục"),
                format!("holds more than {max} entries"),
            ),
            ZipDuplicate(name) => (
                format!("chứa hai mục cùng tên {name}"),
                format!("holds two entries named {name}"),
            ),
            ZipNoGltf => (
                "không chứa tệp .gltf hay .glb nào".into(),
                "holds no .gltf or .glb file".into(),
            ),
            Required => (
                "bắt buộc phải có".into(),
                "is required".into(),
            ),
            NotNfc => (
                "chưa chuẩn hóa Unicode NFC (dấu tiếng Việt phải viết dạng dựng sẵn)".into(),
                "is not Unicode NFC (Vietnamese diacritics must be precomposed)".into(),
            ),
            TooLong { max } => (
                format!("dài quá {max} ký tự"),
                format!("is longer than {max} characters"),
            ),
            ControlCharacters => (
                "chứa ký tự điều khiển".into(),
                "holds control characters".into(),
            ),
            NoPlace => (
                "cần một di tích (site) hoặc một vị trí (lat, lon)".into(),
                "needs a site or a position (lat, lon)".into(),
            ),
            UnknownSite(slug) => (
                format!("không có di tích nào mã {slug}"),
                format!("there is no site {slug}"),
            ),
            BadPosition => (
                "phải có cả vĩ độ (-90…90) lẫn kinh độ (-180…180)".into(),
                "needs both a latitude (-90…90) and a longitude (-180…180)".into(),
            ),
            OutsideProvince { km } => (
                format!("nằm ngoài tỉnh Điện Biên {km:.1} km"),
                format!("is {km:.1} km outside Điện Biên province"),
            ),
            Unreadable => (
                "không đọc được tài liệu glTF: các chỉ số trong tệp không khớp nhau".into(),
                "the glTF document cannot be read: its indices do not hold together".into(),
            ),
            Compressed { ext, why } => (
                format!("có dữ liệu nén {ext} không giải nén được: {why}"),
                format!("has {ext} compressed data that does not decode: {why}"),
            ),
            ZipManyGltf(n) => (
                format!("chứa {n} mô hình; mỗi lần chỉ tải lên một mô hình"),
                format!("holds {n} models; upload one at a time"),
            ),
        };
        Localized { vi, en }
    }
}

/// An issue and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub at: String,
    pub issue: Issue,
}

impl Found {
    pub fn new(at: impl Into<String>, issue: Issue) -> Found {
        Found {
            at: at.into(),
            issue,
        }
    }

    /// The API's form.
    pub fn problem(&self) -> ModelProblem {
        ModelProblem {
            code: self.issue.code().to_owned(),
            severity: self.issue.severity(),
            at: self.at.clone(),
            message: self.issue.message(),
        }
    }
}
