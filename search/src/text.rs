//! Vietnamese-aware text handling for search: words, diacritic folding, edit distance and
//! snippets. The index and the queries are both cut into words here, so they always agree.

use std::ops::Range;

use disan_types::SnippetPart;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A word of a text: where it is, and its two search forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Lower case, NFC, diacritics kept: `điện`.
    pub lower: String,
    /// Lower case, no diacritics, `đ` as `d`: `dien`.
    pub folded: String,
}

/// Whether a character belongs to a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Lower case. The input is expected in NFC (content is checked, queries are normalised), so
/// the output is NFC too.
pub fn lower(word: &str) -> String {
    if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.chars().flat_map(char::to_lowercase).collect()
    }
}

/// Lower case without diacritics: `Điện Biên Phủ` → `dien bien phu`. Vietnamese tone and
/// vowel marks come off by canonical decomposition (keeping the base letter, dropping
/// combining marks, so decomposed input folds the same); `đ` is its own letter, mapped by hand.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == 'đ' || c == 'Đ' {
            out.push('d');
        } else if !is_combining_mark(c) {
            let mut base = None;
            decompose_canonical(c, |d| {
                base.get_or_insert(d);
            });
            out.extend(base.unwrap_or(c).to_lowercase());
        }
    }
    out
}

/// The byte ranges of the words of a text: runs of letters, digits and combining marks.
pub fn spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = None;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| match (start, is_word_char(c)) {
            (None, true) => {
                start = Some(i);
                None
            }
            (Some(s), false) => {
                start = None;
                Some(s..i)
            }
            _ => None,
        })
}

/// Cuts a text (NFC expected) into words, with both search forms.
pub fn words(text: &str) -> Vec<Word> {
    spans(text)
        .map(|r| Word {
            lower: lower(&text[r.clone()]),
            folded: fold(&text[r.clone()]),
            range: r,
        })
        .collect()
}

/// A word of a text in its folded form only (what snippets need).
#[derive(Clone, Debug)]
struct Folded {
    range: Range<usize>,
    folded: String,
}

fn folded_words(text: &str) -> Vec<Folded> {
    spans(text)
        .map(|r| Folded {
            folded: fold(&text[r.clone()]),
            range: r,
        })
        .collect()
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of two
/// neighbouring letters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        if prefix == short.len() {
            return true;
        }
        // One substitution, or one swap of neighbours.
        let rest = prefix + 1;
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[prefix] == long[rest]
                && short[rest] == long[prefix]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        // One letter more in `long`, at `prefix`.
        short[prefix..] == long[prefix + 1..]
    }
}

/// How a word of the query matches words of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    pub lower: String,
    pub folded: String,
    /// The word is still being typed: it also matches longer words that start with it.
    pub prefix: bool,
}

/// Words of at least this many letters may match with one typo.
pub const FUZZY_MIN_CHARS: usize = 4;
/// The word being typed matches the start of longer words of any text from this many letters
/// on; shorter, only the start of words of names.
pub const PREFIX_MIN_CHARS: usize = 4;

impl QueryWord {
    /// Whether a word of a text (folded) matches this query word exactly or as its prefix.
    pub fn matches_strictly(&self, folded: &str) -> bool {
        folded == self.folded
            || (self.prefix
                && self.folded.chars().count() >= PREFIX_MIN_CHARS
                && folded.starts_with(&self.folded))
    }

    /// Whether a word of a text (folded) matches this query word, allowing one typo.
    pub fn matches(&self, folded: &str) -> bool {
        self.matches_strictly(folded)
            || (self.folded.chars().count() >= FUZZY_MIN_CHARS
                && within_one_edit(folded, &self.folded))
    }
}

