//! The search index: a tantivy index in memory over everything searchable, derived from the
//! catalog, and the query logic (folded, exact, typo-tolerant and prefix matching, facets,
//! distance).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use disan_types::{
    Facets, HitKind, Lang, Localized, Position, SearchHit, SearchResponse, SiteDetail, SiteKind,
};
use geo::{Distance, Haversine, Point};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher, SegmentOrdinal,
    SegmentReader,
};
use tantivy::{TantivyDocument, Term};

use crate::text::{self, FUZZY_MIN_CHARS, PREFIX_MIN_CHARS, QueryWord};

/// One searchable item: a site, a tour stop, a hotspot or a relic.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchDoc {
    pub kind: HitKind,
    /// See [`SearchHit::id`].
    pub id: String,
    pub site: String,
    pub site_name: Localized,
    pub site_type: SiteKind,
    pub title: Localized,
    /// The texts snippets are cut from, most important first.
    pub texts: Vec<Localized>,
    /// More words to find the item by, not shown (type names, communes).
    pub keywords: Vec<String>,
    pub position: Position,
    pub url: String,
}

impl SearchDoc {
    /// Every searchable item of a site: the site, its tour stops and its hotspots.
    pub fn from_site(site: &SiteDetail) -> Vec<SearchDoc> {
        let s = &site.site;
        let base = SearchDoc {
            kind: HitKind::Site,
            id: s.slug.clone(),
            site: s.slug.clone(),
            site_name: s.name.clone(),
            site_type: s.kind,
            title: s.name.clone(),
            texts: vec![
                s.summary.clone(),
                site.description.clone(),
                site.visiting.clone(),
                site.ranking.clone(),
            ],
            keywords: {
                let label = s.kind.label();
                vec![
                    label.vi,
                    label.en,
                    s.commune.current.clone(),
                    s.commune.former.clone(),
                ]
            },
            position: s.position,
            url: s.tour_url.clone(),
        };
        let total = site.tour.len();
        let stops = site.tour.iter().enumerate().map(|(i, stop)| SearchDoc {
            kind: HitKind::Stop,
            id: (i + 1).to_string(),
            title: Localized {
                vi: format!("Điểm dừng {}/{total}", i + 1),
                en: format!("Stop {} of {total}", i + 1),
            },
            texts: vec![stop.caption.clone()],
            keywords: Vec::new(),
            url: format!("{}#stop={}", s.tour_url, i + 1),
            ..base.clone()
        });
        let hotspots = site.hotspots.iter().map(|h| SearchDoc {
            kind: HitKind::Hotspot,
            id: h.id.clone(),
            title: h.title.clone(),
            texts: vec![h.text.clone()],
            keywords: Vec::new(),
            url: format!("{}#hotspot={}", s.tour_url, h.id),
            ..base.clone()
        });
        let mut docs: Vec<SearchDoc> = stops.chain(hotspots).collect();
        docs.insert(0, base);
        docs
    }
}

impl SearchDoc {
    /// A published relic, found with its site as context (the nearest site for a relic at its
    /// own position).
    pub fn from_relic(relic: &disan_types::relic::PublicRelic, site: &SiteDetail) -> SearchDoc {
        let s = &site.site;
        SearchDoc {
            kind: HitKind::Relic,
            id: relic.id.to_string(),
            site: s.slug.clone(),
            site_name: s.name.clone(),
            site_type: s.kind,
            title: relic.title.clone(),
            texts: vec![relic.description.clone()],
            keywords: [&relic.object_type, &relic.period, &relic.material]
                .into_iter()
                .flat_map(|l| [l.vi.clone(), l.en.clone()])
                .chain([
                    relic.dublin_core.identifier.clone(),
                    relic.dublin_core.creator.clone(),
                ])
                .filter(|k| !k.is_empty())
                .collect(),
            position: relic.position,
            url: relic.url.clone(),
        }
    }
}

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// By how well they match; nearer ones rank higher when a `near` point is given.
    #[default]
    Relevance,
    /// Nearest first (needs a `near` point).
    Distance,
}

/// A search, as the HTTP layer understood it.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchRequest {
    pub text: String,
    pub lang: Lang,
    pub kind: Option<HitKind>,
    pub site_type: Option<SiteKind>,
    /// `(lat, lon)` in degrees.
    pub near: Option<(f64, f64)>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

