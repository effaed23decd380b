//! The staff pages under `/admin`, rendered on the server (askama, no JavaScript needed) in
//! Vietnamese or English: the login form (`/admin/login`, throttled, with its own CSRF cookie
//! against login forgery), logout, the home page, and the audit log (admins); and
//! `GET /api/admin/me`. Every staff response is `Cache-Control: no-store`.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use disan_types::admin::{AuthMethod, Me, Role};

use crate::AppState;
use crate::audit::{self, Action};
use crate::auth::{AuthError, Staff, StaffForm};
use crate::db::now;
use crate::error::Error;
use crate::sessions::{self, same_secret};
use crate::throttle;
use crate::tour2d::language;

/// The cookie holding the login form's CSRF secret (before there is a session).
pub const LOGIN_COOKIE: &str = "disan_login";

/// The pages (under `/admin`).
pub fn pages(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(home))
        .route("/", web::get().to(home))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/audit", web::get().to(audit_page));
}

/// The API routes (under `/api/admin`).
pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me));
}

/// The staff pages' stylesheet, at `/admin.css` (outside `/admin`, so it may be cached).
pub fn stylesheet(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin.css",
        crate::web::embedded_route(
            "text/css; charset=utf-8",
            3600,
            include_str!("../templates/admin/admin.css"),
        ),
    );
}

/// The words of the staff pages in each language.
pub struct Words {
    pub(crate) staff: &'static str,
    pub(crate) logout: &'static str,
    pub(crate) login_title: &'static str,
    pub(crate) name: &'static str,
    pub(crate) password: &'static str,
    pub(crate) login: &'static str,
    pub(crate) login_hint: &'static str,
    pub(crate) bad_login: &'static str,
    pub(crate) throttled: &'static str,
    pub(crate) form_expired: &'static str,
    pub(crate) hello: &'static str,
    pub(crate) public_site: &'static str,
    pub(crate) audit: &'static str,
    pub(crate) scans: &'static str,
    pub(crate) audit_caption: &'static str,
    pub(crate) audit_empty: &'static str,
    pub(crate) relics: &'static str,
    pub(crate) no_relics: &'static str,
    pub(crate) when: &'static str,
    pub(crate) who: &'static str,
    pub(crate) what: &'static str,
    pub(crate) relic: &'static str,
    pub(crate) detail: &'static str,
    pub(crate) older: &'static str,
    pub(crate) back: &'static str,
    pub(crate) forbidden_title: &'static str,
    pub(crate) forbidden: &'static str,
}

const VI: Words = Words {
    staff: "Cán bộ",
    logout: "Đăng xuất",
    login_title: "Đăng nhập cho cán bộ",
    name: "Tên đăng nhập",
    password: "Mật khẩu",
    login: "Đăng nhập",
    login_hint: "Tài khoản do quản trị viên cấp. Quên mật khẩu? Hãy liên hệ quản trị viên.",
    bad_login: "Sai tên đăng nhập hoặc mật khẩu.",
    throttled: "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {} phút.",
    form_expired: "Biểu mẫu đã hết hạn. Hãy đăng nhập lại.",
    hello: "Xin chào",
    public_site: "Trang công khai",
    audit: "Nhật ký thao tác",
    scans: "Mã QR và lượt quét",
    audit_caption: "Mới nhất trước; giờ Việt Nam (UTC+7).",
    audit_empty: "Chưa có thao tác nào.",
    relics: "Hiện vật",
    no_relics: "Chưa có hiện vật nào được tải lên.",
    when: "Thời gian",
    who: "Người thực hiện",
    what: "Thao tác",
    relic: "Hiện vật",
    detail: "Chi tiết",
    older: "Cũ hơn",
    back: "Về trang cán bộ",
    forbidden_title: "Không có quyền",
    forbidden: "Trang này chỉ dành cho quản trị viên.",
};

const EN: Words = Words {
    staff: "Staff",
    logout: "Log out",
    login_title: "Staff login",
    name: "User name",
    password: "Password",
    login: "Log in",
    login_hint: "Accounts are given by an administrator. Forgot your password? Ask an administrator.",
    bad_login: "Wrong user name or password.",
    throttled: "Too many failed logins. Try again in {} minutes.",
    form_expired: "The form expired. Please log in again.",
    hello: "Hello",
    public_site: "Public site",
    audit: "Audit log",
    scans: "QR codes and scans",
    audit_caption: "Newest first; Vietnam time (UTC+7).",
    audit_empty: "Nothing has been done yet.",
    relics: "Relics",
    no_relics: "No relics have been uploaded yet.",
    when: "When",
    who: "Who",
    what: "Action",
    relic: "Relic",
    detail: "Detail",
    older: "Older",
    back: "Back to the staff pages",
    forbidden_title: "Not allowed",
    forbidden: "This page is for administrators only.",
};

/// The staff pages' words in `lang`.
pub fn words(lang: Lang) -> &'static Words {
    if lang == Lang::Vi { &VI } else { &EN }
}