/// The words of `all` that match the query: for each query word its strict matches, or, when
/// it has none here nor `elsewhere` (in the item's title), its matches with a typo. Also returns how well the text matches: two points
/// per query word found exactly, one per query word found with a typo.
fn matching_words(
    all: Vec<Folded>,
    query: &[QueryWord],
    elsewhere: &[bool],
) -> (usize, Vec<Folded>) {
    let strict: Vec<bool> = query
        .iter()
        .zip(elsewhere)
        .map(|(q, e)| *e || all.iter().any(|w| q.matches_strictly(&w.folded)))
        .collect();
    let matches = |q: &QueryWord, strict: bool, w: &Folded| {
        if strict {
            q.matches_strictly(&w.folded)
        } else {
            q.matches(&w.folded)
        }
    };
    // Query words matched exactly count twice as much as ones matched with a typo.
    let distinct = query
        .iter()
        .zip(&strict)
        .filter(|(q, s)| all.iter().any(|w| matches(q, **s, w)))
        .map(|(_, s)| if *s { 2 } else { 1 })
        .sum();
    let matched = all
        .into_iter()
        .filter(|w| query.iter().zip(&strict).any(|(q, s)| matches(q, *s, w)))
        .collect();
    (distinct, matched)
}

/// Longest snippet, in characters, before it is cut around the first match.
const SNIPPET_CHARS: usize = 180;
/// How much text is kept before the first match when a snippet is cut.
const SNIPPET_LEAD_CHARS: usize = 50;

/// Picks the text that matches the most query words and returns a passage of it with the
/// matching words marked. Falls back to the start of the first text. A query word found
/// exactly in the `title` marks no typo-matches in the texts.
pub fn snippet(title: &str, texts: &[&str], query: &[QueryWord]) -> Vec<SnippetPart> {
    let title_words = folded_words(title);
    let in_title: Vec<bool> = query
        .iter()
        .map(|q| title_words.iter().any(|w| q.matches_strictly(&w.folded)))
        .collect();
    let mut best: Option<(usize, &str, Vec<Folded>)> = None;
    for text in texts {
        let (distinct, matched) = matching_words(folded_words(text), query, &in_title);
        if best.as_ref().is_none_or(|(n, _, _)| distinct > *n) {
            best = Some((distinct, text, matched));
        }
    }
    let Some((_, text, matched)) = best else {
        return Vec::new();
    };
    let window = window(text, matched.first().map(|w| w.range.start));
    let mut parts = Vec::new();
    if window.start > 0 {
        parts.push(plain("…"));
    }
    let mut at = window.start;
    for w in matched
        .iter()
        .filter(|w| w.range.start >= window.start && w.range.end <= window.end)
    {
        if w.range.start > at {
            parts.push(plain(&text[at..w.range.start]));
        }
        parts.push(SnippetPart {
            text: text[w.range.clone()].to_owned(),
            mark: true,
        });
        at = w.range.end;
    }
    if window.end > at {
        parts.push(plain(&text[at..window.end]));
    }
    if window.end < text.len() {
        parts.push(plain("…"));
    }
    merge_plain(parts)
}

fn plain(text: &str) -> SnippetPart {
    SnippetPart {
        text: text.to_owned(),
        mark: false,
    }
}

fn merge_plain(parts: Vec<SnippetPart>) -> Vec<SnippetPart> {
    let mut out: Vec<SnippetPart> = Vec::with_capacity(parts.len());
    for p in parts {
        match out.last_mut() {
            Some(last) if !last.mark && !p.mark => last.text.push_str(&p.text),
            _ => out.push(p),
        }
    }
    out
}

