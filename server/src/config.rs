//! Typed server configuration: defaults, then an optional TOML file, then `DISAN_*` environment
//! variables, then command-line flags (clap, so `--help` is generated); validated once at
//! start-up and passed in, never global.
//!
//! | flag             | environment         | TOML key      | default         |
//! |------------------|---------------------|---------------|-----------------|
//! | `--config FILE`  | `DISAN_CONFIG`      |               | (none)          |
//! | `--bind ADDR`    | `DISAN_BIND`        | `bind`        | `127.0.0.1:8080`|
//! | `--content-dir`  | `DISAN_CONTENT_DIR` | `content_dir` | `content`       |
//! | `--assets-dir`   | `DISAN_ASSETS_DIR`  | `assets_dir`  | `assets`        |
//! | `--web-dir`      | `DISAN_WEB_DIR`     | `web_dir`     | `target/web`    |
//! | `--workers N`    | `DISAN_WORKERS`     | `workers`     | (cores)         |
//! | `--database URL` | `DISAN_DATABASE`    | `database`    | `sqlite://data/disan.db`|
//! | `--session-ttl T`| `DISAN_SESSION_TTL` | `session_ttl` | `12h`           |
//! | `--uploads-dir`  | `DISAN_UPLOADS_DIR` | `uploads_dir` | `data/uploads`  |
//! | `--relics-dir`   | `DISAN_RELICS_DIR`  | `relics_dir`  | `data/relics`   |
//! | `--max-upload-mb N`| `DISAN_MAX_UPLOAD_MB` | `max_upload_mb` | `500`     |
//! | `--max-triangles N`| `DISAN_MAX_TRIANGLES` | `max_triangles` | `20000000` |
//! | `--trusted-proxies`| `DISAN_TRUSTED_PROXIES` | `trusted_proxies` | `(none)` |
//! | `--public-url URL`| `DISAN_PUBLIC_URL` | `public_url` | `(from --bind)` |

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port the server listens on.
    pub bind: SocketAddr,
    /// Folder of the site files (`sites/*.toml`): the bundled catalogue.
    pub content_dir: PathBuf,
    /// Folder of models and textures, served under `/assets/`.
    pub assets_dir: PathBuf,
    /// Folder of the web build (`cargo xtask web`): the page, its modules, the viewer.
    pub web_dir: PathBuf,
    /// HTTP worker threads; `None`: one per core.
    pub workers: Option<NonZeroUsize>,
    /// The database (staff accounts): an embedded SQLite file by default.
    pub database: String,
    /// How long a staff login lasts.
    pub session_ttl: Lifetime,
    /// Folder where resumable uploads are received (created when missing).
    pub uploads_dir: PathBuf,
    /// Folder of the relics' files (masters and derivatives; created when missing).
    pub relics_dir: PathBuf,
    /// Largest model upload, in megabytes (MiB).
    pub max_upload_mb: u64,
    /// Most triangles a model may have (above the mobile budget it is simplified; above this
    /// it is refused).
    pub max_triangles: u64,
    /// Reverse proxies in front of the server, whose `X-Forwarded-For` names the client (for
    /// login throttling and the log); from any other peer the header is ignored.
    pub trusted_proxies: Proxies,
    /// The address visitors reach the server at (`https://disan.dienbien.gov.vn`): the start
    /// of the links in QR codes and link previews. `None`: `http://` and the bound address.
    pub public_url: Option<PublicUrl>,
}

/// An absolute `http` or `https` URL without query or fragment, kept without a trailing `/`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<PublicUrl, String> {
        let bad = |why: &str| {
            format!("{text:?} is not a public URL such as https://disan.example.vn: {why}")
        };
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| bad("it must start with http:// or https://"))?;
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() {
            return Err(bad("it names no host"));
        }
        if text.len() > 200 {
            // The links it starts go into QR codes, which should stay small.
            return Err(bad("it is longer than 200 characters"));
        }
        if rest.contains(['?', '#', ' ', '"', '<', '>', '\\']) || !rest.is_ascii() {
            return Err(bad("it may not hold a query, a fragment, spaces or quotes"));
        }
        Ok(PublicUrl(text.trim_end_matches('/').to_owned()))
    }
}

impl TryFrom<String> for PublicUrl {
    type Error = String;

    fn try_from(text: String) -> Result<PublicUrl, String> {
        text.parse()
    }
}

/// Addresses and networks (`127.0.0.1`, `10.0.0.0/8`, `::1`), written with commas between.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Proxies(Vec<(IpAddr, u8)>);

