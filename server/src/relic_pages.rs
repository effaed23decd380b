//! The staff pages of relics under `/admin/relics`: the form for a new relic (metadata and a
//! model file, uploaded with a progress bar by `/admin-upload.js` through the tus API), a
//! relic's page (state, the quality report with the download time over 3G and 4G, warnings,
//! versions, texts) with its publish / unpublish / delete / restore buttons (forms with the
//! CSRF token), the form for a new model version, and the deleted relics (admins).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use disan_types::admin::{AdminRelic, ModelStatus, RelicState, Role, Severity};

use crate::AppState;
use crate::admin::{Frame, NoFields, PageStaff, html, see_other};
use crate::auth::{Staff, StaffForm};
use crate::error::Error;
use crate::relics::{self, Change};
use crate::tour2d::language;

pub fn pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/relics/new", web::get().to(new_form))
        .route("/relics/deleted", web::get().to(deleted))
        .route("/relics/{id}", web::get().to(relic_page))
        .route("/relics/{id}/{form}", web::get().to(relic_form))
        .route(
            "/relics/{id}/photos/{photo}/remove",
            web::post().to(remove_photo),
        )
        .route("/relics/{id}/{action}", web::post().to(act));
}

/// The upload script, at `/admin-upload.js`, and the one that follows a version's
/// preparation, at `/admin-progress.js` (outside `/admin`, so they may be cached).
pub fn script(cfg: &mut web::ServiceConfig) {
    const JS: &str = "text/javascript; charset=utf-8";
    cfg.route(
        "/admin-upload.js",
        crate::web::embedded_route(JS, 300, include_str!("../templates/admin/upload.js")),
    )
    .route(
        "/admin-progress.js",
        crate::web::embedded_route(JS, 300, include_str!("../templates/admin/progress.js")),
    );
}

/// The words of the relic pages in each language.
pub struct Words {
    pub new_relic: &'static str,
    pub deleted_relics: &'static str,
    uploading: &'static str,
    checking: &'static str,
    retrying: &'static str,
    failed: &'static str,
    problems: &'static str,
    choose_file: &'static str,
    texts: &'static str,
    title: &'static str,
    description: &'static str,
    place: &'static str,
    site: &'static str,
    own_position: &'static str,
    lat: &'static str,
    lon: &'static str,
    object: &'static str,
    object_type: &'static str,
    period: &'static str,
    material: &'static str,
    dimensions: &'static str,
    credits: &'static str,
    licence: &'static str,
    dc_identifier: &'static str,
    dc_creator: &'static str,
    dc_date: &'static str,
    dc_rights: &'static str,
    dc_source: &'static str,
    model: &'static str,
    file: &'static str,
    file_hint: &'static str,
    up_axis: &'static str,
    create: &'static str,
    send_version: &'static str,
    new_version: &'static str,
    edit: &'static str,
    save: &'static str,
    deleted: &'static str,
    public_page: &'static str,
    report: &'static str,
    download: &'static str,
    master: &'static str,
    full_model: &'static str,
    light_model: &'static str,
    high_model: &'static str,
    poster: &'static str,
    preparing: &'static str,
    photos: &'static str,
    add_photo: &'static str,
    photo_file: &'static str,
    photo_hint: &'static str,
    caption: &'static str,
    remove_photo: &'static str,
    no_photos: &'static str,
    step_queued: &'static str,
    step_full: &'static str,
    step_poster: &'static str,
    step_light: &'static str,
    step_high: &'static str,
    prepare_failed: &'static str,
    triangles: &'static str,
    size: &'static str,
    textures: &'static str,
    warnings: &'static str,
    versions: &'static str,
    publish: &'static str,
    unpublish: &'static str,
    delete: &'static str,
    restore: &'static str,
    draft: &'static str,
    published: &'static str,
    unpublished: &'static str,
    no_deleted: &'static str,
}

