//! Settings, layered: defaults < TOML file < `GRIDGOV_*` environment < command-line flags.
//! Secrets stay out of `Debug`; the secret key file is created on first use.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::DatabaseUrl;
use gridgov_store::grids::PhoneDisplay;
use gridgov_store::protect::{DataKey, Protector};
use gridgov_web::{MetricsToken, SecretKey, WebConfig};
use serde::Deserialize;

pub const DEFAULT_DATA_DIR: &str = "./gridgov-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DB_FILE: &str = "gridgov.db";
const KEY_FILE: &str = "secret.key";
const DATA_KEY_FILE: &str = "data.key";

/// One layer of settings as written in the file or the environment, not yet checked.
/// No `Debug`: it holds the secret in plain text.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<String>,
    secret_key: Option<String>,
    cookie_secure: Option<bool>,
    body_limit_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    card_phones: Option<String>,
    public_url: Option<String>,
    data_key: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    login_per_minute: Option<u32>,
    login_burst: Option<u32>,
    open311_per_address_per_minute: Option<u32>,
    open311_per_address_burst: Option<u32>,
    metrics_listen: Option<String>,
    metrics_token: Option<String>,
}

impl Layer {
    /// Later layers win field by field.
    fn over(self, base: Layer) -> Layer {
        Layer {
            data_dir: self.data_dir.or(base.data_dir),
            database_url: self.database_url.or(base.database_url),
            listen: self.listen.or(base.listen),
            secret_key: self.secret_key.or(base.secret_key),
            cookie_secure: self.cookie_secure.or(base.cookie_secure),
            body_limit_bytes: self.body_limit_bytes.or(base.body_limit_bytes),
            request_timeout_secs: self.request_timeout_secs.or(base.request_timeout_secs),
            card_phones: self.card_phones.or(base.card_phones),
            public_url: self.public_url.or(base.public_url),
            data_key: self.data_key.or(base.data_key),
            trusted_proxies: self.trusted_proxies.or(base.trusted_proxies),
            login_per_minute: self.login_per_minute.or(base.login_per_minute),
            login_burst: self.login_burst.or(base.login_burst),
            open311_per_address_per_minute: self
                .open311_per_address_per_minute
                .or(base.open311_per_address_per_minute),
            open311_per_address_burst: self
                .open311_per_address_burst
                .or(base.open311_per_address_burst),
            metrics_listen: self.metrics_listen.or(base.metrics_listen),
            metrics_token: self.metrics_token.or(base.metrics_token),
        }
    }

    fn from_toml(text: &str) -> Result<Layer> {
        Ok(toml::from_str(text)?)
    }

    fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Layer> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        Ok(Layer {
            data_dir: get("GRIDGOV_DATA_DIR").map(PathBuf::from),
            database_url: get("GRIDGOV_DATABASE_URL"),
            listen: get("GRIDGOV_LISTEN"),
            secret_key: get("GRIDGOV_SECRET_KEY"),
            cookie_secure: get("GRIDGOV_COOKIE_SECURE")
                .map(|v| parse_bool("GRIDGOV_COOKIE_SECURE", &v))
                .transpose()?,
            body_limit_bytes: get("GRIDGOV_BODY_LIMIT_BYTES")
                .map(|v| parse_num("GRIDGOV_BODY_LIMIT_BYTES", &v))
                .transpose()?,
            request_timeout_secs: get("GRIDGOV_REQUEST_TIMEOUT_SECS")
                .map(|v| parse_num("GRIDGOV_REQUEST_TIMEOUT_SECS", &v))
                .transpose()?,
            card_phones: get("GRIDGOV_CARD_PHONES"),
            public_url: get("GRIDGOV_PUBLIC_URL"),
            data_key: get("GRIDGOV_DATA_KEY"),
            trusted_proxies: get("GRIDGOV_TRUSTED_PROXIES")
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect()),
            login_per_minute: get("GRIDGOV_LOGIN_PER_MINUTE")
                .map(|v| parse_num("GRIDGOV_LOGIN_PER_MINUTE", &v))
                .transpose()?,
            login_burst: get("GRIDGOV_LOGIN_BURST")
                .map(|v| parse_num("GRIDGOV_LOGIN_BURST", &v))
                .transpose()?,
            open311_per_address_per_minute: get("GRIDGOV_OPEN311_PER_ADDRESS_PER_MINUTE")
                .map(|v| parse_num("GRIDGOV_OPEN311_PER_ADDRESS_PER_MINUTE", &v))
                .transpose()?,
            open311_per_address_burst: get("GRIDGOV_OPEN311_PER_ADDRESS_BURST")
                .map(|v| parse_num("GRIDGOV_OPEN311_PER_ADDRESS_BURST", &v))
                .transpose()?,
            metrics_listen: get("GRIDGOV_METRICS_LISTEN"),
            metrics_token: get("GRIDGOV_METRICS_TOKEN"),
        })
    }
}

