//! The catalogue changes while the server runs: a rebuild replaces the snapshot in one step,
//! and readers at the same time never see an error or a half-built state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use disan_tests::{TestServer, config_with_web, copy_tree, repo_root};
use disan_types::{SearchResponse, SiteDetail, SiteSummary};

const OLD: &str = "Đồi A1";
const NEW: &str = "Đồi A1 (Đồi Dominique 2)";

#[test]
fn a_rebuild_swaps_the_catalogue_while_readers_keep_reading() {
    let content = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("content"), content.path());
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.content_dir = content.path().to_owned();
    let s = Arc::new(TestServer::start(config).unwrap());
    let before: SiteDetail = s.get_json("/api/sites/doi-a1");
    assert_eq!(before.site.name.vi, OLD);

    // Readers: every answer is whole, and it is either the old catalogue or the new one.
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (s, stop, reads) = (s.clone(), stop.clone(), reads.clone());
            std::thread::spawn(move || {
                let mut seen_new = false;
                while !stop.load(Ordering::Relaxed) {
                    let sites: Vec<SiteSummary> = s.get_json("/api/sites");
                    assert_eq!(sites.len(), 14, "a half-built list");
                    let name = &sites.iter().find(|x| x.slug == "doi-a1").unwrap().name.vi;
                    assert!(name == OLD || name == NEW, "{name}");
                    // Once the new catalogue was seen, the old one never comes back.
                    if name == NEW {
                        seen_new = true;
                    } else {
                        assert!(!seen_new, "the old catalogue came back");
                    }
                    let hits: SearchResponse = s.get_json("/api/search?q=doi%20a1&kind=site");
                    assert!(!hits.hits.is_empty(), "search found nothing mid-rebuild");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    // Change the site's name in the content folder, then rebuild as an upload would.
    let file = content.path().join("sites/doi-a1.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replacen(&format!("vi = \"{OLD}\""), &format!("vi = \"{NEW}\""), 1);
    assert_ne!(changed, text);
    std::fs::write(&file, changed).unwrap();
    while reads.load(Ordering::Relaxed) < 20 {
        std::thread::yield_now();
    }
    let started = reads.load(Ordering::Relaxed);
    disan_tests::block(s.state.rebuild()).unwrap();
    while reads.load(Ordering::Relaxed) < started + 20 {
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join()
            .expect("a reader saw an error or a half-built state");
    }

    let after: SiteDetail = s.get_json("/api/sites/doi-a1");
    assert_eq!(after.site.name.vi, NEW);
    let hits: SearchResponse = s.get_json("/api/search?q=dominique&lang=vi");
    assert_eq!(hits.hits.first().map(|h| h.site.as_str()), Some("doi-a1"));

    // A broken change is refused with its problems, and the served catalogue stays.
    std::fs::write(&file, "slug = \"doi-a1\"\n").unwrap();
    let err = disan_tests::block(s.state.rebuild())
        .unwrap_err()
        .to_string();
    assert!(err.contains("doi-a1.toml"), "{err}");
    let still: SiteDetail = s.get_json("/api/sites/doi-a1");
    assert_eq!(still.site.name.vi, NEW);
}