/// At most this many words of a query are searched for; the rest is ignored.
pub const MAX_QUERY_WORDS: usize = 10;

/// Weights of the fields and kinds of match; the sum over matching clauses is the score.
mod weight {
    /// A word of the item's name (sites, hotspots, relics).
    pub const TITLE: f32 = 3.0;
    /// Words of the name written together: `pakhoang`, `dienbienphu`.
    pub const JOINED: f32 = 2.0;
    /// A word of the item's texts.
    pub const BODY: f32 = 1.0;
    /// A word of the site an item belongs to (for stops, hotspots, relics).
    pub const CONTEXT: f32 = 0.5;
    /// A word of the name as typed, diacritics and all: ranks exact spellings above folded
    /// ones (`hố`, a crater, above `Hồ`, a lake).
    /// Only for query words typed with diacritics.
    pub const TITLE_EXACT: f32 = 6.0;
    /// Every word typed with diacritics found with the same diacritics: a constant larger than
    /// any sum of the others, so that such items rank above those that match only folded.
    /// (Typos need no tier of their own: they are looked for only for words found nowhere as
    /// typed, so either every match needs a typo or none does.)
    pub const SAME_DIACRITICS: f32 = 100_000.0;
    /// A typo or a word still being typed in a name (constant, not BM25).
    pub const TITLE_LOOSE: f32 = 1.5;
    /// A typo or a word still being typed in a text.
    pub const BODY_LOOSE: f32 = 0.4;
}

#[derive(Clone, Copy)]
struct Fields {
    title: Field,
    title_exact: Field,
    joined: Field,
    body: Field,
    context: Field,
    exact: Field,
    /// The item's place in `SearchIndex::docs`.
    ord: Field,
    /// The item's kind and site type, see [`class`]: filters and facets read it per match.
    class: Field,
    /// A relic's id (0 for other items): its documents are replaced and removed by it.
    relic: Field,
}

/// Position of a kind in [`HitKind::ALL`]: facet counts and the `class` field use it.
fn kind_index(kind: HitKind) -> usize {
    HitKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Position of a site type in [`SiteKind::ALL`].
fn type_index(site_type: SiteKind) -> usize {
    SiteKind::ALL
        .iter()
        .position(|t| *t == site_type)
        .unwrap_or(0)
}

/// Kind and site type in one number: `kind × 8 + type`.
fn class(kind: HitKind, site_type: SiteKind) -> u64 {
    (kind_index(kind) * 8 + type_index(site_type)) as u64
}

/// The index over a set of [`SearchDoc`]s. A value is a view at one moment: a change of
/// content builds a new index; a relic's publish, edit or removal makes a new view with only
/// its own documents added or deleted ([`SearchIndex::update`]), and the views before keep
/// answering as they were.
pub struct SearchIndex {
    fields: Fields,
    reader: IndexReader,
    /// What updates change, shared by every view of the index.
    shared: Arc<std::sync::Mutex<Shared>>,
    searcher: Searcher,
    /// Every item ever indexed, by `ord` (an item replaced or removed keeps its place, for the
    /// views that still see it); shared, so a new view copies pointers, not items.
    docs: Arc<Vec<Arc<SearchDoc>>>,
    /// `(lat, lon)` per item, for distances.
    positions: Arc<Vec<(f64, f64)>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.docs.len())
            .finish()
    }
}

/// The writer and the newest view's items: an update builds on them whichever view it is
/// called on.
struct Shared {
    writer: IndexWriter,
    docs: Arc<Vec<Arc<SearchDoc>>>,
    positions: Arc<Vec<(f64, f64)>>,
}

/// Which form of each word a field indexes.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// `dien`
    Folded,
    /// `điện`
    Lower,
    /// Two and three neighbouring words written together, folded: `dienbien`, `dienbienphu`.
    Joined,
}

impl Form {
    fn tokenizer_name(self) -> &'static str {
        match self {
            Form::Folded => "disan_folded",
            Form::Lower => "disan_lower",
            Form::Joined => "disan_joined",
        }
    }
}

/// The tantivy tokenizer of a field: [`text::words`] in one [`Form`], so the index and the
/// queries cut and fold words the same way.
#[derive(Clone, Debug)]
struct WordTokenizer(Form);