fn parse_bool(name: &str, v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("{name}: expected true or false, got {other:?}"),
    }
}

fn parse_num<T: FromStr>(name: &str, v: &str) -> Result<T> {
    v.trim()
        .parse()
        .map_err(|_| anyhow!("{name}: expected a whole number, got {v:?}"))
}

/// What the command line adds on top (flags of the command being run).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub listen: String,
    /// `None` until resolved: then read from, or created in, the data directory.
    pub secret_key: Option<SecretKey>,
    pub cookie_secure: bool,
    pub body_limit: usize,
    pub request_timeout: Duration,
    /// How the public grid card shows staff phones: full, masked or hidden.
    pub card_phones: PhoneDisplay,
    /// Where people reach the site (`https://…`), for QR codes; from Host when unset.
    pub public_url: Option<String>,
    /// The key that seals personal data; `None` until resolved: then read from, or created in,
    /// the data directory. Its `Debug` shows no key material.
    pub data_key: Option<DataKey>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Password checks per client address and minute, sustained and at once.
    pub login_per_minute: u32,
    pub login_burst: u32,
    /// Open311 requests per client address and minute, sustained and at once.
    pub open311_per_address_per_minute: u32,
    pub open311_per_address_burst: u32,
    /// A second address serving `/metrics` (and nothing else), for the monitoring network.
    /// Unset: no such listener.
    pub metrics_listen: Option<String>,
    /// The bearer token that opens `/metrics` on the main listener; unset, `/metrics` is not
    /// served there. Its `Debug` shows nothing of it.
    pub metrics_token: Option<MetricsToken>,
}

impl Config {
    /// Loads the settings from the process environment and an optional file.
    pub fn load(file: Option<&Path>, flags: Overrides) -> Result<Config> {
        Config::layered(file, &|name| std::env::var(name).ok(), flags)
    }

