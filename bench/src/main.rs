//! Disan's benchmarks, run by `cargo xtask bench search|viewer|landing|models|relic` (see
//! [`viewer`], [`landing`], [`models`] and [`relic`] for the others).
//!
//! `cargo xtask bench search`: Disan's search (tantivy, [`SearchIndex`]) and SQLite FTS5
//! (`unicode61 remove_diacritics 2`) side by side, on the same corpus and the same queries, in
//! one run: index build time, query latency p50/p99, and how often the relevance set's expected
//! site comes in the top 3.
//!
//! Corpora: the 14 sites of `content/` (sites, tour stops, hotspots), and the same plus a
//! synthetic catalogue of relics (100,000 by default, see [`corpus`]).

mod corpus;
mod fts5;
mod landing;
mod models;
mod pictures;
mod relic;
mod server;
mod viewer;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use disan_catalog::Catalog;
use disan_search::{SearchDoc, SearchIndex, SearchRequest, Sort, query_words};
use disan_types::Lang;
use serde::Deserialize;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = |name: &str| -> Option<String> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1).cloned()
    };
    let flag = |name: &str| -> Option<usize> { text(name)?.replace('_', "").parse().ok() };
    match args.first().map(String::as_str) {
        Some("search") => search(flag("--relics").unwrap_or(100_000), flag("--rounds")),
        Some("viewer") => {
            let web =
                text("--web-dir").context("--web-dir is needed (cargo xtask bench viewer)")?;
            let bin = text("--bin").context("--bin is needed: the disan binary")?;
            let slug = text("--site").unwrap_or_else(|| "doi-a1".into());
            viewer::run(
                Path::new(&bin),
                &repo_root(),
                Path::new(&web),
                &slug,
                flag("--runs").unwrap_or(3),
                args.iter().any(|a| a == "--scan"),
            )
        }
        Some("landing") => {
            let web =
                text("--web-dir").context("--web-dir is needed (cargo xtask bench landing)")?;
            let bin = text("--bin").context("--bin is needed: the disan binary")?;
            landing::run(Path::new(&bin), &repo_root(), Path::new(&web))
        }
        Some("models") => {
            let pictures = match (text("--bin"), text("--web-dir")) {
                (Some(bin), Some(web)) => Some((PathBuf::from(bin), PathBuf::from(web))),
                _ => None,
            };
            models::run(&repo_root(), pictures)
        }
        Some("relic") => relic::run(
            &repo_root(),
            flag("--triangles").unwrap_or(2_000_000) as u64,
            flag("--texture").unwrap_or(8192) as u32,
        ),
        _ => bail!(
            "usage: disan-bench search [--relics N] [--rounds R] | viewer --web-dir DIR --bin DISAN [--site SLUG | --scan] [--runs N] | landing --web-dir DIR --bin DISAN | models [--web-dir DIR --bin DISAN] | relic [--triangles N] [--texture PX]"
        ),
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench lives in the workspace")
        .to_owned()
}

#[derive(Deserialize)]
struct Case {
    q: String,
    #[serde(default)]
    lang: Option<String>,
    site: String,
}

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// One query of the run: text, language and the site expected in the top 3 (if any).
struct Query {
    text: String,
    lang: Lang,
    expect: Option<String>,
}

/// What one engine did on one corpus.
struct Row {
    corpus: String,
    engine: &'static str,
    docs: usize,
    build: Duration,
    /// One relic's document replaced (an edit), committed and searchable.
    update: Duration,
    p50: Duration,
    p99: Duration,
    top3: usize,
    cases: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs every query `rounds` times (after one warm-up round) and returns the sorted latencies
/// and how many expected sites came in the top 3.
fn measure(
    queries: &[Query],
    rounds: usize,
    mut run: impl FnMut(&Query) -> anyhow::Result<Vec<String>>,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut top3 = 0;
    for q in queries {
        let sites = run(q)?;
        if let Some(want) = &q.expect {
            top3 += usize::from(sites.iter().take(3).any(|s| s == want));
        }
    }
    let mut times = Vec::with_capacity(queries.len() * rounds);
    let mut worst = vec![Duration::ZERO; queries.len()];
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let start = Instant::now();
            std::hint::black_box(run(q)?);
            let t = start.elapsed();
            worst[i] = worst[i].max(t);
            times.push(t);
        }
    }
    if std::env::var_os("DISAN_BENCH_SLOWEST").is_some() {
        let mut by: Vec<(Duration, &str)> = worst
            .iter()
            .zip(queries)
            .map(|(t, q)| (*t, q.text.as_str()))
            .collect();
        by.sort();
        eprintln!("  slowest: {:?}", &by[by.len().saturating_sub(8)..]);
    }
    times.sort();
    Ok((times, top3))
}