/// The tokens of one text, handed out one by one.
struct WordStream {
    tokens: Vec<Token>,
    at: usize,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let words = text::words(text);
        let token = |position, range: std::ops::Range<usize>, text| Token {
            offset_from: range.start,
            offset_to: range.end,
            position,
            text,
            position_length: 1,
        };
        let tokens = match self.0 {
            Form::Folded => words
                .into_iter()
                .enumerate()
                .map(|(i, w)| token(i, w.range, w.folded))
                .collect(),
            Form::Lower => words
                .into_iter()
                .enumerate()
                .map(|(i, w)| token(i, w.range, w.lower))
                .collect(),
            Form::Joined => (2..=3)
                .flat_map(|n| words.windows(n))
                .enumerate()
                .map(|(i, run)| {
                    let range = run[0].range.start..run[run.len() - 1].range.end;
                    token(i, range, run.iter().map(|w| w.folded.as_str()).collect())
                })
                .collect(),
        };
        WordStream { tokens, at: 0 }
    }
}

/// A text field with frequencies and norms for BM25, cut by our tokenizer; nothing is stored.
fn text_options(form: Form) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(form.tokenizer_name())
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

impl SearchIndex {
    /// Indexes the items. Uses up to two threads and about 100 MB while building.
    pub fn build(docs: Vec<SearchDoc>) -> tantivy::Result<SearchIndex> {
        let mut schema = Schema::builder();
        let fields = Fields {
            title: schema.add_text_field("title", text_options(Form::Folded)),
            title_exact: schema.add_text_field("title_exact", text_options(Form::Lower)),
            joined: schema.add_text_field("joined", text_options(Form::Joined)),
            body: schema.add_text_field("body", text_options(Form::Folded)),
            context: schema.add_text_field("context", text_options(Form::Folded)),
            exact: schema.add_text_field("exact", text_options(Form::Lower)),
            ord: schema.add_u64_field("ord", FAST),
            class: schema.add_u64_field("class", FAST),
            relic: schema.add_u64_field("relic", INDEXED),
        };
        let index = Index::create_in_ram(schema.build());
        for form in [Form::Folded, Form::Lower, Form::Joined] {
            index
                .tokenizers()
                .register(form.tokenizer_name(), WordTokenizer(form));
        }
        let threads = if docs.len() > 10_000 { 2 } else { 1 };
        let mut writer = index.writer_with_num_threads(threads, 60_000_000 * threads)?;
        for (ord, d) in docs.iter().enumerate() {
            writer.add_document(Self::document(&fields, ord as u64, d))?;
        }
        writer.commit()?;
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let positions: Arc<Vec<(f64, f64)>> = Arc::new(
            docs.iter()
                .map(|d| (d.position.lat, d.position.lon))
                .collect(),
        );
        let docs: Arc<Vec<Arc<SearchDoc>>> = Arc::new(docs.into_iter().map(Arc::new).collect());
        // Updates are one relic's few documents: one thread, the smallest memory budget.
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        Ok(SearchIndex {
            fields,
            searcher: reader.searcher(),
            reader,
            shared: Arc::new(std::sync::Mutex::new(Shared {
                writer,
                docs: docs.clone(),
                positions: positions.clone(),
            })),
            docs,
            positions,
        })
    }

    /// A new view with the documents of the relics `remove` deleted and `add` indexed: what a
    /// relic's publish (add), edit (both) or removal (remove) changes, and nothing else. This
    /// view is left as it was.
    pub fn update(&self, remove: &[i64], add: Vec<SearchDoc>) -> tantivy::Result<SearchIndex> {
        let mut shared = self
            .shared
            .lock()
            .map_err(|_| tantivy::TantivyError::InternalError("an update failed".into()))?;
        let mut docs: Vec<Arc<SearchDoc>> = shared.docs.as_ref().clone();
        let mut positions: Vec<(f64, f64)> = shared.positions.as_ref().clone();
        for id in remove {
            shared
                .writer
                .delete_term(Term::from_field_u64(self.fields.relic, *id as u64));
        }
        for d in add {
            let ord = docs.len() as u64;
            shared
                .writer
                .add_document(Self::document(&self.fields, ord, &d))?;
            positions.push((d.position.lat, d.position.lon));
            docs.push(Arc::new(d));
        }
        shared.writer.commit()?;
        self.reader.reload()?;
        shared.docs = Arc::new(docs);
        shared.positions = Arc::new(positions);
        Ok(SearchIndex {
            fields: self.fields,
            reader: self.reader.clone(),
            shared: self.shared.clone(),
            searcher: self.reader.searcher(),
            docs: shared.docs.clone(),
            positions: shared.positions.clone(),
        })
    }

