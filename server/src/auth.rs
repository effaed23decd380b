//! Who a staff request is from, checked on every staff route by one extractor: [`Staff`] (any
//! role) or [`Admin`]. A request proves itself with the session cookie of a login or with an
//! API token (`Authorization: Bearer …`). A change (any method but GET and HEAD) made through
//! the cookie must also carry the session's CSRF token — in the `X-CSRF-Token` header for the
//! JSON API, in the `csrf` field for forms ([`StaffForm`]) — and, when the browser sends an
//! `Origin`, come from this origin. API tokens need no CSRF token: browsers never send them
//! on their own.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use disan_types::admin::{AuthMethod, Role};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::accounts::User;
use crate::error::Error;
use crate::sessions::{self, same_secret};
use crate::tokens;

/// The header carrying the CSRF token of JSON requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("log in first: no valid session or API token")]
    Unauthenticated,
    #[error("this needs the {} role; {name} is {}", needed.code(), has.code())]
    Forbidden {
        name: String,
        has: Role,
        needed: Role,
    },
    #[error("the CSRF token is missing or wrong: reload the page and try again")]
    BadCsrf,
    #[error("the request comes from another site ({0})")]
    CrossOrigin(String),
}

/// A staff member, authenticated.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub via: AuthMethod,
    /// The session's CSRF token (for the forms of the pages).
    pub csrf: Option<String>,
    /// The session cookie's secret (to log out).
    pub session: Option<String>,
}

impl Staff {
    /// Refuses unless the account's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), Error> {
        if self.user.role.includes(needed) {
            Ok(())
        } else {
            Err(AuthError::Forbidden {
                name: self.user.name.clone(),
                has: self.user.role,
                needed,
            }
            .into())
        }
    }
}

/// An authenticated admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

fn state(req: &HttpRequest) -> web::Data<AppState> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .expect("the app has its state")
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether the request changes something (so needs CSRF protection).
fn is_change(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a change whose `Origin` is another site's.
pub fn check_origin(req: &HttpRequest) -> Result<(), Error> {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let info = req.connection_info();
    let own = format!("{}://{}", info.scheme(), info.host());
    if origin == own {
        Ok(())
    } else {
        Err(AuthError::CrossOrigin(origin.to_owned()).into())
    }
}

/// Authenticates the request, without checking CSRF.
async fn authenticate(req: &HttpRequest) -> Result<Staff, Error> {
    let state = state(req);
    if let Some(token) = bearer(req) {
        let user = tokens::find(&state.db, token)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        return Ok(Staff {
            user,
            via: AuthMethod::Token,
            csrf: None,
            session: None,
        });
    }
    let cookie = req
        .cookie(sessions::COOKIE)
        .ok_or(AuthError::Unauthenticated)?;
    let secret = cookie.value().to_owned();
    let session = sessions::find(&state.db, &secret)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    Ok(Staff {
        user: session.user,
        via: AuthMethod::Session,
        csrf: Some(session.csrf),
        session: Some(secret),
    })
}

/// Checks a CSRF token sent with a change made through the session cookie.
pub fn check_csrf(staff: &Staff, sent: Option<&str>) -> Result<(), Error> {
    match (&staff.csrf, sent) {
        (None, _) => Ok(()),
        (Some(want), Some(sent)) if same_secret(want, sent) => Ok(()),
        _ => Err(AuthError::BadCsrf.into()),
    }
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, Error>>>>;

impl FromRequest for Staff {
    type Error = Error;
    type Future = Fut<Staff>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let staff = authenticate(&req).await?;
            if is_change(req.method()) && staff.via == AuthMethod::Session {
                check_origin(&req)?;
                let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                check_csrf(&staff, sent)?;
            }
            Ok(staff)
        })
    }
}

impl FromRequest for Admin {
    type Error = Error;
    type Future = Fut<Admin>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        Box::pin(async move {
            let staff = staff.await?;
            staff.require(Role::Admin)?;
            Ok(Admin(staff))
        })
    }
}

/// A form posted by a logged-in staff member: its fields, checked against the session's CSRF
/// token (the `csrf` field).
#[derive(Debug)]
pub struct StaffForm<T> {
    pub staff: Staff,
    pub form: T,
}

#[derive(Debug, serde::Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(flatten)]
    form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for StaffForm<T> {
    type Error = Error;
    type Future = Fut<StaffForm<T>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<WithCsrf<T>>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let staff = authenticate(&req).await?;
            check_origin(&req)?;
            let form = form
                .await
                .map_err(|e| Error::BadParameter(e.to_string()))?
                .into_inner();
            check_csrf(&staff, Some(form.csrf.as_deref().unwrap_or("")))?;
            Ok(StaffForm {
                staff,
                form: form.form,
            })
        })
    }
}