pub const VI: Words = Words {
    new_relic: "Thêm hiện vật",
    deleted_relics: "Hiện vật đã xóa",
    uploading: "Đang tải lên",
    checking: "Đang kiểm tra mô hình…",
    retrying: "Mất kết nối, đang thử lại từ chỗ đã dừng…",
    failed: "Không tải lên được. Hãy thử lại.",
    problems: "Chưa thể lưu, hãy sửa các lỗi sau:",
    choose_file: "Hãy chọn tệp mô hình.",
    texts: "Tên và mô tả",
    title: "Tên",
    description: "Mô tả",
    place: "Vị trí",
    site: "Di tích",
    own_position: "(vị trí riêng, nhập bên dưới)",
    lat: "Vĩ độ",
    lon: "Kinh độ",
    object: "Hiện vật",
    object_type: "Loại",
    period: "Niên đại",
    material: "Chất liệu",
    dimensions: "Kích thước",
    credits: "Thực hiện số hóa",
    licence: "Giấy phép",
    dc_identifier: "Số hiệu",
    dc_creator: "Tác giả",
    dc_date: "Ngày",
    dc_rights: "Bản quyền",
    dc_source: "Nguồn",
    model: "Mô hình 3D",
    file: "Tệp mô hình (.glb, .gltf hoặc .zip)",
    file_hint: "Tải lên được trên mạng yếu: nếu mất kết nối, việc tải tiếp tục từ chỗ đã dừng.",
    up_axis: "Trục thẳng đứng khi quét",
    create: "Tải lên và lưu bản nháp",
    send_version: "Tải lên phiên bản mới",
    new_version: "Phiên bản mô hình mới",
    edit: "Sửa thông tin",
    save: "Lưu thông tin",
    deleted: "đã xóa",
    public_page: "Trang công khai",
    report: "Báo cáo chất lượng",
    download: "Dung lượng tải về",
    master: "Bản gốc",
    full_model: "Mô hình hiển thị",
    light_model: "Bản xem nhanh (hiện ra trước)",
    high_model: "Bản chi tiết cao (khi khách chọn)",
    poster: "Ảnh mô hình (cho trang công khai và khi chia sẻ liên kết)",
    preparing: "Đang chuẩn bị mô hình cho trình xem",
    photos: "Ảnh",
    add_photo: "Thêm ảnh",
    photo_file: "Tệp ảnh",
    photo_hint: "JPEG, PNG hoặc WebP, như máy ảnh và điện thoại chụp.",
    caption: "Chú thích",
    remove_photo: "Bỏ ảnh",
    no_photos: "Chưa có ảnh nào.",
    step_queued: "Đang chờ đến lượt…",
    step_full: "Đang làm mô hình đầy đủ (giản lược, đặt về tâm, hướng lên Y)…",
    step_poster: "Đang vẽ ảnh mô hình…",
    step_light: "Đang làm bản xem nhanh…",
    step_high: "Đang làm bản chi tiết cao…",
    prepare_failed: "Không chuẩn bị được mô hình của phiên bản",
    triangles: "Số tam giác",
    size: "Kích thước mô hình",
    textures: "Ảnh bề mặt",
    warnings: "Lưu ý",
    versions: "Các phiên bản",
    publish: "Công bố",
    unpublish: "Ngừng công bố",
    delete: "Xóa",
    restore: "Khôi phục",
    draft: "bản nháp",
    published: "đã công bố",
    unpublished: "ngừng công bố",
    no_deleted: "Không có hiện vật nào bị xóa.",
};

