//! The `disan` binary: reads the config from flags, `DISAN_*` variables and an optional file,
//! then serves. `disan check [flags]` only checks the content and reports every problem.

const USAGE: &str = "usage: disan [check] [--config FILE] [--bind ADDR] [--content-dir DIR] \
[--assets-dir DIR] [--web-dir DIR]

  (no command)  serve the web app, the API and the assets
  check         check the content and the models, print every problem, exit

Every flag also reads from the environment (DISAN_CONFIG, DISAN_BIND, DISAN_CONTENT_DIR,
DISAN_ASSETS_DIR, DISAN_WEB_DIR) and from the TOML config file; flags win.";

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| a == "--help" || a == "-h" || a == "help")
    {
        println!("{USAGE}");
        return Ok(());
    }
    let check = args.first().is_some_and(|a| a == "check");
    if check {
        args.remove(0);
    }
    let config = disan_server::Config::load(args, |k| std::env::var(k).ok())?;
    if check {
        let state = disan_server::AppState::new(config)?;
        println!("content is valid: {} sites", state.catalog.len());
        return Ok(());
    }
    disan_server::run(config).await
}