impl Proxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of them (or in one of their networks).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> (u128, u8) {
            match ip {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(v6), 128),
                },
            }
        };
        let (x, width) = bits(ip);
        self.0.iter().any(|(net, prefix)| {
            let (n, w) = bits(*net);
            let keep = u32::from(*prefix);
            w == width && (keep == 0 || (x ^ n) >> (u32::from(w) - keep) == 0)
        })
    }
}

impl std::str::FromStr for Proxies {
    type Err = String;

    fn from_str(text: &str) -> Result<Proxies, String> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || format!("{part:?} is not an address or a network such as 10.0.0.0/8");
            let (ip, prefix) = match part.split_once('/') {
                Some((ip, p)) => (ip, Some(p.parse::<u8>().map_err(|_| bad())?)),
                None => (part, None),
            };
            let ip: IpAddr = ip.parse().map_err(|_| bad())?;
            let width = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = prefix.unwrap_or(width);
            if prefix > width {
                return Err(bad());
            }
            out.push((ip, prefix));
        }
        Ok(Proxies(out))
    }
}

impl TryFrom<String> for Proxies {
    type Error = String;

    fn try_from(text: String) -> Result<Proxies, String> {
        text.parse()
    }
}

/// A length of time written as a whole number and a unit: `90s`, `30m`, `12h`, `7d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Lifetime(u32);

impl Lifetime {
    pub fn seconds(self) -> i64 {
        i64::from(self.0)
    }
}

impl std::str::FromStr for Lifetime {
    type Err = String;

    fn from_str(text: &str) -> Result<Lifetime, String> {
        let bad = || format!("{text:?} is not a length of time such as 90s, 30m, 12h or 7d");
        let unit = text.chars().last().ok_or_else(bad)?;
        let scale = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u32 = text[..text.len() - 1].parse().map_err(|_| bad())?;
        match n.checked_mul(scale) {
            Some(s) if s > 0 => Ok(Lifetime(s)),
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for Lifetime {
    type Error = String;

    fn try_from(text: String) -> Result<Lifetime, String> {
        text.parse()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            content_dir: PathBuf::from("content"),
            assets_dir: PathBuf::from("assets"),
            web_dir: PathBuf::from("target/web"),
            workers: None,
            database: "sqlite://data/disan.db".to_owned(),
            session_ttl: Lifetime(12 * 3600),
            uploads_dir: PathBuf::from("data/uploads"),
            relics_dir: PathBuf::from("data/relics"),
            max_upload_mb: 500,
            max_triangles: 20_000_000,
            trusted_proxies: Proxies::default(),
            public_url: None,
        }
    }
}

/// The settings as given on the command line or in the environment; unset ones fall back to
/// the config file, then to the defaults.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// A TOML file of settings (keys as in the table of the docs), under the environment and
    /// the flags.
    #[arg(long, env = "DISAN_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "DISAN_BIND", value_name = "ADDR", global = true)]
    pub bind: Option<SocketAddr>,
    /// Folder of the site files (`sites/*.toml`) [default: content].
    #[arg(long, env = "DISAN_CONTENT_DIR", value_name = "DIR", global = true)]
    pub content_dir: Option<PathBuf>,
    /// Folder of models and tour stills, served under /assets/ [default: assets].
    #[arg(long, env = "DISAN_ASSETS_DIR", value_name = "DIR", global = true)]
    pub assets_dir: Option<PathBuf>,
    /// Folder of the web build from `cargo xtask web` [default: target/web].
    #[arg(long, env = "DISAN_WEB_DIR", value_name = "DIR", global = true)]
    pub web_dir: Option<PathBuf>,
    /// HTTP worker threads [default: one per core].
    #[arg(long, env = "DISAN_WORKERS", value_name = "N", global = true)]
    pub workers: Option<NonZeroUsize>,
    /// The database of staff accounts [default: sqlite://data/disan.db, created when missing].
    #[arg(long, env = "DISAN_DATABASE", value_name = "URL", global = true)]
    pub database: Option<String>,
    /// How long a staff login lasts, e.g. 90s, 30m, 12h, 7d [default: 12h].
    #[arg(long, env = "DISAN_SESSION_TTL", value_name = "TIME", global = true)]
    pub session_ttl: Option<Lifetime>,
    /// Folder where resumable uploads are received [default: data/uploads].
    #[arg(long, env = "DISAN_UPLOADS_DIR", value_name = "DIR", global = true)]
    pub uploads_dir: Option<PathBuf>,
    /// Folder of the relics' files, masters and derivatives [default: data/relics].
    #[arg(long, env = "DISAN_RELICS_DIR", value_name = "DIR", global = true)]
    pub relics_dir: Option<PathBuf>,
    /// Largest model upload, in MiB [default: 500].
    #[arg(long, env = "DISAN_MAX_UPLOAD_MB", value_name = "N", global = true)]
    pub max_upload_mb: Option<u64>,
    /// Most triangles an uploaded model may have [default: 20000000].
    #[arg(long, env = "DISAN_MAX_TRIANGLES", value_name = "N", global = true)]
    pub max_triangles: Option<u64>,
    /// Reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1,10.0.0.0/8
    /// [default: none: the connection's peer is the client].
    #[arg(
        long,
        env = "DISAN_TRUSTED_PROXIES",
        value_name = "ADDRS",
        global = true
    )]
    pub trusted_proxies: Option<Proxies>,
    /// The address visitors reach the server at, for QR codes and link previews, e.g.
    /// https://disan.dienbien.gov.vn [default: http:// and the --bind address].
    #[arg(long, env = "DISAN_PUBLIC_URL", value_name = "URL", global = true)]
    pub public_url: Option<PublicUrl>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {source}")]
    ParseFile {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{what} {path} is not a folder")]
    NotADir { what: &'static str, path: PathBuf },
}

impl Settings {
    /// Lays these settings over the config file (if one is named) over the defaults.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let mut config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(v) = self.bind {
            config.bind = v;
        }
        if let Some(v) = self.content_dir {
            config.content_dir = v;
        }
        if let Some(v) = self.assets_dir {
            config.assets_dir = v;
        }
        if let Some(v) = self.web_dir {
            config.web_dir = v;
        }
        if let Some(v) = self.workers {
            config.workers = Some(v);
        }
        if let Some(v) = self.database {
            config.database = v;
        }
        if let Some(v) = self.session_ttl {
            config.session_ttl = v;
        }
        if let Some(v) = self.uploads_dir {
            config.uploads_dir = v;
        }
        if let Some(v) = self.relics_dir {
            config.relics_dir = v;
        }
        if let Some(v) = self.max_upload_mb {
            config.max_upload_mb = v;
        }
        if let Some(v) = self.max_triangles {
            config.max_triangles = v;
        }
        if let Some(v) = self.trusted_proxies {
            config.trusted_proxies = v;
        }
        if let Some(v) = self.public_url {
            config.public_url = Some(v);
        }
        Ok(config)
    }
}