pub const EN: Words = Words {
    new_relic: "Add a relic",
    deleted_relics: "Deleted relics",
    uploading: "Uploading",
    checking: "Checking the model…",
    retrying: "Connection lost; trying again from where it stopped…",
    failed: "The upload failed. Please try again.",
    problems: "Not saved yet; please fix these:",
    choose_file: "Choose a model file.",
    texts: "Name and description",
    title: "Name",
    description: "Description",
    place: "Place",
    site: "Site",
    own_position: "(its own position, below)",
    lat: "Latitude",
    lon: "Longitude",
    object: "Object",
    object_type: "Type",
    period: "Period",
    material: "Material",
    dimensions: "Dimensions",
    credits: "Digitised by",
    licence: "Licence",
    dc_identifier: "Identifier",
    dc_creator: "Creator",
    dc_date: "Date",
    dc_rights: "Rights",
    dc_source: "Source",
    model: "3D model",
    file: "Model file (.glb, .gltf or .zip)",
    file_hint: "Works on weak connections: if the link drops, the upload continues where it stopped.",
    up_axis: "Up axis of the scan",
    create: "Upload and save a draft",
    send_version: "Upload the new version",
    new_version: "New model version",
    edit: "Edit the texts and details",
    save: "Save",
    deleted: "deleted",
    public_page: "Public page",
    report: "Quality report",
    download: "Download",
    master: "Master",
    full_model: "Viewer model",
    light_model: "First view (shown first)",
    high_model: "High detail (on the visitor's request)",
    poster: "Still of the model (for the public page and link previews)",
    preparing: "Preparing the model for the viewer",
    photos: "Photos",
    add_photo: "Add a photo",
    photo_file: "Photo file",
    photo_hint: "JPEG, PNG or WebP, as cameras and phones take them.",
    caption: "Caption",
    remove_photo: "Remove the photo",
    no_photos: "No photos yet.",
    step_queued: "Waiting for its turn…",
    step_full: "Making the full model (simplified, recentred, Y up)…",
    step_poster: "Drawing the still of the model…",
    step_light: "Making the first view…",
    step_high: "Making the high-detail model…",
    prepare_failed: "The model could not be prepared for version",
    triangles: "Triangles",
    size: "Model size",
    textures: "Textures",
    warnings: "Worth knowing",
    versions: "Versions",
    publish: "Publish",
    unpublish: "Unpublish",
    delete: "Delete",
    restore: "Restore",
    draft: "draft",
    published: "published",
    unpublished: "unpublished",
    no_deleted: "No relic is deleted.",
};

pub fn words(lang: Lang) -> &'static Words {
    if lang == Lang::Vi { &VI } else { &EN }
}

pub fn state_label(w: &Words, state: RelicState) -> &'static str {
    match state {
        RelicState::Draft => w.draft,
        RelicState::Published => w.published,
        RelicState::Unpublished => w.unpublished,
    }
}

#[derive(Template)]
#[template(path = "admin/relic_new.html", escape = "html")]
struct FormPage {
    lang: &'static str,
    f: Frame,
    r: &'static Words,
    heading: String,
    mode: &'static str,
    relic_id: i64,
    csrf: String,
    sites: Vec<(String, String)>,
    submit: &'static str,
    /// The metadata shown in the fields (empty for a new relic).
    m: disan_types::admin::RelicMeta,
    site: String,
    lat: String,
    lon: String,
    z_up: bool,
}

/// What a form page is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    New,
    Version,
    Edit,
    Photo,
}

fn form_page(
    state: &AppState,
    req: &HttpRequest,
    staff: &Staff,
    relic: Option<&AdminRelic>,
    mode: Mode,
) -> HttpResponse {
    let lang = language(req);
    let r = words(lang);
    let snapshot = state.snapshot();
    let sites = snapshot
        .catalog
        .summaries()
        .map(|s| (s.slug.clone(), s.name.get(lang).to_owned()))
        .collect();
    let m = relic.map_or_else(
        || disan_types::admin::RelicMeta {
            licence: "CC BY 4.0".into(),
            ..Default::default()
        },
        |x| x.meta.clone(),
    );
    let title = relic.map_or("", |x| x.meta.title.get(lang));
    html(
        StatusCode::OK,
        FormPage {
            lang: lang.code(),
            f: Frame::new(lang, Some(staff)),
            r,
            heading: match mode {
                Mode::New => r.new_relic.to_owned(),
                Mode::Version => format!("{}: {title}", r.new_version),
                Mode::Edit => format!("{}: {title}", r.edit),
                Mode::Photo => format!("{}: {title}", r.add_photo),
            },
            mode: match mode {
                Mode::New => "new",
                Mode::Version => "version",
                Mode::Edit => "edit",
                Mode::Photo => "photo",
            },
            relic_id: relic.map_or(0, |x| x.id),
            csrf: staff.csrf.clone().unwrap_or_default(),
            sites,
            submit: match mode {
                Mode::New => r.create,
                Mode::Version => r.send_version,
                Mode::Edit => r.save,
                Mode::Photo => r.add_photo,
            },
            site: m.place.site.clone().unwrap_or_default(),
            lat: m.place.lat.map_or(String::new(), |v| v.to_string()),
            lon: m.place.lon.map_or(String::new(), |v| v.to_string()),
            z_up: m.up_axis == disan_types::admin::UpAxis::Z,
            m,
        },
    )
}

