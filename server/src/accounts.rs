//! Staff accounts: names, roles (editors publish relics; admins also delete, restore and
//! manage users), argon2id password hashes, disabling. The command line (`disan user …`)
//! manages them; the login pages will check them through [`verify`].

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use unicode_normalization::UnicodeNormalization;

use crate::db::{Db, DbError};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted: hashing is deliberately slow, so its input is bounded.
pub const MAX_PASSWORD_BYTES: usize = 1024;

pub use disan_types::admin::Role;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "{0:?} is not a valid user name: 2 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter"
    )]
    BadName(String),
    #[error("the password is too short: at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("the password is too long: at most {MAX_PASSWORD_BYTES} bytes")]
    LongPassword,
    #[error("a user named {0:?} already exists")]
    Taken(String),
    #[error("no user named {0:?}")]
    NoSuchUser(String),
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Db(DbError::Query(e))
    }
}

/// A staff account as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
}

/// A user name: what people type at the login, so plain and unambiguous.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = (2..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadName(name.to_owned()))
    }
}

fn check_password(password: &str) -> Result<(), AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        Err(AccountError::LongPassword)
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(AccountError::ShortPassword)
    } else {
        Ok(())
    }
}

/// The argon2id hash of `password` with a fresh random salt, as a PHC string. The password is
/// NFC-normalised first: Vietnamese keyboards send `ậ` composed or not, and both must match.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    let password: String = password.nfc().collect();
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Adds an account.
pub async fn add(db: &Db, name: &str, role: Role, password: &str) -> Result<(), AccountError> {
    check_name(name)?;
    check_password(password)?;
    let hash = hash_password(password)?;
    // The database's clock (portable SQL): `YYYY-MM-DD HH:MM:SS`, UTC.
    let result = sqlx::query(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) \
         VALUES ($1, $2, $3, 0, CURRENT_TIMESTAMP)",
    )
    .bind(name)
    .bind(role.code())
    .bind(&hash)
    .execute(&db.pool)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AccountError::Taken(name.to_owned()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every account, by name.
pub async fn list(db: &Db) -> Result<Vec<User>, AccountError> {
    let rows: Vec<UserRow> =
        sqlx::query_as("SELECT id, name, role, disabled, created_at FROM users ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(user_from_row).collect())
}

/// The account named `name`, enabled or not.
pub async fn find(db: &Db, name: &str) -> Result<Option<User>, AccountError> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, name, role, disabled, created_at FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(user_from_row))
}

/// A `users` row as selected: id, name, role, disabled, created_at.
pub(crate) type UserRow = (i64, String, String, i64, String);

/// Makes a [`User`] from a selected [`UserRow`].
pub(crate) fn user_from_row(row: UserRow) -> User {
    let (id, name, role, disabled, created_at) = row;
    User {
        id,
        name,
        // The table's CHECK allows only the two codes.
        role: Role::from_code(&role).unwrap_or(Role::Editor),
        disabled: disabled != 0,
        created_at,
    }
}

/// Disables an account: it can no longer log in; its history stays.
pub async fn disable(db: &Db, name: &str) -> Result<(), AccountError> {
    let done = sqlx::query("UPDATE users SET disabled = 1 WHERE name = $1")
        .bind(name)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AccountError::NoSuchUser(name.to_owned()));
    }
    Ok(())
}

/// The account `name` if it exists, is enabled and `password` is its password. A missing user
/// costs as much time as a wrong password, so timing tells nothing.
pub async fn verify(db: &Db, name: &str, password: &str) -> Result<Option<User>, AccountError> {
    let row: Option<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, role, password_hash, disabled, created_at FROM users WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, role, hash, disabled, created_at)) = row else {
        let _ = hash_password(password);
        return Ok(None);
    };
    let password: String = password.nfc().collect();
    let good = password.len() <= MAX_PASSWORD_BYTES
        && PasswordHash::new(&hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
    Ok((good && disabled == 0).then(|| user_from_row((id, name.to_owned(), role, 0, created_at))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["an", "lan.nguyen", "editor_2", "a-b"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Lan",
            "lan nguyen",
            "lân",
            "1abc",
            "-x",
            &"a".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(!a.contains("correct"));
    }

    #[test]
    fn passwords_verify_composed_or_decomposed() {
        let rt = actix_web::rt::System::new();
        rt.block_on(async {
            let dir = std::env::temp_dir().join(format!("disan-verify-{}", std::process::id()));
            let db = Db::open(&format!("sqlite://{}/a.db", dir.display()))
                .await
                .unwrap();
            let composed = "mật khẩu Điện Biên";
            let decomposed: String = composed.nfd().collect();
            assert_ne!(composed, decomposed);
            add(&db, "lan", Role::Editor, &decomposed).await.unwrap();
            let user = verify(&db, "lan", composed)
                .await
                .unwrap()
                .expect("verified");
            assert_eq!(user.role, Role::Editor);
            assert!(
                verify(&db, "lan", "mật khẩu sai rồi")
                    .await
                    .unwrap()
                    .is_none()
            );
            assert!(verify(&db, "nobody", composed).await.unwrap().is_none());
            disable(&db, "lan").await.unwrap();
            assert!(
                verify(&db, "lan", composed).await.unwrap().is_none(),
                "disabled"
            );
            std::fs::remove_dir_all(dir).ok();
        });
    }
}