/// The byte range of the passage to show: the whole text when short, else about
/// [`SNIPPET_CHARS`] characters starting a little before `focus`, cut at spaces.
fn window(text: &str, focus: Option<usize>) -> Range<usize> {
    if text.chars().count() <= SNIPPET_CHARS {
        return 0..text.len();
    }
    let focus = focus.unwrap_or(0);
    let lead: Vec<usize> = text[..focus].char_indices().map(|(i, _)| i).collect();
    let mut start = lead
        .len()
        .checked_sub(SNIPPET_LEAD_CHARS)
        .map_or(0, |i| lead[i]);
    if start > 0 {
        // Start after a space, so no word is cut.
        start = text[start..focus]
            .find(' ')
            .map_or(focus, |i| start + i + 1);
    }
    let mut end = text[start..]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        end = text[start..end].rfind(' ').map_or(end, |i| start + i);
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        for (text, want) in [
            ("Điện Biên Phủ", "dien bien phu"),
            ("ĐỒI A1", "doi a1"),
            ("Mường Phăng", "muong phang"),
            ("Hầm Đờ Cát", "ham do cat"),
            ("Pá Khoang", "pa khoang"),
            ("Tháp Mường Luân", "thap muong luan"),
            ("Éliane", "eliane"),
            // Decomposed input folds the same.
            ("Đie\u{0302}\u{0323}n", "dien"),
        ] {
            assert_eq!(fold(text), want, "{text}");
        }
    }

    #[test]
    fn cuts_words_with_byte_ranges() {
        let text = "Đồi A1 (Éliane 2), H'Mông";
        let got: Vec<(&str, String)> = words(text)
            .into_iter()
            .map(|w| (&text[w.range], w.folded))
            .collect();
        let want = [
            ("Đồi", "doi"),
            ("A1", "a1"),
            ("Éliane", "eliane"),
            ("2", "2"),
            ("H", "h"),
            ("Mông", "mong"),
        ];
        assert_eq!(got.len(), want.len());
        for ((t, f), (wt, wf)) in got.iter().zip(want) {
            assert_eq!((*t, f.as_str()), (wt, wf));
        }
    }

    #[test]
    fn one_edit() {
        for (a, b, want) in [
            ("bien", "bien", true),
            ("bein", "bien", true),
            ("castri", "castre", true),
            ("khoang", "khoan", true),
            ("khoang", "kkhoang", true),
            ("pakhoang", "pakhoan", true),
            ("bien", "bine", true),
            ("bien", "bnie", false),
            ("lake", "like", true),
            ("lake", "lkae", true),
            ("muong", "moung", true),
            ("dien", "bien", true),
            ("dien", "bean", false),
            ("abc", "abcde", false),
            ("", "a", true),
        ] {
            assert_eq!(within_one_edit(a, b), want, "{a} {b}");
            assert_eq!(within_one_edit(b, a), want, "{b} {a}");
        }
    }

    #[test]
    fn snippet_marks_matches_and_cuts_long_text() {
        let q = |w: &str, prefix| QueryWord {
            lower: lower(w),
            folded: fold(w),
            prefix,
        };
        let parts = snippet(
            "",
            &["Không khớp gì.", "Hồ Pá Khoang nằm ở xã Mường Phăng."],
            &[q("pa", false), q("khoa", true)],
        );
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Hồ Pá Khoang nằm ở xã Mường Phăng.");
        let marked: Vec<&str> = parts
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["Pá", "Khoang"]);

        let long = format!("{} bunker {}", "chữ ".repeat(80), "từ ".repeat(80));
        let parts = snippet("", &[&long], &[q("bunker", false)]);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= SNIPPET_CHARS + 2, "{text}");
        assert!(parts.iter().any(|p| p.mark && p.text == "bunker"));

        // A typo marks near words only where the word itself is missing.
        let marked = |parts: Vec<SnippetPart>| -> Vec<String> {
            parts
                .into_iter()
                .filter(|p| p.mark)
                .map(|p| p.text)
                .collect()
        };
        let parts = snippet(
            "",
            &["Điểm di tích Điện Biên, hiện nay"],
            &[q("dien", false)],
        );
        assert_eq!(marked(parts), ["Điện"]);
        let parts = snippet("", &["Điểm di tích, hiện nay"], &[q("dien", false)]);
        assert_eq!(marked(parts), ["Điểm", "hiện"]);
        let parts = snippet("Điện", &["Điểm di tích, hiện nay"], &[q("dien", false)]);
        assert!(marked(parts).is_empty());
    }
}
