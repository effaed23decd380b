//! The peer: SQLite FTS5 with `unicode61 remove_diacritics 2`, in memory, over the same
//! documents and fields as Disan's index (name, texts, the site's name), doing the same work
//! per query (top 10 by BM25 with weighted fields, a snippet each, counts by kind).

use disan_search::{SearchDoc, query_words};
use disan_types::{HitKind, Lang};
use rusqlite::{Connection, params};

pub struct Fts5 {
    db: Connection,
}

impl Fts5 {
    pub fn build(docs: &[SearchDoc]) -> rusqlite::Result<Fts5> {
        let db = Connection::open_in_memory()?;
        db.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(
                 title, body, context, kind UNINDEXED,
                 tokenize = 'unicode61 remove_diacritics 2'
             );",
        )?;
        let tx = db.unchecked_transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO docs(rowid, title, body, context, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, d) in docs.iter().enumerate() {
                let (title, body, context) = fields(d);
                insert.execute(params![i as i64 + 1, title, body, context, d.kind.code()])?;
            }
        }
        tx.commit()?;
        db.execute_batch("INSERT INTO docs(docs) VALUES ('optimize');")?;
        Ok(Fts5 { db })
    }

    /// Replaces document `i` (of those given to [`Fts5::build`]) with `d`, committed: what
    /// a relic's edit costs.
    pub fn replace(&self, i: usize, d: &SearchDoc) -> rusqlite::Result<()> {
        let tx = self.db.unchecked_transaction()?;
        tx.execute("DELETE FROM docs WHERE rowid = ?1", params![i as i64 + 1])?;
        let (title, body, context) = fields(d);
        tx.execute(
            "INSERT INTO docs(rowid, title, body, context, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![i as i64 + 1, title, body, context, d.kind.code()],
        )?;
        tx.commit()
    }

    /// The FTS5 query for what the user typed: every word (AND), the last as a prefix unless
    /// the query ends with a space; `any` joins them with OR instead.
    fn match_expr(text: &str, any: bool) -> String {
        query_words(text)
            .iter()
            .map(|w| {
                if w.prefix {
                    format!("\"{}\"*", w.lower)
                } else {
                    format!("\"{}\"", w.lower)
                }
            })
            .collect::<Vec<_>>()
            .join(if any { " OR " } else { " " })
    }

    /// Indices of the top `limit` documents, best first.
    pub fn search(&self, text: &str, limit: usize) -> anyhow::Result<Vec<usize>> {
        let words = query_words(text).len();
        let mut expr = Self::match_expr(text, false);
        let mut counts = self.counts(&expr)?;
        if counts.is_empty() && words > 1 {
            expr = Self::match_expr(text, true);
            counts = self.counts(&expr)?;
        }
        std::hint::black_box(counts);
        let mut top = self.db.prepare_cached(
            "SELECT rowid, snippet(docs, 1, '[', ']', '…', 24) FROM docs WHERE docs MATCH ?1
             ORDER BY bm25(docs, 3.0, 1.0, 0.5) LIMIT ?2",
        )?;
        let rows = top.query_map(params![expr, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut hits = Vec::with_capacity(limit);
        for row in rows {
            let (rowid, snippet) = row?;
            std::hint::black_box(snippet);
            hits.push(rowid as usize - 1);
        }
        Ok(hits)
    }

    fn counts(&self, expr: &str) -> rusqlite::Result<Vec<(String, i64)>> {
        let mut q = self
            .db
            .prepare_cached("SELECT kind, count(*) FROM docs WHERE docs MATCH ?1 GROUP BY kind")?;
        let rows = q.query_map([expr], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }
}

/// A document's FTS5 columns: name, texts and keywords, the site's name (both languages).
fn fields(d: &SearchDoc) -> (String, String, String) {
    let both = |f: &dyn Fn(Lang) -> String| format!("{}\n{}", f(Lang::Vi), f(Lang::En));
    let title = if d.kind == HitKind::Stop {
        String::new()
    } else {
        both(&|l| d.title.get(l).to_owned())
    };
    let mut body = both(&|l| {
        d.texts
            .iter()
            .map(|t| t.get(l))
            .collect::<Vec<_>>()
            .join("\n")
    });
    for k in &d.keywords {
        body.push('\n');
        body.push_str(k);
    }
    let context = if d.kind == HitKind::Site {
        String::new()
    } else {
        both(&|l| d.site_name.get(l).to_owned())
    };
    (title, body, context)
}
