//! Browser logins: a session is a random secret in an HttpOnly cookie; the database keeps only
//! its SHA-256 hash, the account, an expiry and the session's CSRF token. Sessions are looked up
//! on every staff request (so a revoked session or a disabled account stops at once).

use argon2::password_hash::rand_core::{OsRng, RngCore};

use crate::accounts::{User, UserRow, user_from_row};
use crate::db::{Db, DbError, now};
use crate::storage::{hex, sha256_hex};

/// The name of the session cookie.
pub const COOKIE: &str = "disan_session";

/// A fresh random secret: 32 bytes from the OS, as 64 hex digits.
pub fn secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The SHA-256 of a secret, as stored: a leaked database gives no usable session or token.
pub fn digest(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

/// A new session for `user`, valid for `ttl_seconds`; returns the cookie's secret.
pub async fn open(db: &Db, user: &User, ttl_seconds: i64) -> Result<(String, Session), DbError> {
    let token = secret();
    let csrf = secret();
    let now = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, revoked) \
         VALUES ($1, $2, $3, $4, $5, 0)",
    )
    .bind(digest(&token))
    .bind(user.id)
    .bind(&csrf)
    .bind(now)
    .bind(now.saturating_add(ttl_seconds))
    .execute(&db.pool)
    .await?;
    Ok((
        token,
        Session {
            user: user.clone(),
            csrf,
        },
    ))
}

/// The session whose cookie holds `token`, if it is live: not expired, not revoked, and its
/// account not disabled.
pub async fn find(db: &Db, token: &str) -> Result<Option<Session>, DbError> {
    let row: Option<(i64, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.disabled, u.created_at, s.csrf \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(digest(token))
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, name, role, disabled, created_at, csrf)| {
        let row: UserRow = (id, name, role, disabled, created_at);
        Session {
            user: user_from_row(row),
            csrf,
        }
    }))
}

/// Ends the session whose cookie holds `token` (logout).
pub async fn revoke(db: &Db, token: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of the account (when it is disabled).
pub async fn revoke_all(db: &Db, user_id: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex() {
        let a = secret();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, secret());
        assert_eq!(digest("abc").len(), 64);
        assert_ne!(digest(&a), a);
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
