//! The audit log: every staff action (logins, logouts, failed logins, account and token
//! changes, and later every relic change) with who, what, when and which relic and version.
//! `GET /api/admin/audit` (admins) pages through it, newest first; `/admin/audit` shows it.

use actix_web::{HttpResponse, web};
use disan_types::admin::{AuditEntry, AuditPage};

use crate::AppState;
use crate::auth::Admin;
use crate::db::{Db, DbError, now};
use crate::error::Error;

/// Who the command line acts as in the log.
pub const CLI: &str = "cli";

/// What was done, as written in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    UserAdd,
    UserDisable,
    TokenAdd,
    TokenRevoke,
    RelicCreate,
    RelicEdit,
    RelicVersion,
    RelicPublish,
    RelicUnpublish,
    RelicDelete,
    RelicRestore,
    PhotoAdd,
    PhotoRemove,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::UserAdd => "user_add",
            Action::UserDisable => "user_disable",
            Action::TokenAdd => "token_add",
            Action::TokenRevoke => "token_revoke",
            Action::RelicCreate => "relic_create",
            Action::RelicEdit => "relic_edit",
            Action::RelicVersion => "relic_version",
            Action::RelicPublish => "relic_publish",
            Action::RelicUnpublish => "relic_unpublish",
            Action::RelicDelete => "relic_delete",
            Action::RelicRestore => "relic_restore",
            Action::PhotoAdd => "photo_add",
            Action::PhotoRemove => "photo_remove",
        }
    }
}

/// Writes one entry, on the pool or inside the transaction of the change it records.
pub async fn record<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    actor: &str,
    action: Action,
    relic: Option<(i64, Option<i64>)>,
    detail: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, relic_id, version, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now())
    .bind(actor)
    .bind(action.code())
    .bind(relic.map(|r| r.0))
    .bind(relic.and_then(|r| r.1))
    .bind(detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Most entries in one page.
pub const PAGE: i64 = 100;

/// An `audit` row as selected: id, at, actor, action, relic_id, version, detail.
type Row = (i64, i64, String, String, Option<i64>, Option<i64>, String);

/// Up to `limit` entries older than the entry `before` (all when `None`), newest first.
pub async fn page(db: &Db, before: Option<i64>, limit: i64) -> Result<AuditPage, DbError> {
    let limit = limit.clamp(1, PAGE);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, action, relic_id, version, detail FROM audit \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit + 1)
    .fetch_all(&db.pool)
    .await?;
    let mut entries: Vec<AuditEntry> = rows
        .into_iter()
        .map(
            |(id, at, actor, action, relic, version, detail)| AuditEntry {
                id,
                at,
                actor,
                action,
                relic,
                version,
                detail,
            },
        )
        .collect();
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(AuditPage {
        entries,
        next_before,
    })
}

/// The API routes (under `/api/admin`).
pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list));
}

#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

async fn list(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Error> {
    let page = page(&state.db, query.before, query.limit.unwrap_or(PAGE)).await?;
    Ok(HttpResponse::Ok().json(page))
}