impl Config {
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::ParseFile {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// Checks what can be checked before binding: the folders exist.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (what, path) in [
            ("content_dir", &self.content_dir),
            ("assets_dir", &self.assets_dir),
        ] {
            if !path.is_dir() {
                return Err(ConfigError::NotADir {
                    what,
                    path: path.clone(),
                });
            }
        }
        Ok(())
    }

    /// The start of every absolute link: the public URL, else `http://` and the bound address.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.as_str().to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// The largest model upload, in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb.saturating_mul(1024 * 1024)
    }

    /// The number of HTTP workers: as set, else one per core.
    pub fn workers(&self) -> usize {
        self.workers
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(2, NonZeroUsize::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    /// Flags only: the `DISAN_*` variables of the test run (`cargo xtask test` sets one) are
    /// not read; the environment is tested on the real binary, in `tests/cli.rs`.
    fn load(args: &[&str]) -> Result<Config, String> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command()
            .mut_args(|a| a.env(None::<&str>))
            .try_get_matches_from(std::iter::once("disan").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        let cli = Cli::from_arg_matches(&matches).map_err(|e| e.to_string())?;
        cli.settings.resolve().map_err(|e| e.to_string())
    }

    #[test]
    fn defaults() {
        assert_eq!(load(&[]).unwrap(), Config::default());
    }

    /// The table in this module's documentation must say what the code does.
    #[test]
    fn documented_defaults_match_the_code() {
        let source = include_str!("config.rs");
        let mut checked = 0;
        for row in source.lines().filter(|l| l.starts_with("//! | `--")) {
            let cells: Vec<&str> = row
                .trim_start_matches("//!")
                .split('|')
                .map(|c| c.trim().trim_matches('`'))
                .collect();
            let (flag, env, key, default) = (cells[1], cells[2], cells[3], cells[4]);
            let flag = flag.split_whitespace().next().unwrap();
            assert!(env.starts_with("DISAN_"), "{env}");
            if flag == "--config" {
                continue;
            }
            let d = Config::default();
            let actual = match key {
                "bind" => d.bind.to_string(),
                "content_dir" => d.content_dir.display().to_string(),
                "assets_dir" => d.assets_dir.display().to_string(),
                "web_dir" => d.web_dir.display().to_string(),
                "workers" => "(cores)".to_owned(),
                "database" => d.database.clone(),
                "uploads_dir" => d.uploads_dir.display().to_string(),
                "relics_dir" => d.relics_dir.display().to_string(),
                "max_upload_mb" => d.max_upload_mb.to_string(),
                "max_triangles" => d.max_triangles.to_string(),
                "trusted_proxies" if d.trusted_proxies.is_empty() => "(none)".to_owned(),
                "public_url" if d.public_url.is_none() => "(from --bind)".to_owned(),
                "session_ttl" => {
                    assert_eq!(Ok(d.session_ttl), default.parse());
                    default.to_owned()
                }
                other => panic!("undocumented key {other}"),
            };
            assert_eq!(default, actual, "documented default of {key}");
            // The flag and the TOML key named in the table both set the key.
            let value = match key {
                "bind" => "127.0.0.1:1",
                "workers" | "max_upload_mb" | "max_triangles" => "3",
                "session_ttl" => "30m",
                "trusted_proxies" => "127.0.0.1",
                "public_url" => "https://x.example",
                _ => "x",
            };
            let by_flag = load(&[flag, value]).unwrap();
            assert_ne!(by_flag, d, "{flag} changes nothing");
            let toml = if ["workers", "max_upload_mb", "max_triangles"].contains(&key) {
                format!("{key} = {value}")
            } else {
                format!("{key} = \"{value}\"")
            };
            let by_file: Config = toml::from_str(&toml).unwrap();
            assert_eq!(by_file, by_flag, "TOML key {key}");
            checked += 1;
        }
        assert_eq!(checked, 13, "rows checked");
    }

    #[test]
    fn errors_name_the_problem() {
        let e = load(&["--bind", "nope"]).unwrap_err();
        assert!(e.contains("--bind") && e.contains("nope"), "{e}");
        let e = load(&["--colour"]).unwrap_err();
        assert!(e.contains("--colour"), "{e}");
        let e = load(&["--bind"]).unwrap_err();
        assert!(e.contains("value is required"), "{e}");
        let e = load(&["--workers", "0"]).unwrap_err();
        assert!(e.contains("--workers"), "{e}");
        for bad in ["12", "h", "0s", "1.5h", "99999999d", "1 h"] {
            let e = load(&["--session-ttl", bad]).unwrap_err();
            assert!(
                e.contains("--session-ttl") && e.contains("length of time"),
                "{e}"
            );
        }
        assert_eq!(
            load(&["--session-ttl", "90s"])
                .unwrap()
                .session_ttl
                .seconds(),
            90
        );
        assert_eq!(
            load(&["--session-ttl", "7d"])
                .unwrap()
                .session_ttl
                .seconds(),
            604_800
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let p: Proxies = "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8".parse().unwrap();
        for (ip, inside) in [
            ("127.0.0.1", true),
            ("127.0.0.2", false),
            ("10.20.30.40", true),
            ("11.0.0.1", false),
            ("::1", true),
            ("::ffff:10.1.1.1", true),
            ("fd12::1", true),
            ("fe80::1", false),
        ] {
            assert_eq!(p.contains(ip.parse().unwrap()), inside, "{ip}");
        }
        for bad in ["10.0.0.0/33", "localhost", "1.2.3.4/x"] {
            let e = load(&["--trusted-proxies", bad]).unwrap_err();
            assert!(
                e.contains("--trusted-proxies") && e.contains("network"),
                "{e}"
            );
        }
        assert!(Proxies::default().is_empty());
        assert!(!Proxies::default().contains("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn public_url_is_an_absolute_http_url() {
        let c = load(&["--public-url", "https://disan.example.vn/"]).unwrap();
        assert_eq!(c.public_base(), "https://disan.example.vn");
        assert_eq!(load(&[]).unwrap().public_base(), "http://127.0.0.1:8080");
        for bad in [
            "disan.example.vn",
            "ftp://x",
            "https://",
            "https://x/?a=1",
            "https://x/#y",
        ] {
            let e = load(&["--public-url", bad]).unwrap_err();
            assert!(
                e.contains("--public-url") && e.contains("public URL"),
                "{e}"
            );
        }
    }

    #[test]
    fn file_then_flags() {
        let dir = tempdir();
        let file = dir.join("disan.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:81\"\ncontent_dir = \"c\"\n").unwrap();
        let c = load(&["--config", file.to_str().unwrap(), "--content-dir", "d"]).unwrap();
        assert_eq!(c.bind.port(), 81);
        assert_eq!(c.content_dir, PathBuf::from("d"));
        std::fs::write(&file, "bnd = 1\n").unwrap();
        let e = load(&["--config", file.to_str().unwrap()]).unwrap_err();
        assert!(e.contains("bnd"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("disan-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
