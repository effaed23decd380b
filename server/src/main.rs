//! The `disan` binary: parses the command line (flags, `DISAN_*` variables, an optional TOML
//! file), then serves, or with `disan check` only checks the content and reports every problem.

use clap::{Parser, Subcommand};
use disan_server::config::Settings;

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
        Command::Serve => disan_server::run(config).await,
    }
}