/// Who is logged in, as the layout shows it.
pub struct MeView {
    pub(crate) name: String,
    pub(crate) role: &'static str,
    pub(crate) csrf: String,
}

/// What every staff page's layout needs.
pub struct Frame {
    pub(crate) w: &'static Words,
    /// `?lang=xx`, kept on every link and form.
    pub(crate) q: String,
    /// `&lang=xx`, for links that have a query already.
    pub(crate) amp_lang: String,
    pub(crate) other_code: &'static str,
    pub(crate) other_name: &'static str,
    pub(crate) me: Option<MeView>,
}

impl Frame {
    pub fn new(lang: Lang, staff: Option<&Staff>) -> Frame {
        let (other_code, other_name) = match lang {
            Lang::Vi => ("en", "English"),
            Lang::En => ("vi", "Tiếng Việt"),
        };
        Frame {
            w: words(lang),
            q: format!("?lang={}", lang.code()),
            amp_lang: format!("&lang={}", lang.code()),
            other_code,
            other_name,
            me: staff.map(|s| MeView {
                name: s.user.name.clone(),
                role: s.user.role.code(),
                csrf: s.csrf.clone().unwrap_or_default(),
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/login.html", escape = "html")]
struct LoginPage {
    lang: &'static str,
    f: Frame,
    csrf: String,
    name: String,
    message: Option<String>,
}

pub struct HomeLine {
    id: i64,
    title: String,
    state: &'static str,
    state_label: &'static str,
}

#[derive(Template)]
#[template(path = "admin/home.html", escape = "html")]
struct HomePage {
    lang: &'static str,
    f: Frame,
    r: &'static crate::relic_pages::Words,
    admin: bool,
    relics: Vec<HomeLine>,
    users: &'static str,
}

struct AuditRow {
    iso: String,
    local: String,
    actor: String,
    action: String,
    relic: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html", escape = "html")]
struct AuditHtml {
    lang: &'static str,
    f: Frame,
    rows: Vec<AuditRow>,
    next_before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/message.html", escape = "html")]
struct MessagePage {
    lang: &'static str,
    f: Frame,
    title: String,
    text: String,
}

pub fn html(status: StatusCode, page: impl Template) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::VARY, "Accept-Language, Cookie"))
        .body(crate::web::render(&page))
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// Whether cookies must be `Secure`: the request came over TLS (directly or, as the proxy
/// says, through it).
fn over_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie<'a>(req: &HttpRequest, name: &'a str, value: String, max_age: i64) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_tls(req))
        .max_age(Duration::seconds(max_age))
        .finish()
}

/// The client's address, for throttling and the log: the connection's peer, or, when the peer
/// is one of the trusted proxies, the last address in `X-Forwarded-For` that is not (a header
/// from anyone else could be forged).
fn client_address(req: &HttpRequest, trusted: &crate::config::Proxies) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    if !trusted.contains(peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(ip) => client = ip,
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    client.to_string()
}

/// The login form, with a fresh login CSRF secret in its cookie and its hidden field.
fn login_page(
    req: &HttpRequest,
    lang: Lang,
    status: StatusCode,
    name: &str,
    message: Option<String>,
) -> HttpResponse {
    let csrf = sessions::secret();
    let mut resp = html(
        status,
        LoginPage {
            lang: lang.code(),
            f: Frame::new(lang, None),
            csrf: csrf.clone(),
            name: name.to_owned(),
            message,
        },
    );
    resp.add_cookie(&cookie(req, LOGIN_COOKIE, csrf, 3600)).ok();
    resp
}

async fn login_form(req: HttpRequest, staff: Result<Staff, Error>) -> HttpResponse {
    if staff.is_ok() {
        return see_other(&format!("/admin?lang={}", language(&req).code()));
    }
    login_page(&req, language(&req), StatusCode::OK, "", None)
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, Error> {
    let lang = language(&req);
    let w = words(lang);
    let name = form.name.trim().to_lowercase();
    let shown: String = name.chars().take(64).collect();
    let from_form = req
        .cookie(LOGIN_COOKIE)
        .is_some_and(|c| !form.csrf.is_empty() && same_secret(c.value(), &form.csrf));
    if !from_form || crate::auth::check_origin(&req).is_err() {
        return Ok(login_page(
            &req,
            lang,
            StatusCode::FORBIDDEN,
            &shown,
            Some(w.form_expired.to_owned()),
        ));
    }
    let address = client_address(&req, &state.config.trusted_proxies);
    let keys = throttle::keys(&shown, &address);
    let now = now();
    if let Some(seconds) = throttle::wait(&state.db, &keys, now).await? {
        let minutes = (seconds + 59) / 60;
        let mut resp = login_page(
            &req,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &shown,
            Some(w.throttled.replace("{}", &minutes.to_string())),
        );
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(seconds.max(1)),
        );
        return Ok(resp);
    }
    let user = crate::accounts::verify(&state.db, &name, &form.password).await?;
    let Some(user) = user else {
        throttle::fail(&state.db, &keys, now).await?;
        audit::record(
            &state.db.pool,
            &shown,
            Action::LoginFailed,
            None,
            &format!("from {address}"),
        )
        .await?;
        return Ok(login_page(
            &req,
            lang,
            StatusCode::UNAUTHORIZED,
            &shown,
            Some(w.bad_login.to_owned()),
        ));
    };
    throttle::clear(&state.db, &keys[0]).await?;
    let ttl = state.config.session_ttl.seconds();
    let (secret, _) = sessions::open(&state.db, &user, ttl).await?;
    audit::record(
        &state.db.pool,
        &user.name,
        Action::Login,
        None,
        &format!("from {address}"),
    )
    .await?;
    let mut resp = see_other(&format!("/admin?lang={}", lang.code()));
    resp.add_cookie(&cookie(&req, sessions::COOKIE, secret, ttl))
        .ok();
    resp.add_removal_cookie(&cookie(&req, LOGIN_COOKIE, String::new(), 0))
        .ok();
    Ok(resp)
}

/// The form of a post with nothing but its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: StaffForm<NoFields>,
) -> Result<HttpResponse, Error> {
    let staff = form.staff;
    if let Some(secret) = &staff.session {
        sessions::revoke(&state.db, secret).await?;
    }
    audit::record(&state.db.pool, &staff.user.name, Action::Logout, None, "").await?;
    let mut resp = see_other(&format!("/admin/login?lang={}", language(&req).code()));
    resp.add_removal_cookie(&cookie(&req, sessions::COOKIE, String::new(), 0))
        .ok();
    Ok(resp)
}

/// A staff member on a page: [`Staff`], except that a request without a login is sent to the
/// login form instead of being answered 401.
#[derive(Debug)]
pub struct PageStaff(pub Staff);

impl actix_web::FromRequest for PageStaff {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            staff.await.map(PageStaff).map_err(|e| {
                let response = match e {
                    Error::Auth(AuthError::Unauthenticated) => {
                        see_other(&format!("/admin/login?lang={}", language(&req).code()))
                    }
                    ref e => actix_web::ResponseError::error_response(e),
                };
                actix_web::error::InternalError::from_response(e, response).into()
            })
        })
    }
}

