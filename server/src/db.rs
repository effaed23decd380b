//! The server's database: staff accounts, sessions, API tokens, login failures and the audit
//! log; relics and versions next. An embedded SQLite file by default (`data/disan.db`, created with its folder), through
//! sqlx, with portable SQL so PostgreSQL can take over; migrations (`server/migrations/`) are
//! built into the binary and run on open.

use std::str::FromStr;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL {url:?} is not valid: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot bring the database {url} up to date: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("the database failed: {0}")]
    Query(#[from] sqlx::Error),
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: SqlitePool,
}

impl Db {
    /// Opens the database at `url` (`sqlite://path`), creating the file and its folder when
    /// missing, and runs the migrations it lacks.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| DbError::BadUrl {
                url: url.to_owned(),
                source,
            })?
            .create_if_missing(true)
            // Write-ahead logging: a crash never leaves a half-written transaction.
            .journal_mode(SqliteJournalMode::Wal)
            // A committed transaction survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true);
        let file = options.get_filename();
        if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| DbError::Open {
                url: url.to_owned(),
                source,
            })?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|source| DbError::Migrate {
                url: url.to_owned(),
                source,
            })?;
        Ok(Db { pool })
    }
}

/// Now, in Unix seconds: the times the database stores (portable: a `BIGINT`).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
