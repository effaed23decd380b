//! API tokens for scripts: `disan token add NAME --user USER` makes one and shows it once;
//! requests send it as `Authorization: Bearer …` and act as that user, without cookies (so
//! without CSRF tokens). Only the token's SHA-256 is stored; revoked tokens and tokens of
//! disabled accounts are refused.

use crate::accounts::{self, AccountError, User, user_from_row};
use crate::db::{Db, DbError, now};
use crate::sessions::{digest, secret};

/// What every token starts with, so a leaked one is recognisable (e.g. by secret scanners).
pub const PREFIX: &str = "disan_";

/// A token as listed (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub user: String,
    pub created_at: i64,
    pub revoked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0:?} is not a valid token name: 1 to 64 letters, digits, '.', '_' or '-'")]
    BadName(String),
    #[error("{user} already has a token named {name:?}")]
    Taken { user: String, name: String },
    #[error("{user} has no token named {name:?}")]
    NoSuchToken { user: String, name: String },
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<sqlx::Error> for TokenError {
    fn from(e: sqlx::Error) -> Self {
        TokenError::Account(e.into())
    }
}

fn check_name(name: &str) -> Result<(), TokenError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(TokenError::BadName(name.to_owned()))
    }
}

/// Makes a token named `name` for the account `user`; returns the secret (shown once).
pub async fn add(db: &Db, user: &str, name: &str) -> Result<String, TokenError> {
    check_name(name)?;
    let account = accounts::find(db, user)
        .await?
        .ok_or_else(|| AccountError::NoSuchUser(user.to_owned()))?;
    let token = format!("{PREFIX}{}", secret());
    let result = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, revoked) \
         VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(account.id)
    .bind(name)
    .bind(digest(&token))
    .bind(now())
    .execute(&db.pool)
    .await;
    match result {
        Ok(_) => Ok(token),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(TokenError::Taken {
            user: user.to_owned(),
            name: name.to_owned(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// Every token, by user and name.
pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, TokenError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT t.name, u.name, t.created_at, t.revoked \
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY u.name, t.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, user, created_at, revoked)| TokenInfo {
            name,
            user,
            created_at,
            revoked: revoked != 0,
        })
        .collect())
}

/// Revokes the token `name` of `user`: requests with it are refused from now on.
pub async fn revoke(db: &Db, user: &str, name: &str) -> Result<(), TokenError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked = 1 \
         WHERE name = $1 AND user_id = (SELECT id FROM users WHERE name = $2)",
    )
    .bind(name)
    .bind(user)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(TokenError::NoSuchToken {
            user: user.to_owned(),
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The account a request with `token` acts as, if the token is live and the account enabled.
pub async fn find(db: &Db, token: &str) -> Result<Option<User>, DbError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row: Option<accounts::UserRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.disabled, u.created_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked = 0 AND u.disabled = 0",
    )
    .bind(digest(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(user_from_row))
}
