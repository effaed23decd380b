//! Login throttling: after [`MAX_FAILURES`] failed logins within [`WINDOW_SECONDS`] for an
//! account or for a client address, further attempts are refused (429 with `Retry-After`)
//! until the oldest of them leaves the window — before the password is even checked, so a
//! locked account cannot be guessed at. Failures are kept in the database, so a restart does
//! not reset them. A name that does not exist is counted like one that does: the answer never
//! tells whether an account exists.

use crate::db::{Db, DbError};

/// Failed logins allowed within the window.
pub const MAX_FAILURES: i64 = 5;
/// The window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// The throttling keys of a login attempt: the account and the client address.
pub fn keys(name: &str, address: &str) -> [String; 2] {
    [format!("user:{name}"), format!("ip:{address}")]
}

/// Seconds until another attempt is allowed, if any key has used up its failures.
pub async fn wait(db: &Db, keys: &[String], now: i64) -> Result<Option<i64>, DbError> {
    let mut wait = None;
    for key in keys {
        let recent: Vec<(i64,)> = sqlx::query_as(
            "SELECT at FROM login_failures WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
        )
        .bind(key)
        .bind(now - WINDOW_SECONDS)
        .bind(MAX_FAILURES)
        .fetch_all(&db.pool)
        .await?;
        if recent.len() as i64 >= MAX_FAILURES {
            let oldest = recent.last().map_or(now, |r| r.0);
            let seconds = (oldest + WINDOW_SECONDS - now).max(1);
            wait = Some(wait.map_or(seconds, |w: i64| w.max(seconds)));
        }
    }
    Ok(wait)
}

/// Counts a failed login against every key (and forgets failures older than the window).
pub async fn fail(db: &Db, keys: &[String], now: i64) -> Result<(), DbError> {
    let mut tx = db.pool.begin().await?;
    for key in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(now - WINDOW_SECONDS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the failures of `key` (the account, after a successful login).
pub async fn clear(db: &Db, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}