    /// How many items this view finds (replaced and removed ones not counted).
    pub fn len(&self) -> u64 {
        self.searcher.num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of every site, tour stop and hotspot of the catalog.
    pub fn from_sites<'a>(
        sites: impl IntoIterator<Item = &'a SiteDetail>,
    ) -> tantivy::Result<SearchIndex> {
        SearchIndex::build(sites.into_iter().flat_map(SearchDoc::from_site).collect())
    }

    fn document(f: &Fields, ord: u64, d: &SearchDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        for lang in Lang::ALL {
            if d.kind != HitKind::Stop {
                let title = d.title.get(lang);
                doc.add_text(f.title, title);
                doc.add_text(f.title_exact, title);
                doc.add_text(f.joined, title);
            }
            for t in &d.texts {
                doc.add_text(f.body, t.get(lang));
                doc.add_text(f.exact, t.get(lang));
            }
            if d.kind != HitKind::Site {
                doc.add_text(f.context, d.site_name.get(lang));
            }
        }
        for k in &d.keywords {
            doc.add_text(f.body, k);
            doc.add_text(f.exact, k);
        }
        doc.add_u64(f.ord, ord);
        doc.add_u64(f.class, class(d.kind, d.site_type));
        if d.kind == HitKind::Relic {
            doc.add_u64(f.relic, d.id.parse().unwrap_or(0));
        }
        doc
    }