async fn new_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
) -> HttpResponse {
    form_page(&state, &req, &staff, None, Mode::New)
}

/// `/admin/relics/{id}/version` (a new model) and `/admin/relics/{id}/edit` (the texts).
async fn relic_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let (id, form) = path.into_inner();
    let mode = match form.as_str() {
        "version" => Mode::Version,
        "edit" => Mode::Edit,
        "photo" => Mode::Photo,
        _ => return Err(Error::NotFound(req.path().to_owned())),
    };
    let relic = relics::visible(&state, &staff, id).await?;
    Ok(form_page(&state, &req, &staff, Some(&relic), mode))
}

#[derive(Template)]
#[template(path = "admin/relic.html", escape = "html")]
struct RelicPage {
    lang: &'static str,
    f: Frame,
    r: &'static Words,
    id: i64,
    title: String,
    state: &'static str,
    state_label: &'static str,
    deleted: bool,
    public_url: Option<String>,
    csrf: String,
    actions: Vec<(&'static str, &'static str)>,
    version: i64,
    /// A version whose derivatives are being made: its number, steps done, steps, and the
    /// step under way as said on the page.
    preparing: Option<(i64, u32, u32, &'static str)>,
    /// Versions whose derivatives could not be made, and why.
    failed: Vec<(i64, String)>,
    /// The model's still, when this version has one.
    poster_url: String,
    /// Photos: id, thumbnail URL, photo URL, caption in the page's language.
    photos: Vec<(i64, String, String, String)>,
    full_size: String,
    light_size: String,
    /// Empty when the version has no high level.
    high_size: String,
    g3: String,
    g4: String,
    master_name: String,
    master_size: String,
    format: String,
    triangles: String,
    size: String,
    textures: Vec<String>,
    warnings: Vec<(String, String)>,
    title_vi: String,
    title_en: String,
    description_vi: String,
    description_en: String,
    versions: Vec<(i64, String, String, String)>,
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

async fn relic_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let relic = relics::visible(&state, &staff, *id).await?;
    let lang = language(&req);
    let r = words(lang);
    let admin = staff.user.role == Role::Admin;
    let mut actions = Vec::new();
    if !relic.deleted {
        if relic.state == RelicState::Published {
            actions.push(("unpublish", r.unpublish));
        } else if relic.model.status == ModelStatus::Ready {
            actions.push(("publish", r.publish));
        }
        if admin {
            actions.push(("delete", r.delete));
        }
    } else if admin {
        actions.push(("restore", r.restore));
    }
    let m = &relic.model;
    let rep = &m.report;
    let master_bytes = rep.bytes;
    Ok(html(
        StatusCode::OK,
        RelicPage {
            lang: lang.code(),
            f: Frame::new(lang, Some(&staff)),
            r,
            id: relic.id,
            title: relic.meta.title.get(lang).to_owned(),
            state: relic.state.code(),
            state_label: state_label(r, relic.state),
            deleted: relic.deleted,
            public_url: (relic.state == RelicState::Published && !relic.deleted)
                .then(|| disan_types::relic::relic_url(relic.id)),
            csrf: staff.csrf.clone().unwrap_or_default(),
            actions,
            version: m.version,
            preparing: relic
                .versions
                .iter()
                .find(|v| v.status == ModelStatus::Processing)
                .map(|v| {
                    let step = match v.progress.step.as_str() {
                        "full" => r.step_full,
                        "poster" => r.step_poster,
                        "light" => r.step_light,
                        "high" => r.step_high,
                        _ => r.step_queued,
                    };
                    (v.version, v.progress.done, v.progress.of, step)
                }),
            failed: relic
                .versions
                .iter()
                .filter(|v| v.status == ModelStatus::Failed)
                .map(|v| (v.version, v.progress.step.clone()))
                .collect(),
            poster_url: m.poster_url.clone(),
            photos: relic
                .photos
                .iter()
                .map(|p| {
                    (
                        p.id,
                        p.thumb_url.clone(),
                        p.url.clone(),
                        p.caption.get(lang).to_owned(),
                    )
                })
                .collect(),
            full_size: megabytes(m.full_bytes),
            light_size: format!("{:.0} kB", m.light_bytes as f64 / 1024.0),
            high_size: match m.high_url.is_empty() {
                true => String::new(),
                false => megabytes(m.high_bytes),
            },
            g3: format!("{:.0}", m.download_s.g3.ceil()),
            g4: format!("{:.0}", m.download_s.g4.ceil()),
            master_name: m.master_name.clone(),
            master_size: megabytes(master_bytes),
            format: rep.format.clone(),
            triangles: rep.triangles.to_string(),
            size: format!(
                "{:.2} × {:.2} × {:.2} m",
                rep.size[0], rep.size[1], rep.size[2]
            ),
            textures: rep
                .textures
                .iter()
                .map(|t| {
                    format!(
                        "{} × {} {}",
                        t.width,
                        t.height,
                        t.mime.trim_start_matches("image/")
                    )
                })
                .collect(),
            warnings: rep
                .warnings
                .iter()
                .filter(|w| w.severity == Severity::Warning)
                .map(|w| (w.code.clone(), w.message.get(lang).to_owned()))
                .collect(),
            title_vi: relic.meta.title.vi.clone(),
            title_en: relic.meta.title.en.clone(),
            description_vi: relic.meta.description.vi.clone(),
            description_en: relic.meta.description.en.clone(),
            versions: relic
                .versions
                .iter()
                .map(|v| {
                    (
                        v.version,
                        v.master_name.clone(),
                        v.master_url.clone(),
                        v.full_url.clone(),
                    )
                })
                .collect(),
        },
    ))
}

/// The buttons of a relic's page: publish, unpublish, delete, restore; back to the page.
async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: StaffForm<NoFields>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let (id, action) = path.into_inner();
    let to = Change::from_action(&action).ok_or_else(|| Error::NotFound(req.path().to_owned()))?;
    relics::change(&state, &form.staff, id, to).await?;
    Ok(see_other(&format!(
        "/admin/relics/{id}?lang={}",
        language(&req).code()
    )))
}

/// A photo's remove button; back to the relic's page.
async fn remove_photo(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: StaffForm<NoFields>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let (id, photo) = path.into_inner();
    crate::photos::remove_photo(&state, &form.staff, id, photo).await?;
    Ok(see_other(&format!(
        "/admin/relics/{id}?lang={}",
        language(&req).code()
    )))
}

#[derive(Template)]
#[template(path = "admin/deleted.html", escape = "html")]
struct DeletedPage {
    lang: &'static str,
    f: Frame,
    r: &'static Words,
    relics: Vec<(i64, String)>,
}

async fn deleted(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
) -> Result<HttpResponse, Error> {
    staff.require(Role::Admin)?;
    let lang = language(&req);
    let relics = relics::lines(&state.db, true)
        .await?
        .into_iter()
        .map(|l| (l.id, l.title.get(lang).to_owned()))
        .collect();
    Ok(html(
        StatusCode::OK,
        DeletedPage {
            lang: lang.code(),
            f: Frame::new(lang, Some(&staff)),
            r: words(lang),
            relics,
        },
    ))
}
