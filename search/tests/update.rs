//! A relic's publish, edit and removal change only its own documents of the index: a new
//! view finds the change at once, views made before keep answering as they were.

use disan_search::{SearchDoc, SearchIndex, SearchRequest, Sort, query_words};
use disan_types::{HitKind, Lang, Localized, Position, SiteKind};

fn l(vi: &str, en: &str) -> Localized {
    Localized {
        vi: vi.into(),
        en: en.into(),
    }
}

fn relic(id: i64, en: &str) -> SearchDoc {
    SearchDoc {
        kind: HitKind::Relic,
        id: id.to_string(),
        site: "doi-a1".into(),
        site_name: l("Đồi A1", "A1 Hill"),
        site_type: SiteKind::HistoricRelic,
        title: l(en, en),
        texts: vec![l("hiện vật", "an object")],
        keywords: vec![],
        position: Position {
            lat: 21.38,
            lon: 103.02,
            accuracy_m: 50,
        },
        url: format!("/relic/{id}"),
    }
}

fn ids(index: &SearchIndex, text: &str) -> Vec<String> {
    let req = SearchRequest {
        text: text.into(),
        lang: Lang::En,
        kind: None,
        site_type: None,
        near: None,
        sort: Sort::Relevance,
        limit: 20,
        offset: 0,
    };
    let mut found: Vec<String> = index
        .search(&req, &query_words(text))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    found.sort();
    found
}

#[test]
fn updates_touch_only_their_relics_documents() {
    let first = SearchIndex::build(vec![relic(1, "howitzer"), relic(2, "helmet")]).unwrap();
    assert_eq!(first.len(), 2);
    // Publish 3, edit 1 (a new title), in one update.
    let second = first
        .update(&[1, 3], vec![relic(1, "cannon"), relic(3, "bicycle")])
        .unwrap();
    assert_eq!(second.len(), 3);
    assert_eq!(ids(&second, "cannon"), ["1"]);
    assert!(ids(&second, "howitzer").is_empty(), "the old text is gone");
    assert_eq!(ids(&second, "bicycle"), ["3"]);
    assert_eq!(ids(&second, "helmet"), ["2"], "the others untouched");
    // The view before still answers as it was.
    assert_eq!(ids(&first, "howitzer"), ["1"]);
    assert!(ids(&first, "bicycle").is_empty());
    // Remove 2, updating from the older view: built on the newest all the same.
    let third = first.update(&[2], vec![]).unwrap();
    assert_eq!(third.len(), 2);
    assert!(ids(&third, "helmet").is_empty());
    assert_eq!(ids(&third, "cannon"), ["1"]);
    assert_eq!(ids(&third, "bicycle"), ["3"]);
    assert_eq!(ids(&third, "an object"), ["1", "3"]);
}
