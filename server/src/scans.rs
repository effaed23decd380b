//! How often each code was opened: a landing page's opening adds one to its target's count for
//! the day (Vietnam time), written after the answer, off the request's path. Counts only: no
//! address, identifier, cookie or time of day is kept. Link previews, crawlers, prefetches and
//! links followed within Disan (the language toggle, nearby sites) are not counted. Staff read
//! them at `/admin/scans` (with every code's sign and files) and `GET /api/admin/scans`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use serde::Serialize;

use crate::AppState;
use crate::admin::{Frame, PageStaff, html};
use crate::auth::Staff;
use crate::db::{Db, DbError, now};
use crate::error::Error;
use crate::landing::Target;
use crate::tour2d::language;

/// Days shown and answered.
pub const DAYS: i64 = 30;

pub fn pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/scans", web::get().to(page));
}

pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route("/scans", web::get().to(json));
}

/// Whether a request is a person opening the page from a code or a shared link (not a link
/// preview, crawler, prefetch or a link followed within Disan).
pub fn is_a_visit(req: &HttpRequest) -> bool {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if header("sec-purpose").contains("prefetch") || header("purpose").contains("prefetch") {
        return false;
    }
    // A link followed within Disan (the language toggle, a nearby site, the saved list) is not a
    // code's opening; a scanned code opens with no referrer or another app's.
    if header("sec-fetch-site") == "same-origin" {
        return false;
    }
    let host = header("host");
    let referer = header("referer");
    let from = referer
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
    if !host.is_empty() && from == Some(host.as_str()) {
        return false;
    }
    let agent = header("user-agent");
    const MACHINES: [&str; 8] = [
        "bot",
        "crawl",
        "spider",
        "facebookexternalhit",
        "preview",
        "whatsapp",
        "slurp",
        "lighthouse",
    ];
    !MACHINES.iter().any(|m| agent.contains(m))
}

/// The day (Vietnam time, UTC+7) of a Unix time, as `YYYY-MM-DD`.
pub fn day(at: i64) -> String {
    use actix_web::cookie::time::OffsetDateTime;
    let local =
        OffsetDateTime::from_unix_timestamp(at + 7 * 3600).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}",
        local.year(),
        u8::from(local.month()),
        local.day()
    )
}

/// Counts an opening of `target`'s page, unless it is a machine's; written in the background.
pub fn count(state: &web::Data<AppState>, req: &HttpRequest, target: &Target) {
    if !is_a_visit(req) {
        return;
    }
    let db = state.db.clone();
    let name = target.name();
    actix_web::rt::spawn(async move {
        if let Err(e) = add(&db, &name, &day(now())).await {
            log::warn!("could not count an opening of {name}: {e}");
        }
    });
}

pub async fn add(db: &Db, target: &str, day: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO scans (target, day, opens) VALUES (?, ?, 1) \
         ON CONFLICT (target, day) DO UPDATE SET opens = scans.opens + 1",
    )
    .bind(target)
    .bind(day)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// One code's openings on one day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DayCount {
    pub target: String,
    pub day: String,
    pub opens: i64,
}

/// The counts of the last [`DAYS`] days (to today, Vietnam time), newest day first.
pub async fn recent(db: &Db) -> Result<Vec<DayCount>, DbError> {
    let since = day(now() - (DAYS - 1) * 86_400);
    Ok(sqlx::query_as::<_, DayCount>(
        "SELECT target, day, opens FROM scans WHERE day >= ? ORDER BY day DESC, opens DESC, target",
    )
    .bind(since)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(Serialize)]
struct ScansJson {
    days: i64,
    counts: Vec<DayCount>,
}

async fn json(state: web::Data<AppState>, _staff: Staff) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(ScansJson {
        days: DAYS,
        counts: recent(&state.db).await?,
    }))
}