fn bench_corpus(
    corpus: &str,
    docs: Vec<SearchDoc>,
    queries: &[Query],
    rounds: usize,
) -> anyhow::Result<[Row; 2]> {
    let n = docs.len();
    let cases = queries.iter().filter(|q| q.expect.is_some()).count();
    eprintln!(
        "{corpus}: {n} documents, {} queries × {rounds} rounds",
        queries.len()
    );

    let start = Instant::now();
    let fts = fts5::Fts5::build(&docs)?;
    let fts_build = start.elapsed();
    // DISAN_BENCH_ONLY=disan skips FTS5's queries (to profile Disan's alone).
    let fts_rounds = if std::env::var("DISAN_BENCH_ONLY").as_deref() == Ok("disan") {
        0
    } else {
        rounds
    };
    let (fts_times, fts_top3) = measure(queries, fts_rounds, |q| {
        fts.search(&q.text, 10)
            .map(|hits| hits.into_iter().map(|i| docs[i].site.clone()).collect())
    })?;

    // A relic's edit: its document replaced (the last one; a site's where there is no relic).
    let last = docs.len() - 1;
    let mut edited = docs[last].clone();
    edited.title.en.push_str(" (edited)");
    let start = Instant::now();
    fts.replace(last, &edited)?;
    let fts_update = start.elapsed();

    let copy = docs.clone();
    let start = Instant::now();
    let index = SearchIndex::build(copy).context("building the tantivy index")?;
    let ours_build = start.elapsed();
    let start = Instant::now();
    let id: i64 = edited.id.parse().unwrap_or(0);
    let updated = index.update(&[id], vec![edited])?;
    let ours_update = start.elapsed();
    drop(updated);
    let (ours_times, ours_top3) = measure(queries, rounds, |q| {
        let req = SearchRequest {
            text: q.text.clone(),
            lang: q.lang,
            kind: None,
            site_type: None,
            near: None,
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
        };
        let r = index.search(&req, &query_words(&q.text))?;
        Ok(r.hits.into_iter().map(|h| h.site).collect())
    })?;

    let row = |engine, build, update, times: &[Duration], top3| Row {
        corpus: corpus.to_owned(),
        engine,
        docs: n,
        build,
        update,
        p50: percentile(times, 0.50),
        p99: percentile(times, 0.99),
        top3,
        cases,
    };
    Ok([
        row(
            "Disan (tantivy)",
            ours_build,
            ours_update,
            &ours_times,
            ours_top3,
        ),
        row("SQLite FTS5", fts_build, fts_update, &fts_times, fts_top3),
    ])
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn search(relics: usize, rounds: Option<usize>) -> anyhow::Result<()> {
    let root = repo_root();
    let catalog = Catalog::load(&root.join("content"), &root.join("assets"))?;
    let site_docs: Vec<SearchDoc> = catalog.sites().flat_map(SearchDoc::from_site).collect();
    let text = std::fs::read_to_string(root.join("tests/fixtures/search/relevance.toml"))?;
    let cases: Cases = toml::from_str(&text)?;
    let mut queries: Vec<Query> = cases
        .case
        .into_iter()
        .map(|c| Query {
            lang: c
                .lang
                .as_deref()
                .and_then(Lang::from_code)
                .unwrap_or_default(),
            text: c.q,
            expect: Some(c.site),
        })
        .collect();

    let mut rows = Vec::new();
    rows.extend(bench_corpus(
        "14 sites",
        site_docs.clone(),
        &queries,
        rounds.unwrap_or(50),
    )?);
    if relics > 0 {
        let sites_only: Vec<SearchDoc> = site_docs
            .iter()
            .filter(|d| d.kind == disan_types::HitKind::Site)
            .cloned()
            .collect();
        let mut docs = site_docs;
        docs.extend(corpus::relics(relics, &sites_only, 1954));
        queries.extend(corpus::RELIC_QUERIES.iter().map(|q| Query {
            text: (*q).to_owned(),
            lang: Lang::Vi,
            expect: None,
        }));
        rows.extend(bench_corpus(
            &format!("14 sites + {relics} relics"),
            docs,
            &queries,
            rounds.unwrap_or(5),
        )?);
    }

    println!(
        "\n| corpus | engine | docs | build (ms) | one relic edited (ms) | query p50 (ms) | query p99 (ms) | relevance set top-3 |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            r.corpus,
            r.engine,
            r.docs,
            ms(r.build),
            ms(r.update),
            ms(r.p50),
            ms(r.p99),
            r.top3,
            r.cases
        );
    }
    println!("\nDisan ÷ FTS5 (below 1: Disan is faster):\n");
    println!("| corpus | build | edit | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    for pair in rows.chunks(2) {
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            pair[0].corpus,
            ratio(pair[0].build, pair[1].build),
            ratio(pair[0].update, pair[1].update),
            ratio(pair[0].p50, pair[1].p50),
            ratio(pair[0].p99, pair[1].p99)
        );
    }
    println!(
        "\nBoth engines return the top 10 with snippets and counts by kind, one query at a time \
         on one thread, in memory. FTS5 gets the same words (AND, last word as a prefix, OR when \
         AND finds nothing) and folds diacritics itself; it has no typo tolerance and does not \
         fold đ to d."
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark itself works (a small corpus, one round); timings are not judged here.
    #[test]
    fn runs_on_a_small_corpus() {
        search(500, Some(1)).unwrap();
        let sites: Vec<SearchDoc> = Vec::new();
        assert!(corpus::relics(0, &sites, 1).is_empty());
    }

    #[test]
    fn relics_are_deterministic_and_bilingual() {
        let root = repo_root();
        let catalog = Catalog::load(&root.join("content"), &root.join("assets")).unwrap();
        let sites: Vec<SearchDoc> = catalog.sites().flat_map(SearchDoc::from_site).collect();
        let a = corpus::relics(50, &sites, 7);
        assert_eq!(a, corpus::relics(50, &sites, 7));
        assert_ne!(a, corpus::relics(50, &sites, 8));
        for r in &a {
            assert!(!r.title.vi.is_empty() && !r.title.en.is_empty());
            assert_ne!(r.texts[0].vi, r.texts[0].en);
        }
    }
}
