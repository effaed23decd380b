//! The `disan` binary: parses the command line (flags, `DISAN_*` variables, an optional TOML
//! file), then serves, or with `disan check` only checks the content and reports every problem,
//! with `disan user …` manages the staff accounts and with `disan token …` their API tokens.

use std::io::{BufRead, IsTerminal};

use anyhow::bail;
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use disan_server::accounts::{self, Role};
use disan_server::audit::{self, Action, CLI};
use disan_server::config::Settings;
use disan_server::db::Db;
use disan_server::{sessions, tokens};

/// Disan: the 3D heritage map of Điện Biên province — web app, site API and models.
#[derive(Parser, Debug)]
#[command(name = "disan", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app, the API and the assets (the default).
    Serve,
    /// Check the content and the models, print every problem, exit non-zero on any.
    Check,
    /// Manage the staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the API tokens that scripts send as `Authorization: Bearer …`.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Publish a folder of relics: each `*.toml` is one relic's metadata with
    /// `model = "file.glb"` (or `.gltf`, `.zip`) beside it; models already stored are skipped.
    Import {
        /// The folder.
        dir: std::path::PathBuf,
        /// The staff account the relics are recorded as made by.
        #[arg(long)]
        user: String,
    },
    /// Write every QR code and printable sign (each site, tour stop and published relic) into
    /// a folder for the print shop: NAME.svg and NAME.png (the code), NAME.sign.svg or
    /// NAME.sign.pdf (the A5 sign). The codes hold links on --public-url.
    Qr {
        /// The folder (made when missing).
        #[arg(long)]
        out: std::path::PathBuf,
        /// What the signs are written as.
        #[arg(long, value_enum, default_value = "svg")]
        format: disan_server::qr::SignFormat,
    },
    /// Remove what a crash or an abandoned upload left: relic files no version names and
    /// uploads not finished, once older than the grace period. Never a referenced file.
    Sweep {
        /// How old a leftover must be, e.g. 1h, 7d.
        #[arg(long, default_value = "1d")]
        older_than: disan_server::config::Lifetime,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Make a token for a user; it is printed once and only its hash is kept.
    Add {
        /// A name for the token, to tell it apart (e.g. `import-script`).
        name: String,
        /// The account the token acts as.
        #[arg(long)]
        user: String,
    },
    /// List the tokens (names and owners, never the secrets).
    List,
    /// Revoke a token: requests with it are refused from now on.
    Revoke {
        /// The token's name.
        name: String,
        /// The account it belongs to.
        #[arg(long)]
        user: String,
    },
}

/// Parses a role code for clap (`editor` or `admin`).
fn role_arg() -> impl TypedValueParser<Value = Role> {
    clap::builder::PossibleValuesParser::new(Role::ALL.map(Role::code))
        .map(|code: String| Role::from_code(&code).unwrap_or(Role::Editor))
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add an account; the password is asked for twice, or read from standard input (one
    /// line) when that is not a terminal.
    Add {
        /// The login name: 2 to 64 lowercase letters, digits, '.', '_' or '-'.
        name: String,
        /// What the account may do: editors upload, edit and publish relics; admins also
        /// delete, restore and manage users.
        #[arg(long, value_parser = role_arg())]
        role: Role,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer log in; its history stays.
    Disable {
        /// The login name.
        name: String,
    },
}

/// The new password: asked for twice on a terminal, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn user(command: UserCommand, database: &str) -> anyhow::Result<()> {
    let db = Db::open(database).await?;
    match command {
        UserCommand::Add { name, role } => {
            accounts::check_name(&name)?;
            let password = read_password()?;
            accounts::add(&db, &name, role, &password).await?;
            audit::record(
                &db.pool,
                CLI,
                Action::UserAdd,
                None,
                &format!("{name} ({})", role.code()),
            )
            .await?;
            println!("added {name} ({})", role.code());
        }
        UserCommand::List => {
            let users = accounts::list(&db).await?;
            if users.is_empty() {
                println!("no accounts yet: add one with `disan user add NAME --role admin`");
            }
            for u in users {
                let status = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{:<24} {:<7} {:<9} {}",
                    u.name,
                    u.role.code(),
                    status,
                    u.created_at
                );
            }
        }
        UserCommand::Disable { name } => {
            accounts::disable(&db, &name).await?;
            if let Some(user) = accounts::find(&db, &name).await? {
                sessions::revoke_all(&db, user.id).await?;
            }
            audit::record(&db.pool, CLI, Action::UserDisable, None, &name).await?;
            println!("disabled {name}; their sessions and tokens no longer work");
        }
    }
    Ok(())
}