pub struct Words {
    title: &'static str,
    intro: &'static str,
    code: &'static str,
    total: &'static str,
    today: &'static str,
    sign: &'static str,
    by_day: &'static str,
    day: &'static str,
    opens: &'static str,
    none: &'static str,
    print_all: &'static str,
}

const VI: Words = Words {
    title: "Mã QR và lượt quét",
    intro: "Số lần mở trang của mỗi mã trong 30 ngày qua (giờ Việt Nam), mã được mở nhiều nhất ở trên. Chỉ đếm số lượt: không lưu địa chỉ, không định danh ai.",
    code: "Mã",
    total: "30 ngày",
    today: "Hôm nay",
    sign: "Biển in",
    by_day: "Theo ngày",
    day: "Ngày",
    opens: "Lượt mở",
    none: "Chưa có lượt quét nào trong 30 ngày qua.",
    print_all: "Tất cả mã và biển cho nhà in: lệnh `disan qr --out THƯ_MỤC`.",
};

const EN: Words = Words {
    title: "QR codes and scans",
    intro: "How often each code's page was opened in the last 30 days (Vietnam time), the most opened first. Counts only: no address is kept, nobody is identified.",
    code: "Code",
    total: "30 days",
    today: "Today",
    sign: "Sign",
    by_day: "By day",
    day: "Day",
    opens: "Opens",
    none: "No scans in the last 30 days.",
    print_all: "Every code and sign for the print shop: the command `disan qr --out DIR`.",
};

struct Row {
    label: String,
    name: String,
    path: String,
    total: i64,
    today: i64,
}

#[derive(Template)]
#[template(path = "admin/scans.html", escape = "html")]
struct ScansPage {
    lang: &'static str,
    f: Frame,
    s: &'static Words,
    rows: Vec<Row>,
    days: Vec<DayCount>,
}

/// What a target is called on the staff page.
pub fn label(snapshot: &crate::Snapshot, target: &Target, lang: Lang) -> String {
    match target {
        Target::Site(slug) => snapshot
            .catalog
            .get(slug)
            .map_or(slug.clone(), |s| s.site.name.get(lang).to_owned()),
        Target::Stop(slug, n) => {
            let name = snapshot
                .catalog
                .get(slug)
                .map_or(slug.clone(), |s| s.site.name.get(lang).to_owned());
            let stop = if lang == Lang::Vi {
                "điểm dừng"
            } else {
                "stop"
            };
            format!("{name} — {stop} {n}")
        }
        Target::Relic(id) => snapshot
            .relics
            .get(id)
            .map_or(format!("#{id}"), |r| r.title.get(lang).to_owned()),
    }
}

async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageStaff(staff): PageStaff,
) -> Result<HttpResponse, Error> {
    let lang = language(&req);
    let counts = recent(&state.db).await?;
    let today = day(now());
    let snapshot = state.snapshot();
    let mut rows: Vec<Row> = Target::all(&snapshot)
        .iter()
        .map(|t| {
            let name = t.name();
            let mine = counts.iter().filter(|c| c.target == name);
            Row {
                label: label(&snapshot, t, lang),
                path: t.path(),
                total: mine.clone().map(|c| c.opens).sum(),
                today: mine.filter(|c| c.day == today).map(|c| c.opens).sum(),
                name,
            }
        })
        .collect();
    // The most opened first; the rest in the catalogue's order, to find a code to print.
    rows.sort_by_key(|r| std::cmp::Reverse(r.total));
    Ok(html(
        StatusCode::OK,
        ScansPage {
            lang: lang.code(),
            f: Frame::new(lang, Some(&staff)),
            s: if lang == Lang::Vi { &VI } else { &EN },
            rows,
            days: counts,
        },
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_vietnam_days() {
        // 2026-12-01 17:00 UTC is 2026-12-02 00:00 in Vietnam.
        assert_eq!(super::day(1_764_608_400 + 365 * 86_400 - 1), "2026-12-01");
        assert_eq!(super::day(1_764_608_400 + 365 * 86_400), "2026-12-02");
    }
}
