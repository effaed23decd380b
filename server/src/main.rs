//! The `disan` binary: reads the config from flags, `DISAN_*` variables and an optional file,
//! then serves. `disan check [flags]` only checks the content and reports every problem.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
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
