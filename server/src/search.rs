//! Search: `GET /api/search` over sites, tour stops, hotspots and relics, in Vietnamese and
//! English, with or without diacritics, forgiving typos, as you type.
//!
//! The index (`disan_search::SearchIndex`) is derived: part of the snapshot, built with it.

use actix_web::{HttpRequest, HttpResponse, web};
use disan_types::{HitKind, SearchResponse, SiteKind};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use disan_search::{QueryWord, SearchRequest, Sort, query_words};

use crate::AppState;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most hits one page may ask for.
pub const MAX_LIMIT: usize = 50;
/// Deepest page: results beyond this many are not served.
pub const MAX_OFFSET: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the query is empty: give some words in `q` (or a `near` point)")]
    EmptyQuery,
    #[error("the query is {chars} characters long; at most {MAX_QUERY_CHARS} are accepted")]
    QueryTooLong { chars: usize },
    #[error("{0}")]
    BadParameter(String),
    #[error("the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/search", web::get().to(search));
}

/// The query string as sent; every value is checked by [`parse`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default)]
    q: String,
    lang: Option<String>,
    #[serde(rename = "type")]
    site_type: Option<String>,
    kind: Option<String>,
    near: Option<String>,
    sort: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn bad(message: impl Into<String>) -> SearchError {
    SearchError::BadParameter(message.into())
}

/// Parses a parameter that takes one of a few codes; empty or absent is `None`.
fn one_of<T: Copy>(
    name: &str,
    value: Option<&str>,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<Option<T>, SearchError> {
    match value {
        None | Some("") => Ok(None),
        Some(v) => all
            .iter()
            .copied()
            .find(|t| code(*t) == v)
            .map(Some)
            .ok_or_else(|| {
                let codes: Vec<&str> = all.iter().map(|t| code(*t)).collect();
                bad(format!(
                    "`{name}` must be one of {}, not {v:?}",
                    codes.join(", ")
                ))
            }),
    }
}

/// Parses `lat,lon` in degrees.
pub fn parse_point(text: &str) -> Option<(f64, f64)> {
    let (lat, lon) = text.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

fn number(
    name: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, SearchError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(bad(format!(
            "`{name}` must be a whole number from 0 to {max}, not {value:?}"
        ))),
    }
}

/// Checks the parameters of a search request.
fn parse(
    query_string: &str,
    req: &HttpRequest,
) -> Result<(SearchRequest, Vec<QueryWord>), SearchError> {
    let p: Params = serde_urlencoded::from_str(query_string)
        .map_err(|e| bad(format!("bad query string: {e}")))?;
    let chars = p.q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SearchError::QueryTooLong { chars });
    }
    let raw: String = p.q.nfc().collect();
    let words = query_words(&raw);
    let lang = match p.lang.as_deref() {
        None => crate::tour2d::language(req),
        Some(code) => disan_types::Lang::from_code(code)
            .ok_or_else(|| bad(format!("`lang` must be vi or en, not {code:?}")))?,
    };
    let site_type = one_of(
        "type",
        p.site_type.as_deref(),
        &SiteKind::ALL,
        SiteKind::code,
    )?;
    let kind = one_of("kind", p.kind.as_deref(), &HitKind::ALL, HitKind::code)?;
    let near = match p.near.as_deref() {
        None | Some("") => None,
        Some(text) => Some(parse_point(text).ok_or_else(|| {
            bad(format!(
                "`near` must be `lat,lon` in degrees (lat −90…90, lon −180…180), not {text:?}"
            ))
        })?),
    };
    let sort = match p.sort.as_deref() {
        None | Some("") | Some("relevance") => Sort::Relevance,
        Some("distance") if near.is_some() => Sort::Distance,
        Some("distance") => return Err(bad("`sort=distance` needs a `near` point")),
        Some(other) => {
            return Err(bad(format!(
                "`sort` must be relevance or distance, not {other:?}"
            )));
        }
    };
    let limit = number("limit", p.limit.as_deref(), 10, MAX_LIMIT)?;
    let offset = number("offset", p.offset.as_deref(), 0, MAX_OFFSET)?;
    if words.is_empty() && near.is_none() {
        return Err(SearchError::EmptyQuery);
    }
    Ok((
        SearchRequest {
            text: raw.trim().to_owned(),
            lang,
            kind,
            site_type,
            near,
            sort,
            limit,
            offset,
        },
        words,
    ))
}

async fn search(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, crate::Error> {
    let (request, words) = parse(req.query_string(), &req)?;
    let response: SearchResponse = state
        .snapshot()
        .search
        .search(&request, &words)
        .map_err(SearchError::from)?;
    Ok(HttpResponse::Ok()
        .insert_header(("vary", "Accept-Language"))
        .insert_header(("cache-control", "public, max-age=60"))
        .json(response))
}
