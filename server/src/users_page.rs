//! The admins' page of staff accounts, `/admin/users`: the accounts with their role and status,
//! a form to add one (the same rules as `disan user add`), and a button to disable one (its
//! sessions and tokens stop at once; an admin cannot disable their own account). Every change
//! is audited.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use disan_types::admin::Role;

use crate::AppState;
use crate::accounts::{self, AccountError};
use crate::admin::{Frame, NoFields, PageStaff, html, see_other};
use crate::audit::{self, Action};
use crate::auth::{Staff, StaffForm};
use crate::error::Error;
use crate::sessions;
use crate::tour2d::language;

pub fn pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(page))
        .route("/users", web::post().to(add))
        .route("/users/{name}/disable", web::post().to(disable));
}

pub struct Words {
    pub users: &'static str,
    caption: &'static str,
    name: &'static str,
    role: &'static str,
    status: &'static str,
    since: &'static str,
    actions: &'static str,
    disable: &'static str,
    add: &'static str,
    add_button: &'static str,
    password: &'static str,
    editor: &'static str,
    admin: &'static str,
    active: &'static str,
    disabled: &'static str,
    added: &'static str,
}

const VI: Words = Words {
    users: "Tài khoản cán bộ",
    caption: "Biên tập viên tải lên và công bố hiện vật; quản trị viên còn xóa, khôi phục và quản lý tài khoản.",
    name: "Tên đăng nhập",
    role: "Vai trò",
    status: "Trạng thái",
    since: "Tạo lúc (UTC)",
    actions: "Thao tác",
    disable: "Khóa",
    add: "Thêm tài khoản",
    add_button: "Thêm",
    password: "Mật khẩu (ít nhất 10 ký tự)",
    editor: "biên tập viên",
    admin: "quản trị viên",
    active: "đang dùng",
    disabled: "đã khóa",
    added: "Đã thêm tài khoản.",
};

const EN: Words = Words {
    users: "Staff accounts",
    caption: "Editors upload and publish relics; admins also delete, restore and manage accounts.",
    name: "User name",
    role: "Role",
    status: "Status",
    since: "Created (UTC)",
    actions: "Actions",
    disable: "Disable",
    add: "Add an account",
    add_button: "Add",
    password: "Password (at least 10 characters)",
    editor: "editor",
    admin: "admin",
    active: "active",
    disabled: "disabled",
    added: "The account was added.",
};

/// The page's words in `lang`.
pub fn words(lang: Lang) -> &'static Words {
    if lang == Lang::Vi { &VI } else { &EN }
}

struct Line {
    name: String,
    role: &'static str,
    status: &'static str,
    created: String,
    can_disable: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html", escape = "html")]
struct UsersPage {
    lang: &'static str,
    f: Frame,
    u: &'static Words,
    csrf: String,
    users: Vec<Line>,
    message: Option<String>,
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    staff: &Staff,
    status: StatusCode,
    message: Option<String>,
) -> Result<HttpResponse, Error> {
    let lang = language(req);
    let u = words(lang);
    let users = accounts::list(&state.db)
        .await?
        .into_iter()
        .map(|x| Line {
            can_disable: !x.disabled && x.name != staff.user.name,
            role: if x.role == Role::Admin {
                u.admin
            } else {
                u.editor
            },
            status: if x.disabled { u.disabled } else { u.active },
            name: x.name,
            created: x.created_at,
        })
        .collect();
    Ok(html(
        status,
        UsersPage {
            lang: lang.code(),
            f: Frame::new(lang, Some(staff)),
            u,
            csrf: staff.csrf.clone().unwrap_or_default(),
            users,
            message,
        },
    ))
}

async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
) -> Result<HttpResponse, Error> {
    staff.require(Role::Admin)?;
    render(&state, &req, &staff, StatusCode::OK, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct NewUser {
    name: String,
    role: String,
    password: String,
}

async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: StaffForm<NewUser>,
) -> Result<HttpResponse, Error> {
    let StaffForm { staff, form } = form;
    staff.require(Role::Admin)?;
    let role = Role::from_code(&form.role)
        .ok_or_else(|| Error::BadParameter(format!("{:?} is not a role", form.role)))?;
    let name = form.name.trim().to_owned();
    match accounts::add(&state.db, &name, role, &form.password).await {
        Ok(()) => {
            audit::record(
                &state.db.pool,
                &staff.user.name,
                Action::UserAdd,
                None,
                &format!("{name} ({})", role.code()),
            )
            .await?;
            let u = words(language(&req));
            render(
                &state,
                &req,
                &staff,
                StatusCode::OK,
                Some(u.added.to_owned()),
            )
            .await
        }
        Err(AccountError::Db(e)) => Err(Error::Db(e)),
        // A bad name, a short password, a name taken: said on the page, nothing stored.
        Err(e) => {
            render(
                &state,
                &req,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e.to_string()),
            )
            .await
        }
    }
}

async fn disable(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: StaffForm<NoFields>,
    name: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let staff = form.staff;
    staff.require(Role::Admin)?;
    let name = name.into_inner();
    if name == staff.user.name {
        return render(
            &state,
            &req,
            &staff,
            StatusCode::CONFLICT,
            Some("you cannot disable your own account".to_owned()),
        )
        .await;
    }
    let user = accounts::find(&state.db, &name)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no user named {name:?}")))?;
    accounts::disable(&state.db, &name).await?;
    sessions::revoke_all(&state.db, user.id).await?;
    audit::record(
        &state.db.pool,
        &staff.user.name,
        Action::UserDisable,
        None,
        &name,
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/users?lang={}",
        language(&req).code()
    )))
}
