//! Typed server configuration: defaults, then an optional TOML file, then `DISAN_*` environment
//! variables, then command-line flags; validated once at start-up and passed in, never global.
//!
//! | flag             | environment         | TOML key      | default         |
//! |------------------|---------------------|---------------|-----------------|
//! | `--config FILE`  | `DISAN_CONFIG`      |               | (none)          |
//! | `--bind ADDR`    | `DISAN_BIND`        | `bind`        | `127.0.0.1:8080`|
//! | `--content-dir`  | `DISAN_CONTENT_DIR` | `content_dir` | `content`       |
//! | `--assets-dir`   | `DISAN_ASSETS_DIR`  | `assets_dir`  | `assets`        |
//! | `--web-dir`      | `DISAN_WEB_DIR`     | `web_dir`     | `target/web`    |

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port the server listens on.
    pub bind: SocketAddr,
    /// Folder of the site files (`sites/*.toml`): the source of truth.
    pub content_dir: PathBuf,
    /// Folder of models and textures, served under `/assets/`.
    pub assets_dir: PathBuf,
    /// Folder with `index.html` and the wasm-bindgen output in `viewer/` (`cargo xtask web`).
    pub web_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            content_dir: PathBuf::from("content"),
            assets_dir: PathBuf::from("assets"),
            web_dir: PathBuf::from("target/web"),
        }
    }
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
    #[error("{origin}: {value:?} is not a valid socket address (e.g. 127.0.0.1:8080)")]
    BadBind { origin: String, value: String },
    #[error("unknown flag {0:?}; flags: --config, --bind, --content-dir, --assets-dir, --web-dir")]
    UnknownFlag(String),
    #[error("flag {0} needs a value")]
    MissingValue(String),
    #[error("{what} {path} is not a folder")]
    NotADir { what: &'static str, path: PathBuf },
}

impl Config {
    /// Builds the config from command-line arguments (without the program name) and an
    /// environment lookup, so tests can pass both in.
    pub fn load(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut flags = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            if !matches!(
                name.as_str(),
                "--config" | "--bind" | "--content-dir" | "--assets-dir" | "--web-dir"
            ) {
                return Err(ConfigError::UnknownFlag(arg));
            }
            let value = match inline {
                Some(v) => v,
                None => args.next().ok_or(ConfigError::MissingValue(name.clone()))?,
            };
            flags.push((name, value));
        }
        let flag = |n: &str| {
            flags
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };

        let mut config = match flag("--config").or_else(|| env("DISAN_CONFIG")) {
            Some(path) => Config::from_file(Path::new(&path))?,
            None => Config::default(),
        };
        for (flag_name, env_name, apply) in OVERRIDES {
            if let Some(v) = env(env_name) {
                apply(&mut config, env_name, v)?;
            }
            if let Some(v) = flag(flag_name) {
                apply(&mut config, flag_name, v)?;
            }
        }
        Ok(config)
    }

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
}

type Apply = fn(&mut Config, &str, String) -> Result<(), ConfigError>;

const OVERRIDES: [(&str, &str, Apply); 4] = [
    ("--bind", "DISAN_BIND", |c, origin, v| {
        c.bind = v.parse().map_err(|_| ConfigError::BadBind {
            origin: origin.to_owned(),
            value: v,
        })?;
        Ok(())
    }),
    ("--content-dir", "DISAN_CONTENT_DIR", |c, _, v| {
        c.content_dir = v.into();
        Ok(())
    }),
    ("--assets-dir", "DISAN_ASSETS_DIR", |c, _, v| {
        c.assets_dir = v.into();
        Ok(())
    }),
    ("--web-dir", "DISAN_WEB_DIR", |c, _, v| {
        c.web_dir = v.into();
        Ok(())
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn load(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(args.iter().map(|s| s.to_string()), |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults() {
        assert_eq!(load(&[], &[]).unwrap(), Config::default());
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
            if flag == "--config" {
                continue;
            }
            let d = Config::default();
            let actual = match key {
                "bind" => d.bind.to_string(),
                "content_dir" => d.content_dir.display().to_string(),
                "assets_dir" => d.assets_dir.display().to_string(),
                "web_dir" => d.web_dir.display().to_string(),
                other => panic!("undocumented key {other}"),
            };
            assert_eq!(default, actual, "documented default of {key}");
            // The flag and the variable named in the table both set the key.
            let value = if key == "bind" { "127.0.0.1:1" } else { "x" };
            let by_flag = load(&[flag, value], &[]).unwrap();
            let by_env = load(&[], &[(env, value)]).unwrap();
            assert_eq!(by_flag, by_env, "{flag} and {env} differ");
            assert_ne!(by_flag, d, "{flag} changes nothing");
            let toml = format!("{key} = \"{value}\"");
            let by_file: Config = toml::from_str(&toml).unwrap();
            assert_eq!(by_file, by_flag, "TOML key {key}");
            checked += 1;
        }
        assert_eq!(checked, 4, "rows checked");
    }

    #[test]
    fn flags_override_env() {
        let c = load(
            &["--bind", "127.0.0.1:9", "--web-dir=w"],
            &[("DISAN_BIND", "127.0.0.1:7"), ("DISAN_ASSETS_DIR", "a")],
        )
        .unwrap();
        assert_eq!(c.bind.port(), 9);
        assert_eq!(c.assets_dir, PathBuf::from("a"));
        assert_eq!(c.web_dir, PathBuf::from("w"));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = load(&["--bind", "nope"], &[]).unwrap_err().to_string();
        assert!(e.contains("--bind") && e.contains("nope"), "{e}");
        let e = load(&["--colour"], &[]).unwrap_err().to_string();
        assert!(e.contains("--colour"), "{e}");
        let e = load(&["--bind"], &[]).unwrap_err().to_string();
        assert!(e.contains("needs a value"), "{e}");
    }

    #[test]
    fn file_then_env() {
        let dir = std::env::temp_dir().join(format!("disan-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("disan.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:81\"\ncontent_dir = \"c\"\n").unwrap();
        let c = load(
            &["--config", file.to_str().unwrap()],
            &[("DISAN_CONTENT_DIR", "d")],
        )
        .unwrap();
        assert_eq!(c.bind.port(), 81);
        assert_eq!(c.content_dir, PathBuf::from("d"));
        std::fs::write(&file, "bnd = 1\n").unwrap();
        let e = load(&["--config", file.to_str().unwrap()], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("bnd"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