async fn token(command: TokenCommand, database: &str) -> anyhow::Result<()> {
    let db = Db::open(database).await?;
    match command {
        TokenCommand::Add { name, user } => {
            let secret = tokens::add(&db, &user, &name).await?;
            audit::record(
                &db.pool,
                CLI,
                Action::TokenAdd,
                None,
                &format!("{name} for {user}"),
            )
            .await?;
            eprintln!("token {name} for {user} (shown once: keep it somewhere safe):");
            println!("{secret}");
        }
        TokenCommand::List => {
            let list = tokens::list(&db).await?;
            if list.is_empty() {
                println!("no tokens yet: make one with `disan token add NAME --user USER`");
            }
            for t in list {
                let status = if t.revoked { "revoked" } else { "active" };
                println!(
                    "{:<24} {:<24} {:<8} {}",
                    t.user, t.name, status, t.created_at
                );
            }
        }
        TokenCommand::Revoke { name, user } => {
            tokens::revoke(&db, &user, &name).await?;
            audit::record(
                &db.pool,
                CLI,
                Action::TokenRevoke,
                None,
                &format!("{name} of {user}"),
            )
            .await?;
            println!("revoked {name} of {user}");
        }
    }
    Ok(())
}

/// `disan import DIR --user NAME`, with a progress line per relic.
async fn import(
    config: disan_server::Config,
    dir: &std::path::Path,
    user: &str,
) -> anyhow::Result<()> {
    use disan_server::import::{self, Outcome};
    let db = Db::open(&config.database).await?;
    let Some(account) = accounts::find(&db, user).await?.filter(|u| !u.disabled) else {
        bail!("no active user named {user:?}");
    };
    let files =
        import::entries(dir).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    if files.is_empty() {
        bail!("{} holds no metadata files (*.toml)", dir.display());
    }
    let state = disan_server::AppState::open(config, db).await?;
    let total = files.len();
    let (mut done, mut failed) = (0, 0);
    for (n, file) in files.iter().enumerate() {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let filled = (n + 1) * 20 / total;
        let bar = format!("[{}{}]", "#".repeat(filled), ".".repeat(20 - filled));
        let outcome = import::one(&state, &account, file).await;
        let what = match &outcome {
            Outcome::Published(id) => format!("published as relic {id}"),
            Outcome::Draft(id) => format!("saved as draft relic {id}"),
            Outcome::Skipped(id) => format!("skipped: already imported (relic {id})"),
            Outcome::Failed(why) => format!("refused: {why}"),
        };
        match outcome {
            Outcome::Failed(_) => failed += 1,
            Outcome::Published(_) | Outcome::Draft(_) => done += 1,
            Outcome::Skipped(_) => {}
        }
        println!("{bar} {}/{total} {name}: {what}", n + 1);
    }
    println!(
        "imported {done}, skipped {}, refused {failed}; a running server shows them after \
         `kill -HUP <pid>`",
        total - done - failed
    );
    if failed > 0 {
        bail!("{failed} of {total} relics were refused");
    }
    Ok(())
}

/// `disan qr --out DIR`, with a progress bar.
async fn qr(
    config: disan_server::Config,
    out: &std::path::Path,
    format: disan_server::qr::SignFormat,
) -> anyhow::Result<()> {
    config.validate()?;
    if config.public_url.is_none() {
        eprintln!(
            "note: no --public-url is set, so the codes hold {}/…; signs for visitors need the \
             address they reach the server at",
            config.public_base()
        );
    }
    let db = Db::open(&config.database).await?;
    let relics = disan_server::relics::published(&db).await?;
    let snapshot = disan_server::Snapshot::build(&config, relics)?;
    let written = disan_server::qr::write_all(
        &snapshot,
        &config.public_base(),
        out,
        format,
        |n, of, name| {
            let filled = n * 20 / of;
            println!(
                "[{}{}] {n}/{of} {name}",
                "#".repeat(filled),
                ".".repeat(20 - filled)
            );
        },
    )?;
    println!("wrote {written} codes and signs to {}", out.display());
    Ok(())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let config = cli.settings.resolve()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Check => {
            config.validate()?;
            let snapshot = disan_server::Snapshot::build(&config, Vec::new())?;
            println!("content is valid: {} sites", snapshot.catalog.len());
            Ok(())
        }
        Command::User(command) => user(command, &config.database).await,
        Command::Token(command) => token(command, &config.database).await,
        Command::Import { dir, user } => import(config, &dir, &user).await,
        Command::Qr { out, format } => qr(config, &out, format).await,
        Command::Sweep { older_than } => {
            let db = Db::open(&config.database).await?;
            let grace = std::time::Duration::from_secs(older_than.seconds() as u64);
            let swept = disan_server::sweep::sweep(&config, &db, grace).await?;
            for f in &swept.relic_files {
                println!("removed relic file {f}");
            }
            for u in &swept.uploads {
                println!("removed upload {u}");
            }
            println!(
                "swept {} relic files, {} uploads and {} ended sessions",
                swept.relic_files.len(),
                swept.uploads.len(),
                swept.sessions
            );
            Ok(())
        }
        Command::Serve => disan_server::run(config).await,
    }
}