async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
) -> Result<HttpResponse, Error> {
    let lang = language(&req);
    let r = crate::relic_pages::words(lang);
    let relics = crate::relics::lines(&state.db, false)
        .await?
        .into_iter()
        .map(|l| HomeLine {
            id: l.id,
            title: l.title.get(lang).to_owned(),
            state: l.state.code(),
            state_label: crate::relic_pages::state_label(r, l.state),
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        HomePage {
            lang: lang.code(),
            admin: staff.user.role == Role::Admin,
            f: Frame::new(lang, Some(&staff)),
            r,
            relics,
            users: crate::users_page::words(lang).users,
        },
    ))
}

/// A Unix time in Vietnam's time (UTC+7, no daylight saving), and as RFC 3339 UTC.
fn times(at: i64) -> (String, String) {
    use actix_web::cookie::time::{OffsetDateTime, UtcOffset};
    let Ok(utc) = OffsetDateTime::from_unix_timestamp(at) else {
        return (at.to_string(), at.to_string());
    };
    let stamp = |t: OffsetDateTime| {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    let local = UtcOffset::from_hms(7, 0, 0).map_or(utc, |o| utc.to_offset(o));
    (stamp(utc).replace(' ', "T") + "Z", stamp(local))
}

#[derive(Debug, serde::Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

async fn audit_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, Error> {
    let lang = language(&req);
    let w = words(lang);
    if staff.require(Role::Admin).is_err() {
        return Ok(html(
            StatusCode::FORBIDDEN,
            MessagePage {
                lang: lang.code(),
                f: Frame::new(lang, Some(&staff)),
                title: w.forbidden_title.to_owned(),
                text: w.forbidden.to_owned(),
            },
        ));
    }
    let page = audit::page(&state.db, query.before, audit::PAGE).await?;
    let rows = page
        .entries
        .into_iter()
        .map(|e| {
            let (iso, local) = times(e.at);
            AuditRow {
                iso,
                local,
                actor: e.actor,
                action: e.action,
                relic: match (e.relic, e.version) {
                    (Some(r), Some(v)) => format!("{r} v{v}"),
                    (Some(r), None) => r.to_string(),
                    _ => String::new(),
                },
                detail: e.detail,
            }
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        AuditHtml {
            lang: lang.code(),
            f: Frame::new(lang, Some(&staff)),
            rows,
            next_before: page.next_before,
        },
    ))
}

async fn me(staff: Staff) -> web::Json<Me> {
    web::Json(Me {
        name: staff.user.name,
        role: staff.user.role,
        via: staff.via,
        csrf: match staff.via {
            AuthMethod::Session => staff.csrf,
            AuthMethod::Token => None,
        },
    })
}