    /// The clauses that let one query word match: exact and folded, typos, prefixes.
    fn word_query(&self, searcher: &Searcher, w: &QueryWord) -> Box<dyn Query> {
        let f = &self.fields;
        let term = |field, text: &str| Term::from_field_text(field, text);
        let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, b)))
        };
        let exact_term = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                term(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        let mut clauses = vec![
            boosted(exact_term(f.title, &w.folded), weight::TITLE),
            boosted(exact_term(f.joined, &w.folded), weight::JOINED),
            boosted(exact_term(f.body, &w.folded), weight::BODY),
            boosted(exact_term(f.context, &w.folded), weight::CONTEXT),
        ];
        if w.lower != w.folded {
            clauses.push(boosted(
                exact_term(f.title_exact, &w.lower),
                weight::TITLE_EXACT,
            ));
        }
        let len = w.folded.chars().count();
        // Typos are looked for only when the word as typed is in no name or text: a word that
        // exists was most likely meant (and expanding common words to all their neighbours
        // would cost much and find little).
        let known = || {
            [f.title, f.joined, f.body, f.context]
                .into_iter()
                .any(|field| searcher.doc_freq(&term(field, &w.folded)).unwrap_or(0) > 0)
        };
        if len >= FUZZY_MIN_CHARS && !known() {
            for (field, b) in [
                (f.title, weight::TITLE_LOOSE),
                (f.joined, weight::TITLE_LOOSE),
                (f.body, weight::BODY_LOOSE),
            ] {
                let q = FuzzyTermQuery::new(term(field, &w.folded), 1, true);
                clauses.push(boosted(Box::new(q), b));
            }
        }
        if w.prefix {
            // Names have few words, so even one letter is a cheap prefix; in the texts a short
            // prefix would stand for thousands of words.
            let fields: &[(Field, f32)] = if len >= PREFIX_MIN_CHARS {
                &[
                    (f.title, weight::TITLE_LOOSE),
                    (f.joined, weight::TITLE_LOOSE),
                    (f.body, weight::BODY_LOOSE),
                    (f.context, weight::BODY_LOOSE / 2.0),
                ]
            } else {
                &[
                    (f.title, weight::TITLE_LOOSE),
                    (f.joined, weight::TITLE_LOOSE),
                ]
            };
            for &(field, b) in fields {
                let q = FuzzyTermQuery::new_prefix(term(field, &w.folded), 0, false);
                clauses.push(boosted(Box::new(q), b));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// For a query with words typed with diacritics: matches items that have each of those
    /// words with the same diacritics (`hố`, not just `hồ`). Its constant score puts them above
    /// the items that match only once folded. `None` when no word has diacritics.
    fn same_diacritics_query(&self, words: &[QueryWord]) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let groups: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .filter(|w| w.lower != w.folded)
            .map(|w| {
                let mut fields = vec![f.title_exact];
                if !w.prefix || w.folded.chars().count() >= PREFIX_MIN_CHARS {
                    fields.push(f.exact);
                }
                let clauses: Vec<(Occur, Box<dyn Query>)> = fields
                    .into_iter()
                    .map(|field| {
                        let term = Term::from_field_text(field, &w.lower);
                        let q: Box<dyn Query> = if w.prefix {
                            Box::new(FuzzyTermQuery::new_prefix(term, 0, false))
                        } else {
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                        };
                        (Occur::Should, q)
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>,
                )
            })
            .collect();
        (!groups.is_empty()).then(|| {
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(groups)),
                weight::SAME_DIACRITICS,
            )) as Box<dyn Query>
        })
    }

    /// Runs a search. Every word must match (exactly, folded, with a typo or as a prefix);
    /// when that finds nothing, items matching any word are returned, best first.
    pub fn search(
        &self,
        req: &SearchRequest,
        words: &[QueryWord],
    ) -> tantivy::Result<SearchResponse> {
        let sort = if words.is_empty() {
            Sort::Distance
        } else {
            req.sort
        };
        let collector = Collect {
            positions: self.positions.clone(),
            kind: req.kind.map(kind_index),
            site_type: req.site_type.map(type_index),
            near: req.near,
            sort,
            keep: req.offset + req.limit,
        };
        let searcher = self.searcher.clone();
        let mut found = if words.is_empty() {
            searcher.search(&AllQuery, &collector)?
        } else {
            let groups = |occur| {
                words
                    .iter()
                    .map(|w| (occur, self.word_query(&searcher, w)))
                    .collect::<Vec<_>>()
            };
            let mut all = groups(Occur::Must);
            all.extend(
                self.same_diacritics_query(words)
                    .map(|q| (Occur::Should, q)),
            );
            let found = searcher.search(&BooleanQuery::new(all), &collector)?;
            if found.matched == 0 && words.len() > 1 {
                searcher.search(&BooleanQuery::new(groups(Occur::Should)), &collector)?
            } else {
                found
            }
        };
        found.top.sort_by(|a, b| b.cmp(a));
        let hits = found
            .top
            .iter()
            .skip(req.offset)
            .take(req.limit)
            .map(|r| self.hit(r, req.lang, words))
            .collect();
        let mut facets = Facets::default();
        for (kind, n) in HitKind::ALL.into_iter().zip(found.kinds) {
            if n > 0 {
                facets.kind.insert(kind, n);
            }
        }
        for (t, n) in SiteKind::ALL.into_iter().zip(found.types) {
            if n > 0 {
                facets.site_type.insert(t, n);
            }
        }
        Ok(SearchResponse {
            query: req.text.clone(),
            lang: req.lang,
            total: found.total,
            offset: req.offset,
            limit: req.limit,
            facets,
            hits,
        })
    }

    fn hit(&self, r: &Ranked, lang: Lang, words: &[QueryWord]) -> SearchHit {
        let d = &self.docs[r.ord as usize];
        let texts: Vec<&str> = d.texts.iter().map(|t| t.get(lang)).collect();
        SearchHit {
            kind: d.kind,
            id: d.id.clone(),
            site: d.site.clone(),
            site_name: d.site_name.get(lang).to_owned(),
            site_type: d.site_type,
            title: d.title.get(lang).to_owned(),
            snippet: text::snippet(d.title.get(lang), &texts, words),
            url: d.url.clone(),
            position: d.position,
            distance_km: r.distance_km,
            score: r.score,
        }
    }
}

/// Great-circle distance in kilometres between two `(lat, lon)` points.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0
}

/// How much an item's kind multiplies its score: a whole site is what most searches are for.
fn kind_weight(kind: HitKind) -> f32 {
    match kind {
        HitKind::Site => 2.0,
        HitKind::Relic | HitKind::Hotspot => 1.0,
        HitKind::Stop => 0.8,
    }
}

