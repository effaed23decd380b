//! The search API: `GET /api/search` answers with a [`SearchResponse`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Lang, Position, SiteKind};

/// What a search hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// A whole site.
    Site,
    /// One stop of a site's guided tour.
    Stop,
    /// A marked point on a site's model.
    Hotspot,
    /// A digitised object kept at a site.
    Relic,
}

impl HitKind {
    pub const ALL: [HitKind; 4] = [
        HitKind::Site,
        HitKind::Stop,
        HitKind::Hotspot,
        HitKind::Relic,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HitKind::Site => "site",
            HitKind::Stop => "stop",
            HitKind::Hotspot => "hotspot",
            HitKind::Relic => "relic",
        }
    }

    pub fn from_code(code: &str) -> Option<HitKind> {
        HitKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A piece of a snippet; `mark` is set on the words that matched the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mark: bool,
}

/// One result of a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: HitKind,
    /// The item within its site: the slug for a site, the stop number (from 1) for a stop,
    /// the hotspot's or relic's id otherwise.
    pub id: String,
    /// The slug of the site the hit belongs to.
    pub site: String,
    /// The site's name in the requested language.
    pub site_name: String,
    /// The site's type.
    #[serde(rename = "type")]
    pub site_type: SiteKind,
    /// The hit's title in the requested language.
    pub title: String,
    /// A short passage of the hit's text in the requested language, matched words marked.
    pub snippet: Vec<SnippetPart>,
    /// Where the web app shows the hit, e.g. `/tour/doi-a1#stop=2`.
    pub url: String,
    /// The position of the hit's site.
    pub position: Position,
    /// Distance from the `near` point, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub score: f32,
}

/// How many hits each value would have. A facet's counts ignore its own filter and apply the
/// others, so a user can see what choosing another value would give.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub kind: BTreeMap<HitKind, u64>,
    #[serde(rename = "type")]
    pub site_type: BTreeMap<SiteKind, u64>,
}

/// `GET /api/search`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The query as understood: NFC, trimmed, at most the words searched for.
    pub query: String,
    pub lang: Lang,
    /// Hits matching the query and the filters, before `offset` and `limit`.
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
    pub facets: Facets,
    pub hits: Vec<SearchHit>,
}
