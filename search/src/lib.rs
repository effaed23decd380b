//! Search as a library: the index ([`SearchIndex`], tantivy in memory, built from the sites'
//! API form and later relics) and its text handling ([`text`]). No IO and no HTTP: the server's
//! `/api/search` checks the parameters and calls it; the benchmark calls it directly.

mod index;
pub mod text;

pub use index::{MAX_QUERY_WORDS, SearchDoc, SearchIndex, SearchRequest, Sort, distance_km};
pub use text::QueryWord;

/// The words searched for: at most [`MAX_QUERY_WORDS`]; the last one is a prefix unless the
/// query ends with a space (the user finished typing it). The caller normalises to NFC.
pub fn query_words(text: &str) -> Vec<QueryWord> {
    let finished = text.ends_with(char::is_whitespace);
    let mut words: Vec<QueryWord> = text::words(text)
        .into_iter()
        .take(MAX_QUERY_WORDS)
        .map(|w| QueryWord {
            lower: w.lower,
            folded: w.folded,
            prefix: false,
        })
        .collect();
    if let Some(last) = words.last_mut() {
        last.prefix = !finished;
    }
    words
}
