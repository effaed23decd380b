//! The `disan` binary: parses the command line (flags, `DISAN_*` variables, an optional TOML
//! file), then serves, or with `disan check` only checks the content and reports every problem,
//! or with `disan user …` manages the staff accounts.

use std::io::{BufRead, IsTerminal};

use anyhow::bail;
use clap::{Parser, Subcommand};
use disan_server::accounts::{self, Role};
use disan_server::config::Settings;
use disan_server::db::Db;

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
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add an account; the password is asked for twice, or read from standard input (one
    /// line) when that is not a terminal.
    Add {
        /// The login name: 2 to 64 lowercase letters, digits, '.', '_' or '-'.
        name: String,
        /// What the account may do.
        #[arg(long, value_enum)]
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
            println!("disabled {name}");
        }
    }
    Ok(())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let config = cli.settings.resolve()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Check => {
            let state = disan_server::AppState::new(config)?;
            println!("content is valid: {} sites", state.snapshot().catalog.len());
            Ok(())
        }
        Command::User(command) => user(command, &config.database).await,
        Command::Serve => disan_server::run(config).await,
    }
}
