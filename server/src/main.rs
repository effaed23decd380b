//! The `disan` binary: reads the config from flags, `DISAN_*` variables and an optional file,
//! then serves.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let config = disan_server::Config::load(std::env::args().skip(1), |k| std::env::var(k).ok())?;
    disan_server::run(config).await
}