    /// The layering itself, with the environment passed in so tests need not change the process's.
    pub fn layered(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: Overrides,
    ) -> Result<Config> {
        let from_file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading settings file {}", path.display()))?;
                Layer::from_toml(&text)
                    .with_context(|| format!("settings file {}", path.display()))?
            }
            None => Layer::default(),
        };
        let from_flags = Layer {
            data_dir: flags.data_dir,
            database_url: flags.database_url,
            listen: flags.listen,
            ..Layer::default()
        };
        let l = from_flags.over(Layer::from_env(env)?.over(from_file));

        let data_dir = l
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = match l.database_url {
            Some(u) => DatabaseUrl::from_str(&u).context("database_url")?,
            None => DatabaseUrl::sqlite_file(&data_dir.join(DB_FILE)),
        };
        let secret_key = l
            .secret_key
            .map(|k| SecretKey::from_hex(&k).map_err(|e| anyhow!("secret_key: {e}")))
            .transpose()?;
        let defaults = WebConfig::new(SecretKey::new([0; 32]));
        Ok(Config {
            data_dir,
            database_url,
            listen: l.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned()),
            secret_key,
            cookie_secure: l.cookie_secure.unwrap_or(defaults.cookie_secure),
            body_limit: l.body_limit_bytes.unwrap_or(defaults.body_limit),
            request_timeout: l
                .request_timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(defaults.request_timeout),
            card_phones: match l.card_phones {
                None => defaults.card_phones,
                Some(v) => PhoneDisplay::parse(&v).ok_or_else(|| {
                    anyhow!("card_phones: expected full, masked or hidden, got {v:?}")
                })?,
            },
            public_url: match l.public_url {
                None => None,
                Some(u) if u.starts_with("http://") || u.starts_with("https://") => Some(u),
                Some(u) => bail!("public_url: expected http:// or https://…, got {u:?}"),
            },
            data_key: l
                .data_key
                .map(|k| DataKey::from_hex(&k).map_err(|e| anyhow!("data_key: {e}")))
                .transpose()?,
            trusted_proxies: l
                .trusted_proxies
                .unwrap_or_default()
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim()
                        .parse()
                        .map_err(|_| anyhow!("trusted_proxies: expected IP addresses, got {s:?}"))
                })
                .collect::<Result<_>>()?,
            login_per_minute: match l.login_per_minute {
                Some(0) => bail!("login_per_minute: expected at least 1"),
                v => v.unwrap_or(defaults.login_per_minute),
            },
            login_burst: match l.login_burst {
                Some(0) => bail!("login_burst: expected at least 1"),
                v => v.unwrap_or(defaults.login_burst),
            },
            open311_per_address_per_minute: match l.open311_per_address_per_minute {
                Some(0) => bail!("open311_per_address_per_minute: expected at least 1"),
                v => v.unwrap_or(defaults.open311_per_address_per_minute),
            },
            open311_per_address_burst: match l.open311_per_address_burst {
                Some(0) => bail!("open311_per_address_burst: expected at least 1"),
                v => v.unwrap_or(defaults.open311_per_address_burst),
            },
            metrics_listen: l.metrics_listen,
            metrics_token: l
                .metrics_token
                .map(|t| MetricsToken::parse(&t).map_err(|e| anyhow!("metrics_token: {e}")))
                .transpose()?,
        })
    }

    /// The sealer of personal data; reads or creates the data key file (`data.key`, owner-only)
    /// when no key is configured. Back that file up with the database: without it, sealed ID
    /// numbers and phones cannot be read.
    pub fn protector(&self) -> Result<Protector> {
        let key = match &self.data_key {
            Some(k) => k.clone(),
            None => {
                let path = self.data_key_file();
                let hex = load_or_create_hex(&path, DataKey::generate_hex)?;
                DataKey::from_hex(&hex).map_err(|e| anyhow!("{}: {e}", path.display()))?
            }
        };
        Ok(Protector::new(&key))
    }

    /// The sealer of personal data when a key is configured or its file exists; `None`
    /// otherwise, and no file is created (a restore must not invent a key for sealed data).
    pub fn existing_protector(&self) -> Result<Option<Protector>> {
        if let Some(k) = &self.data_key {
            return Ok(Some(Protector::new(k)));
        }
        let path = self.data_key_file();
        match std::fs::read_to_string(&path) {
            Ok(hex) => {
                let key =
                    DataKey::from_hex(&hex).map_err(|e| anyhow!("{}: {e}", path.display()))?;
                Ok(Some(Protector::new(&key)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Where the data key is kept when `data_key` is not set.
    pub fn data_key_file(&self) -> PathBuf {
        self.data_dir.join(DATA_KEY_FILE)
    }

    /// The web layer's settings; reads or creates the secret key file when none is configured.
    pub fn web_config(&self) -> Result<WebConfig> {
        let key = match &self.secret_key {
            Some(k) => k.clone(),
            None => load_or_create_key(&self.data_dir.join(KEY_FILE))?,
        };
        Ok(self.web_config_with_key(key))
    }

    /// The web layer's settings around a given secret key.
    fn web_config_with_key(&self, key: SecretKey) -> WebConfig {
        let mut web = WebConfig::new(key);
        web.cookie_secure = self.cookie_secure;
        web.body_limit = self.body_limit;
        web.request_timeout = self.request_timeout;
        web.card_phones = self.card_phones;
        web.public_url = self.public_url.clone();
        web.trusted_proxies = self.trusted_proxies.clone();
        web.login_per_minute = self.login_per_minute;
        web.login_burst = self.login_burst;
        web.open311_per_address_per_minute = self.open311_per_address_per_minute;
        web.open311_per_address_burst = self.open311_per_address_burst;
        web.metrics_token = self.metrics_token.clone();
        web
    }
}

/// Reads the key file, or writes a new random key readable by its owner only.
fn load_or_create_key(path: &Path) -> Result<SecretKey> {
    let hex = load_or_create_hex(path, SecretKey::generate_hex)?;
    SecretKey::from_hex(&hex).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// The hex key in a file, written first (owner-only) with a new random key when missing.
fn load_or_create_hex(path: &Path, generate: fn() -> String) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let hex = generate();
            match write_private(path, &hex) {
                Ok(()) => {
                    tracing::info!(file = %path.display(), "created a new key");
                    Ok(hex)
                }
                // Another process starting at the same moment wrote it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))
                }
                Err(e) => Err(e).with_context(|| format!("writing {}", path.display())),
            }
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    // create_new: two processes starting at once must not overwrite each other's key.
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use gridgov_store::Backend;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gridgov-cfg-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn defaults_put_everything_in_the_data_dir() {
        let c = Config::layered(None, &env_of(&[]), Overrides::default()).unwrap();
        assert_eq!(c.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(c.database_url.backend(), Backend::Sqlite);
        assert!(c.database_url.as_str().contains("gridgov-data/gridgov.db"));
        assert_eq!(c.listen, DEFAULT_LISTEN);
        assert!(c.secret_key.is_none());
    }

    #[test]
    fn env_beats_file_and_flags_beat_env() {
        let dir = temp_dir("layers");
        let file = dir.join("gridgov.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:1\"\ndata_dir = \"/from/file\"\nbody_limit_bytes = 10\n",
        )
        .unwrap();
        let env = env_of(&[
            ("GRIDGOV_LISTEN", "0.0.0.0:2"),
            ("GRIDGOV_DATA_DIR", "/from/env"),
            ("GRIDGOV_COOKIE_SECURE", "true"),
        ]);
        let c = Config::layered(Some(&file), &env, Overrides::default()).unwrap();
        assert_eq!(c.listen, "0.0.0.0:2");
        assert_eq!(c.data_dir, PathBuf::from("/from/env"));
        assert_eq!(
            c.body_limit, 10,
            "the file still counts where env is silent"
        );
        assert!(c.cookie_secure);

        let flags = Overrides {
            listen: Some("0.0.0.0:3".into()),
            data_dir: Some("/from/flag".into()),
            database_url: None,
        };
        let c = Config::layered(Some(&file), &env, flags).unwrap();
        assert_eq!(c.listen, "0.0.0.0:3");
        assert!(
            c.database_url.as_str().contains("/from/flag/gridgov.db"),
            "the default database follows the final data dir"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn unknown_keys_in_the_file_are_named() {
        let dir = temp_dir("unknown");
        let file = dir.join("gridgov.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:1\"\ndatabse_url = \"x\"\n").unwrap();
        let err = Config::layered(Some(&file), &env_of(&[]), Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains("databse_url"), "{err:#}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn unrecognised_database_urls_and_bad_values_are_errors() {
        let env = env_of(&[("GRIDGOV_DATABASE_URL", "mysql://db/x")]);
        assert!(Config::layered(None, &env, Overrides::default()).is_err());
        let env = env_of(&[("GRIDGOV_COOKIE_SECURE", "perhaps")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("GRIDGOV_COOKIE_SECURE"));
        let env = env_of(&[("GRIDGOV_CARD_PHONES", "sometimes")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("card_phones"));
        let env = env_of(&[("GRIDGOV_CARD_PHONES", "hidden")]);
        let c = Config::layered(None, &env, Overrides::default()).unwrap();
        assert_eq!(c.card_phones, PhoneDisplay::Hidden);
        let env = env_of(&[("GRIDGOV_DATA_KEY", "00")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("data_key"), "{err}");
        let env = env_of(&[("GRIDGOV_PUBLIC_URL", "grid.example.org")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("public_url"));
        let env = env_of(&[("GRIDGOV_TRUSTED_PROXIES", "10.0.0.2, proxy.local")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("proxy.local"), "{err}");
        let env = env_of(&[("GRIDGOV_LOGIN_BURST", "0")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("login_burst"), "{err}");
        let env = env_of(&[("GRIDGOV_OPEN311_PER_ADDRESS_BURST", "0")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(
            err.to_string().contains("open311_per_address_burst"),
            "{err}"
        );
        let env = env_of(&[("GRIDGOV_OPEN311_PER_ADDRESS_PER_MINUTE", "6000")]);
        let c = Config::layered(None, &env, Overrides::default()).unwrap();
        let web = c.web_config_with_key(SecretKey::new([1; 32]));
        assert_eq!(web.open311_per_address_per_minute, 6000);
    }

    #[test]
    fn trusted_proxies_and_login_rates_come_from_file_or_env() {
        let dir = temp_dir("proxies");
        let file = dir.join("gridgov.toml");
        std::fs::write(
            &file,
            "trusted_proxies = [\"10.0.0.2\", \"::1\"]\nlogin_per_minute = 120\n",
        )
        .unwrap();
        let c = Config::layered(Some(&file), &env_of(&[]), Overrides::default()).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.login_per_minute, 120);
        let web = c.web_config_with_key(SecretKey::new([1; 32]));
        assert_eq!(web.login_per_minute, 120);
        assert_eq!(
            web.login_burst,
            WebConfig::new(SecretKey::new([0; 32])).login_burst
        );
        let env = env_of(&[("GRIDGOV_TRUSTED_PROXIES", "192.0.2.7")]);
        let c = Config::layered(Some(&file), &env, Overrides::default()).unwrap();
        assert_eq!(
            c.trusted_proxies,
            vec!["192.0.2.7".parse::<std::net::IpAddr>().unwrap()]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn metrics_are_off_the_public_listener_unless_configured() {
        let c = Config::layered(None, &env_of(&[]), Overrides::default()).unwrap();
        assert!(c.metrics_listen.is_none() && c.metrics_token.is_none());
        let dir = temp_dir("metrics");
        let file = dir.join("gridgov.toml");
        std::fs::write(&file, "metrics_listen = \"127.0.0.1:9100\"\n").unwrap();
        let env = env_of(&[("GRIDGOV_METRICS_TOKEN", "scrape-9f1c0b8e2a7d4e6f")]);
        let c = Config::layered(Some(&file), &env, Overrides::default()).unwrap();
        assert_eq!(c.metrics_listen.as_deref(), Some("127.0.0.1:9100"));
        assert!(c.web_config().is_ok_and(|w| w.metrics_token.is_some()));
        let env = env_of(&[("GRIDGOV_METRICS_TOKEN", "short")]);
        let err = Config::layered(None, &env, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("metrics_token"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    const DATA_KEY: &str = "5d2a9f1c7e3b8a6d4c0f9e8d7c6b5a493827160f4e3d2c1b0a99887766554433";

    #[test]
    fn debug_never_shows_the_secret_or_the_db_password() {
        let env = env_of(&[
            ("GRIDGOV_DATABASE_URL", "postgres://gg:pa55word@db/gridgov"),
            ("GRIDGOV_SECRET_KEY", KEY),
            ("GRIDGOV_DATA_KEY", DATA_KEY),
            ("GRIDGOV_METRICS_TOKEN", "scrape-9f1c0b8e2a7d4e6f"),
        ]);
        let c = Config::layered(None, &env, Overrides::default()).unwrap();
        let shown = format!("{c:?} {:?}", c.web_config().unwrap());
        assert!(!shown.contains("scrape-9f1c"), "{shown}");
        assert!(!shown.contains(&DATA_KEY[..16]), "{shown}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!shown.contains(&KEY[..16]), "{shown}");
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_then_reused() {
        let dir = temp_dir("key");
        let flags = Overrides {
            data_dir: Some(dir.join("data")),
            ..Overrides::default()
        };
        let c = Config::layered(None, &env_of(&[]), flags).unwrap();
        c.web_config().unwrap();
        let path = dir.join("data").join(KEY_FILE);
        let first = std::fs::read_to_string(&path).unwrap();
        assert_eq!(first.trim().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        c.web_config().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
        // The data key likewise, and the same key comes back.
        let check = c.protector().unwrap().key_check().to_owned();
        let data_key = dir.join("data").join(DATA_KEY_FILE);
        assert_eq!(std::fs::read_to_string(&data_key).unwrap().trim().len(), 64);
        assert_eq!(c.protector().unwrap().key_check(), check);
        let existing = c.existing_protector().unwrap().unwrap();
        assert_eq!(existing.key_check(), check);
        std::fs::remove_dir_all(dir).unwrap();
        assert!(
            c.existing_protector().unwrap().is_none(),
            "asking for an existing key creates none"
        );
        assert!(!data_key.exists());
    }
}
