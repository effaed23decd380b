//! Search and map API tests: `/api/search` (relevance set, diacritics, typos, facets, filters,
//! distance, bad input), `/api/nearby` and `/api/sites.geojson`, against a real server.

use std::sync::OnceLock;

use disan_tests::{TestServer, config_with_web, copy_tree, repo_root};
use disan_types::{
    ApiError, FeatureCollection, HitKind, NearbyResponse, SearchResponse, SiteKind, SiteSummary,
};
use serde::Deserialize;

/// One server for the whole file: the tests only read.
fn server() -> &'static TestServer {
    static SERVER: OnceLock<(TestServer, tempfile::TempDir)> = OnceLock::new();
    &SERVER
        .get_or_init(|| {
            let web = tempfile::tempdir().unwrap();
            (TestServer::start(config_with_web(web.path())).unwrap(), web)
        })
        .0
}

/// GETs `path` with query parameters; returns the status and the body.
fn get(s: &TestServer, path: &str, params: &[(&str, &str)]) -> (u16, String) {
    let mut req = s.client().get(&s.url(path));
    for (k, v) in params {
        req = req.query(*k, *v);
    }
    let mut r = req.call().unwrap();
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
}

fn search(params: &[(&str, &str)]) -> SearchResponse {
    let (status, body) = get(server(), "/api/search", params);
    assert_eq!(status, 200, "{params:?}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn search_error(params: &[(&str, &str)]) -> (u16, ApiError) {
    let (status, body) = get(server(), "/api/search", params);
    let e: ApiError = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    (status, e)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    q: String,
    #[serde(default = "vi")]
    lang: String,
    site: String,
    top: usize,
}

fn vi() -> String {
    "vi".into()
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[test]
fn relevance_set_ranks_the_expected_site() {
    let path = repo_root().join("tests/fixtures/search/relevance.toml");
    let cases: Cases = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.case.len() >= 40, "{} cases", cases.case.len());
    let mut failures = Vec::new();
    for c in &cases.case {
        assert!(c.top == 1 || c.top == 3, "{c:?}");
        let r = search(&[("q", &c.q), ("lang", &c.lang), ("limit", "5")]);
        let sites: Vec<&str> = r.hits.iter().map(|h| h.site.as_str()).collect();
        let rank = sites.iter().position(|s| *s == c.site).map(|i| i + 1);
        if rank.is_none_or(|r| r > c.top) {
            failures.push(format!(
                "{:?} ({}): want {} in top {}, got {:?}",
                c.q, c.lang, c.site, c.top, sites
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.case.len(),
        failures.join("\n")
    );
}

#[test]
fn case_and_diacritics_do_not_matter() {
    let spellings = [
        "dien bien phu",
        "DIEN BIEN PHU",
        "Điện Biên Phủ",
        // The same letters decomposed (NFD), as some keyboards send them.
        "Đie\u{302}\u{323}n Bie\u{302}n Phu\u{309}",
        "điện biên phủ",
    ];
    // The same items match, whatever the spelling (the order may differ: exact spellings
    // rank first).
    let results: Vec<(u64, disan_types::Facets)> = spellings
        .iter()
        .map(|q| {
            let r = search(&[("q", q)]);
            assert!(r.total >= 10, "{q}: {} hits", r.total);
            assert!(
                r.hits[0].title.contains("Điện Biên Phủ"),
                "{q}: {:?}",
                r.hits[0]
            );
            (r.total, r.facets)
        })
        .collect();
    for (q, found) in spellings.iter().zip(&results) {
        assert_eq!(
            found, &results[0],
            "{q} found other items than {}",
            spellings[0]
        );
    }
    // đ folds to d.
    let r = search(&[("q", "deo")]);
    assert_eq!(r.hits[0].site, "deo-pha-din");
}

#[test]
fn exact_diacritics_rank_above_folded_matches() {
    // `hố` (a crater) and `hồ` (a lake) fold to the same `ho`.
    let crater = search(&[("q", "hố")]);
    assert_eq!(
        (crater.hits[0].site.as_str(), crater.hits[0].title.as_str()),
        ("doi-a1", "Hố bộc phá")
    );
    let lake = search(&[("q", "hồ")]);
    assert_eq!(lake.hits[0].site, "ho-pa-khoang");
    // Without diacritics both are found.
    let both = search(&[("q", "ho"), ("limit", "50")]);
    assert!(both.hits.iter().any(|h| h.title == "Hố bộc phá"));
    assert!(both.hits.iter().any(|h| h.site == "ho-pa-khoang"));
}

#[test]
fn typos_need_four_letters() {
    // One edit in a word of four letters or more still finds it...
    for (typo, site) in [("bunkre", "ham-do-cat"), ("stpua", "thap-muong-luan")] {
        let r = search(&[("q", typo), ("lang", "en")]);
        assert_eq!(
            r.hits.first().map(|h| h.site.as_str()),
            Some(site),
            "{typo}"
        );
    }
    // ...two edits do not, and neither does one edit in a short word.
    assert_eq!(search(&[("q", "bnukre ")]).total, 0);
    assert_eq!(search(&[("q", "xa1 ")]).total, 0);
}

#[test]
fn hits_carry_title_snippet_url_and_position_in_the_asked_language() {
    let r = search(&[("q", "pa khoang"), ("lang", "en")]);
    assert_eq!(r.lang, disan_types::Lang::En);
    let hit = &r.hits[0];
    assert_eq!(hit.kind, HitKind::Site);
    assert_eq!(hit.site, "ho-pa-khoang");
    assert_eq!(hit.title, "Pá Khoang Lake");
    assert_eq!(hit.site_name, "Pá Khoang Lake");
    assert_eq!(hit.url, "/tour/ho-pa-khoang");
    assert_eq!(hit.site_type, SiteKind::Natural);
    let sites: Vec<SiteSummary> = server().get_json("/api/sites");
    let lake = sites.iter().find(|s| s.slug == "ho-pa-khoang").unwrap();
    assert_eq!(hit.position, lake.position);
    assert!(hit.distance_km.is_none());

    // Stops and hotspots link into the tour.
    for h in &r.hits {
        match h.kind {
            HitKind::Stop => assert_eq!(h.url, format!("/tour/{}#stop={}", h.site, h.id)),
            HitKind::Hotspot => assert_eq!(h.url, format!("/tour/{}#hotspot={}", h.site, h.id)),
            _ => {}
        }
    }

    // Snippets mark the words that matched, as written in the text; the best hits match
    // exactly, later ones may match with a typo (`điểm` for `điện`).
    let r = search(&[("q", "dien bien "), ("lang", "vi"), ("limit", "20")]);
    let marked = |h: &disan_types::SearchHit| -> Vec<String> {
        h.snippet
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.clone())
            .collect()
    };
    for h in &r.hits[..5] {
        let m = marked(h);
        assert!(
            m.iter()
                .all(|w| ["Điện", "Biên", "điện", "biên"].contains(&w.as_str())),
            "{m:?}"
        );
    }
    assert!(r.hits.iter().take(3).all(|h| !marked(h).is_empty()));
    for h in &r.hits {
        for w in marked(h) {
            let folded = disan_search::text::fold(&w);
            assert!(
                disan_search::text::within_one_edit(&folded, "dien")
                    || disan_search::text::within_one_edit(&folded, "bien"),
                "{w}"
            );
        }
    }
    for h in &r.hits {
        let text: String = h.snippet.iter().map(|p| p.text.as_str()).collect();
        assert!(!text.is_empty() && text.chars().count() <= 190, "{text}");
    }
}

#[test]
fn language_follows_accept_language_when_not_given() {
    let s = server();
    let mut r = s
        .client()
        .get(&s.url("/api/search"))
        .query("q", "stupa")
        .header("accept-language", "en-GB,en;q=0.8")
        .call()
        .unwrap();
    let r: SearchResponse = r.body_mut().read_json().unwrap();
    assert_eq!(r.lang, disan_types::Lang::En);
    assert_eq!(r.hits[0].site_name, "Mường Luân Stupa");
    let r = search(&[("q", "stupa")]);
    assert_eq!(r.lang, disan_types::Lang::Vi);
    assert_eq!(r.hits[0].site_name, "Tháp Mường Luân");
}

#[test]
fn facets_count_every_match_and_filters_narrow_the_hits() {
    let all = search(&[("q", "dien bien phu"), ("limit", "50")]);
    let by_kind: u64 = all.facets.kind.values().sum();
    let by_type: u64 = all.facets.site_type.values().sum();
    assert_eq!(by_kind, all.total);
    assert_eq!(by_type, all.total);
    assert!(all.facets.kind.len() >= 3, "{:?}", all.facets.kind);
    // Each count is what filtering by that value gives.
    for (kind, n) in &all.facets.kind {
        let only = search(&[("q", "dien bien phu"), ("kind", kind.code())]);
        assert_eq!(only.total, *n, "{kind:?}");
    }
    for (t, n) in &all.facets.site_type {
        let only = search(&[("q", "dien bien phu"), ("type", t.code())]);
        assert_eq!(only.total, *n, "{t:?}");
    }

    let museums = search(&[("q", "dien bien phu"), ("type", "museum"), ("limit", "50")]);
    assert_eq!(
        Some(&museums.total),
        all.facets.site_type.get(&SiteKind::Museum)
    );
    assert!(museums.hits.iter().all(|h| h.site_type == SiteKind::Museum));
    // A facet ignores its own filter: the type counts stay as they were.
    assert_eq!(museums.facets.site_type, all.facets.site_type);

    let hotspots = search(&[("q", "dien bien phu"), ("kind", "hotspot"), ("limit", "50")]);
    assert!(hotspots.total > 0);
    assert!(hotspots.hits.iter().all(|h| h.kind == HitKind::Hotspot));
    assert_eq!(hotspots.facets.kind, all.facets.kind);
    assert!(hotspots.facets.site_type.values().sum::<u64>() == hotspots.total);
}

#[test]
fn pages_follow_each_other() {
    let whole = search(&[("q", "di tich"), ("limit", "20")]);
    assert!(whole.total >= 20, "{}", whole.total);
    let first = search(&[("q", "di tich"), ("limit", "10")]);
    let second = search(&[("q", "di tich"), ("limit", "10"), ("offset", "10")]);
    let ids = |r: &SearchResponse| -> Vec<(String, String)> {
        r.hits
            .iter()
            .map(|h| (h.site.clone(), h.id.clone()))
            .collect()
    };
    let mut joined = ids(&first);
    joined.extend(ids(&second));
    assert_eq!(joined, ids(&whole));
    let past = search(&[("q", "di tich"), ("offset", "1000")]);
    assert!(past.hits.is_empty());
    assert_eq!(past.total, whole.total);
}

#[test]
fn near_adds_distance_and_can_sort_by_it() {
    // At Pá Khoang lake (its position in the content file).
    let near = ("near", "21.4450,103.0900");
    let r = search(&[("q", "di tich"), near, ("limit", "50")]);
    assert!(r.hits.iter().all(|h| h.distance_km.is_some()));
    let by_distance = search(&[
        ("q", "di tich"),
        near,
        ("sort", "distance"),
        ("limit", "50"),
    ]);
    let d: Vec<f64> = by_distance
        .hits
        .iter()
        .map(|h| h.distance_km.unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // The same word ranks the nearer site higher with `near` than without.
    let plain = search(&[("q", "doi"), ("kind", "site"), ("limit", "14")]);
    let close = search(&[
        ("q", "doi"),
        ("kind", "site"),
        ("near", "21.3825,103.0228"),
        ("limit", "14"),
    ]);
    let rank = |r: &SearchResponse, slug: &str| r.hits.iter().position(|h| h.site == slug);
    assert!(rank(&close, "doi-a1").unwrap() <= rank(&plain, "doi-a1").unwrap());
    assert!(
        close.hits[0].distance_km.unwrap() < 1.5,
        "{:?}",
        close.hits[0]
    );

    // No words but a point: everything, nearest first.
    let around = search(&[
        ("near", "21.4450,103.0900"),
        ("kind", "site"),
        ("limit", "3"),
    ]);
    assert_eq!(around.hits[0].site, "ho-pa-khoang");
    assert!(around.hits[0].distance_km.unwrap() < 1.0);
    assert_eq!(around.total, 14);
}

#[test]
fn bad_queries_get_a_clear_400_never_a_500() {
    let long = "a".repeat(10 * 1024);
    for (params, code) in [
        (vec![("q", "")], "empty_query"),
        (vec![("q", "   ")], "empty_query"),
        (vec![("q", "\"\"'")], "empty_query"),
        (vec![], "empty_query"),
        (vec![("q", long.as_str())], "query_too_long"),
        (vec![("q", "hồ"), ("near", "91,103")], "bad_parameter"),
        (vec![("q", "hồ"), ("near", "21,181")], "bad_parameter"),
        (vec![("q", "hồ"), ("near", "NaN,103")], "bad_parameter"),
        (vec![("q", "hồ"), ("near", "here")], "bad_parameter"),
        (vec![("q", "hồ"), ("sort", "distance")], "bad_parameter"),
        (vec![("q", "hồ"), ("sort", "price")], "bad_parameter"),
        (vec![("q", "hồ"), ("limit", "500")], "bad_parameter"),
        (vec![("q", "hồ"), ("limit", "-1")], "bad_parameter"),
        (vec![("q", "hồ"), ("offset", "1001")], "bad_parameter"),
        (vec![("q", "hồ"), ("lang", "fr")], "bad_parameter"),
        (vec![("q", "hồ"), ("type", "castle")], "bad_parameter"),
        (vec![("q", "hồ"), ("kind", "poi")], "bad_parameter"),
        (vec![("q", "hồ"), ("colour", "red")], "bad_parameter"),
    ] {
        let (status, e) = search_error(&params);
        assert_eq!(
            (status, e.error.code()),
            (400, code),
            "{params:?}: {}",
            e.message
        );
        assert!(!e.message.is_empty());
    }
    // Bytes that are not UTF-8, sent raw.
    let (status, body) = server().raw_get("/api/search?q=%FF%FE");
    assert!(status == 400 || status == 200, "{status} {body}");

    // Unbalanced quotes and operators are just punctuation.
    for q in [
        "\"dien bien",
        "pa khoang\"",
        "(ho",
        "doi a1 AND",
        "-stupa",
        "*",
        "dien:bien",
    ] {
        let (status, body) = get(server(), "/api/search", &[("q", q)]);
        assert!(status == 200 || status == 400, "{q}: {status} {body}");
        if q != "*" {
            assert_eq!(status, 200, "{q}: {body}");
        }
    }
    assert!(search(&[("q", "\"dien bien")]).total > 0);
    // A long query of real words searches its first words.
    let words = "dien bien phu ".repeat(12);
    assert!(search(&[("q", words.trim())]).total > 0);
    // Nothing found is an empty answer, not an error.
    let none = search(&[("q", "zzzzqqqq")]);
    assert_eq!((none.total, none.hits.len()), (0, 0));
}

#[test]
fn index_is_derived_from_the_content_files() {
    // A copy of the content with one site renamed: the new name is found, the old one not.
    let dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    copy_tree(&root.join("content"), &dir.path().join("content"));
    let file = dir.path().join("content/sites/thap-muong-luan.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "en = \"Mường Luân Stupa\"",
        "en = \"Mường Luân Zigguratoid\"",
    );
    std::fs::write(&file, text).unwrap();
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.content_dir = dir.path().join("content");
    let s = TestServer::start(config).unwrap();
    let (_, body) = get(&s, "/api/search", &[("q", "zigguratoid"), ("lang", "en")]);
    let r: SearchResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(r.hits[0].site, "thap-muong-luan");
    assert_eq!(r.hits[0].title, "Mường Luân Zigguratoid");
    assert_eq!(search(&[("q", "zigguratoid ")]).total, 0);
}

#[test]
fn nearby_lists_sites_by_distance_within_the_radius() {
    // The centre of Điện Biên Phủ: the battlefield sites are within a few km.
    let (status, body) = get(
        server(),
        "/api/nearby",
        &[("lat", "21.386"), ("lon", "103.017"), ("radius_km", "10")],
    );
    assert_eq!(status, 200, "{body}");
    let r: NearbyResponse = serde_json::from_str(&body).unwrap();
    let slugs: Vec<&str> = r.sites.iter().map(|s| s.site.slug.as_str()).collect();
    for slug in ["doi-a1", "ham-do-cat", "bao-tang-chien-thang-dien-bien-phu"] {
        assert!(slugs.contains(&slug), "{slugs:?}");
    }
    assert!(!slugs.contains(&"a-pa-chai"), "{slugs:?}");
    let d: Vec<f64> = r.sites.iter().map(|s| s.distance_km).collect();
    assert!(
        d.windows(2).all(|w| w[0] <= w[1]) && d.iter().all(|d| *d <= 10.0),
        "{d:?}"
    );

    // Default radius 50 km; a radius as wide as the Earth finds all 14.
    let (_, body) = get(
        server(),
        "/api/nearby",
        &[("lat", "21.386"), ("lon", "103.017")],
    );
    let r: NearbyResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(r.radius_km, 50.0);
    let (_, body) = get(
        server(),
        "/api/nearby",
        &[("lat", "-33.9"), ("lon", "18.4"), ("radius_km", "20050")],
    );
    let r: NearbyResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(r.sites.len(), 14);
    // Seen from Cape Town every site is over 9,000 km away.
    let apc = r.sites.iter().find(|s| s.site.slug == "a-pa-chai").unwrap();
    assert!(apc.distance_km > 9_000.0);

    for params in [
        vec![("lon", "103")],
        vec![("lat", "21")],
        vec![("lat", "91"), ("lon", "103")],
        vec![("lat", "21"), ("lon", "-181")],
        vec![("lat", "x"), ("lon", "103")],
        vec![("lat", "21"), ("lon", "103"), ("radius_km", "0")],
        vec![("lat", "21"), ("lon", "103"), ("radius_km", "inf")],
        vec![("lat", "21"), ("lon", "103"), ("radius_km", "30000")],
        vec![("lat", "21"), ("lon", "103"), ("zoom", "3")],
    ] {
        let (status, body) = get(server(), "/api/nearby", &params);
        let e: ApiError = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (status, e.error.code()),
            (400, "bad_parameter"),
            "{params:?}"
        );
    }
}

#[test]
fn sites_geojson_is_rfc_7946() {
    let s = server();
    let mut r = s.client().get(&s.url("/api/sites.geojson")).call().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let text = r.body_mut().read_to_string().unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(raw["type"], "FeatureCollection");
    let fc: FeatureCollection = serde_json::from_str(&text).unwrap();
    assert_eq!(fc.features.len(), 14);
    let sites: Vec<SiteSummary> = s.get_json("/api/sites");
    for f in &fc.features {
        assert_eq!(f.kind, "Feature");
        assert_eq!(f.geometry.kind, "Point");
        let site = sites.iter().find(|s| s.slug == f.id).unwrap();
        // Longitude first.
        let [lon, lat] = f.geometry.coordinates;
        assert!((lon - site.position.lon).abs() < 1e-6 && (lat - site.position.lat).abs() < 1e-6);
        assert!(
            (102.0..104.0).contains(&lon) && (20.5..22.6).contains(&lat),
            "{f:?}"
        );
        assert_eq!(f.properties.name, site.name);
        assert_eq!(f.properties.tour_url, site.tour_url);
    }
}

#[test]
fn map_svg_places_a_pin_per_site_where_it_lies() {
    let s = server();
    let mut r = s
        .client()
        .get(&s.url("/map.svg"))
        .query("lang", "en")
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.body_mut().read_to_string().unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("Map of Điện Biên province"), "{svg:.300}");
    assert!(svg.contains("geoBoundaries, CC BY-SA 4.0"));
    // The outline: one closed path with hundreds of points.
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(path.starts_with('M') && path.ends_with('Z'));
    assert!(path.matches('L').count() > 300, "{}", path.len());

    // Pins: one link per site, placed by longitude (x) and latitude (y, downwards).
    let sites: Vec<SiteSummary> = s.get_json("/api/sites");
    let number = |text: &str, attr: &str| -> f64 {
        let v = text.split(&format!("{attr}=\"")).nth(1).unwrap();
        v.split('"').next().unwrap().parse().unwrap()
    };
    let pins: Vec<(&SiteSummary, f64, f64)> = sites
        .iter()
        .map(|site| {
            let pins = svg.find("<g class=\"pins\">").unwrap();
            let at = pins
                + svg[pins..]
                    .find(&format!("data-slug=\"{}\"", site.slug))
                    .unwrap_or_else(|| panic!("no pin for {}", site.slug));
            let pin = &svg[at..];
            assert!(svg[..at].ends_with(&format!("<a href=\"{}\" ", site.tour_url)));
            assert!(pin.contains(&format!(
                "aria-label=\"{}\"",
                site.name.en.replace('\'', "&#39;")
            )));
            (site, number(pin, "cx"), number(pin, "cy"))
        })
        .collect();
    assert_eq!(svg.matches("<circle class=\"pin").count(), 14);
    for (a, ax, ay) in &pins {
        assert!(
            (0.0..=1000.0).contains(ax) && *ay >= 0.0,
            "{} {ax} {ay}",
            a.slug
        );
        for (b, bx, by) in &pins {
            if a.position.lon < b.position.lon - 0.001 {
                assert!(ax < bx, "{} is west of {}", a.slug, b.slug);
            }
            if a.position.lat > b.position.lat + 0.001 {
                assert!(ay < by, "{} is north of {}", a.slug, b.slug);
            }
        }
    }
    // Vietnamese by default.
    let (_, vi) = get(s, "/map.svg", &[]);
    assert!(vi.contains("Bản đồ tỉnh Điện Biên"));
}