/// How much nearness multiplies a score: ×2 on the spot, ×1.5 at 10 km, ×1.09 at 100 km.
fn nearness(distance_km: f64) -> f64 {
    1.0 + 1.0 / (1.0 + distance_km / 10.0)
}

/// A hit being ranked: by `key` (higher first), then by index order.
#[derive(Clone, Copy, Debug)]
struct Ranked {
    key: f64,
    ord: u64,
    score: f32,
    distance_km: Option<f64>,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key
            .total_cmp(&other.key)
            .then(other.ord.cmp(&self.ord))
    }
}

/// Filters, counts facets, applies distance and keeps the best `keep` hits, in one pass.
#[derive(Clone)]
struct Collect {
    positions: Arc<Vec<(f64, f64)>>,
    /// Wanted kind and site type, as [`kind_index`] and [`type_index`].
    kind: Option<usize>,
    site_type: Option<usize>,
    near: Option<(f64, f64)>,
    sort: Sort,
    keep: usize,
}

#[derive(Default)]
struct Found {
    /// Items matching the query, before filters.
    matched: u64,
    /// Items matching the query and the filters.
    total: u64,
    kinds: [u64; 4],
    types: [u64; 6],
    top: Vec<Ranked>,
}

struct CollectSegment {
    ords: Arc<dyn ColumnValues<u64>>,
    classes: Arc<dyn ColumnValues<u64>>,
    want: Collect,
    heap: BinaryHeap<Reverse<Ranked>>,
    found: Found,
}

impl Collector for Collect {
    type Fruit = Found;
    type Child = CollectSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<CollectSegment> {
        Ok(CollectSegment {
            ords: segment.fast_fields().u64("ord")?.first_or_default_col(0),
            classes: segment.fast_fields().u64("class")?.first_or_default_col(0),
            want: self.clone(),
            heap: BinaryHeap::with_capacity(self.keep + 1),
            found: Found::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut all = Found::default();
        for f in fruits {
            all.matched += f.matched;
            all.total += f.total;
            for (a, b) in all.kinds.iter_mut().zip(f.kinds) {
                *a += b;
            }
            for (a, b) in all.types.iter_mut().zip(f.types) {
                *a += b;
            }
            all.top.extend(f.top);
        }
        all.top.sort_by(|a, b| b.cmp(a));
        all.top.truncate(self.keep);
        Ok(all)
    }
}

impl SegmentCollector for CollectSegment {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        let class = self.classes.get_val(doc);
        let (kind, site_type) = ((class / 8) as usize % 4, (class % 8) as usize % 6);
        let kind_ok = self.want.kind.is_none_or(|k| k == kind);
        let type_ok = self.want.site_type.is_none_or(|t| t == site_type);
        let f = &mut self.found;
        f.matched += 1;
        if type_ok {
            f.kinds[kind] += 1;
        }
        if kind_ok {
            f.types[site_type] += 1;
        }
        if !(kind_ok && type_ok) {
            return;
        }
        f.total += 1;
        if self.want.keep == 0 {
            return;
        }
        // Items with the same diacritics as typed form the first tier; within a tier, the
        // kind of item and the distance weigh on the text score.
        let (tier, text) = if score >= weight::SAME_DIACRITICS {
            (weight::SAME_DIACRITICS, score - weight::SAME_DIACRITICS)
        } else {
            (0.0, score)
        };
        let ord = self.ords.get_val(doc);
        let distance = self
            .want
            .near
            .zip(self.want.positions.get(ord as usize))
            .map(|(p, at)| distance_km(p, *at));
        let weighted =
            f64::from(text * kind_weight(HitKind::ALL[kind])) * distance.map_or(1.0, nearness);
        let score = (f64::from(tier) + weighted) as f32;
        let key = match (self.want.sort, distance) {
            (Sort::Distance, Some(d)) => -d,
            _ => f64::from(tier) + weighted,
        };
        let ranked = Ranked {
            key,
            ord,
            score,
            distance_km: distance,
        };
        if self.heap.len() < self.want.keep {
            self.heap.push(Reverse(ranked));
        } else if self.heap.peek().is_some_and(|Reverse(min)| ranked > *min) {
            self.heap.pop();
            self.heap.push(Reverse(ranked));
        }
    }

    fn harvest(mut self) -> Found {
        self.found.top = self.heap.into_iter().map(|Reverse(r)| r).collect();
        self.found
    }
}
