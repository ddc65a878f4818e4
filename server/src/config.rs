//! Configuration from the environment and an optional TOML file, validated once at start.

use crate::web::client_ip::{ForwardingHeader, TrustedProxies};
use directory::{SecretKey, SecretString};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A setting that cannot be used, named as the person set it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: String,
    pub message: String,
}

fn bad(name: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        name: name.to_string(),
        message: message.into(),
    }
}

/// Every setting of the contract, checked.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub http_addr: SocketAddr,
    /// Without a trailing slash.
    pub base_url: String,
    /// False when `base_url` was derived from `http_addr` (and so follows the bound port).
    pub base_url_set: bool,
    pub ldap_addr: Option<SocketAddr>,
    pub ldaps_addr: Option<SocketAddr>,
    pub ldap_base_dn: String,
    pub ldap_admin_secret: Option<SecretString>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub data_dir: PathBuf,
    pub secret_key: Option<SecretKey>,
    pub log_filter: String,
    /// Reverse proxies whose forwarding headers name the client; empty trusts the socket peer.
    pub trusted_proxies: TrustedProxies,
    /// Where cargo-leptos put the site (`LEPTOS_SITE_ROOT`, else `target/site`).
    pub site_root: PathBuf,
}

/// The settings a TOML file may hold, each the variable's name without `GATEHOUSE_`, in lower case.
const FILE_KEYS: &[&str] = &[
    "database_url",
    "http_addr",
    "base_url",
    "ldap_addr",
    "ldaps_addr",
    "ldap_base_dn",
    "ldap_admin_secret",
    "tls_cert",
    "tls_key",
    "smtp_url",
    "mail_from",
    "data_dir",
    "secret_key",
    "trusted_proxies",
    "proxy_header",
];

impl Config {
    /// Reads the process environment and, when `GATEHOUSE_CONFIG` names one, the TOML file.
    pub fn from_env() -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let file = match env.get("GATEHOUSE_CONFIG").filter(|p| !p.is_empty()) {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| bad("GATEHOUSE_CONFIG", format!("cannot read {path}: {e}")))?;
                parse_file(&text)
                    .map_err(|message| bad("GATEHOUSE_CONFIG", format!("{path}: {message}")))?
            }
            None => HashMap::new(),
        };
        Self::from_sources(&env, &file)
    }

    /// Builds the configuration from variables (which win) and file settings.
    pub fn from_sources(
        env: &HashMap<String, String>,
        file: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let get = |key: &str| -> Option<String> {
            env.get(&format!("GATEHOUSE_{}", key.to_uppercase()))
                .or_else(|| file.get(key))
                .cloned()
        };
        let http_addr = parse_addr(
            "GATEHOUSE_HTTP_ADDR",
            get("http_addr").as_deref().unwrap_or("127.0.0.1:3000"),
        )?
        .ok_or_else(|| {
            bad(
                "GATEHOUSE_HTTP_ADDR",
                "cannot be empty: the web UI needs an address",
            )
        })?;
        let base_url_set = get("base_url").is_some_and(|u| !u.is_empty());
        let base_url = match get("base_url").filter(|u| !u.is_empty()) {
            Some(url) => parse_base_url(&url)?,
            None => format!("http://{http_addr}"),
        };
        let database_url =
            get("database_url").unwrap_or_else(|| "sqlite://data/gatehouse.db?mode=rwc".into());
        check_database_url(&database_url)?;
        let ldap_base_dn = get("ldap_base_dn").unwrap_or_else(|| "dc=gatehouse,dc=local".into());
        check_dn(&ldap_base_dn)?;
        let (tls_cert, tls_key) = tls_pair(get("tls_cert"), get("tls_key"))?;
        let smtp_url = get("smtp_url").filter(|u| !u.is_empty());
        if let Some(url) = &smtp_url {
            check_smtp_url(url)?;
        }
        let mail_from = get("mail_from").unwrap_or_else(|| "Gatehouse <noreply@localhost>".into());
        check_mail_from(&mail_from)?;
        let data_dir = PathBuf::from(
            get("data_dir")
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "data".into()),
        );
        let secret_key = match get("secret_key").filter(|k| !k.is_empty()) {
            Some(key) => Some(SecretKey::from_base64(&key).map_err(|m| {
                bad(
                    "GATEHOUSE_SECRET_KEY",
                    format!("{m}; generate one with `openssl rand -base64 32`"),
                )
            })?),
            None => None,
        };
        let proxy_header = ForwardingHeader::parse(&get("proxy_header").unwrap_or_default())
            .map_err(|m| bad("GATEHOUSE_PROXY_HEADER", m))?;
        let trusted_proxies = TrustedProxies::parse(&get("trusted_proxies").unwrap_or_default())
            .map_err(|m| bad("GATEHOUSE_TRUSTED_PROXIES", m))?
            .reading(proxy_header);
        let log_filter = env
            .get("RUST_LOG")
            .cloned()
            .unwrap_or_else(|| "info".into());
        check_log_filter(&log_filter)?;
        Ok(Self {
            database_url,
            http_addr,
            base_url,
            base_url_set,
            ldap_addr: parse_addr(
                "GATEHOUSE_LDAP_ADDR",
                get("ldap_addr").as_deref().unwrap_or("127.0.0.1:3890"),
            )?,
            ldaps_addr: parse_addr(
                "GATEHOUSE_LDAPS_ADDR",
                get("ldaps_addr").as_deref().unwrap_or("127.0.0.1:6360"),
            )?,
            ldap_base_dn,
            ldap_admin_secret: get("ldap_admin_secret")
                .filter(|s| !s.is_empty())
                .map(SecretString::new),
            tls_cert,
            tls_key,
            smtp_url: smtp_url.map(SecretString::new),
            mail_from,
            data_dir,
            secret_key,
            log_filter,
            trusted_proxies,
            site_root: PathBuf::from(
                env.get("LEPTOS_SITE_ROOT")
                    .cloned()
                    .unwrap_or_else(|| "target/site".into()),
            ),
        })
    }

    /// Session cookies get `Secure` when people reach us over https.
    pub fn cookies_secure(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Parses the optional TOML file into the same flat settings the variables give.
fn parse_file(text: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    table
        .into_iter()
        .map(|(key, value)| {
            if !FILE_KEYS.contains(&key.as_str()) {
                return Err(format!("unknown setting `{key}`"));
            }
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                other => {
                    return Err(format!(
                        "`{key}` must be a string, not {}",
                        other.type_str()
                    ));
                }
            };
            Ok((key, text))
        })
        .collect()
}

/// An empty value disables the listener.
fn parse_addr(name: &str, value: &str) -> Result<Option<SocketAddr>, ConfigError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    value.trim().parse().map(Some).map_err(|_| {
        bad(
            name,
            format!("`{value}` is not an address like 127.0.0.1:3000 or [::1]:3000"),
        )
    })
}

fn parse_base_url(url: &str) -> Result<String, ConfigError> {
    let name = "GATEHOUSE_BASE_URL";
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad(name, format!("`{url}` must start with http:// or https://")))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(['?', '#']) || rest.chars().any(char::is_whitespace) {
        return Err(bad(
            name,
            format!("`{url}` is not a URL like https://id.example.com"),
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Certificate and key are given together, and both must be files.
fn tls_pair(
    cert: Option<String>,
    key: Option<String>,
) -> Result<(Option<PathBuf>, Option<PathBuf>), ConfigError> {
    let tls_cert = cert.filter(|p| !p.is_empty()).map(PathBuf::from);
    let tls_key = key.filter(|p| !p.is_empty()).map(PathBuf::from);
    if tls_cert.is_some() != tls_key.is_some() {
        let missing = if tls_cert.is_some() {
            "GATEHOUSE_TLS_KEY"
        } else {
            "GATEHOUSE_TLS_CERT"
        };
        return Err(bad(
            missing,
            "set GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY together",
        ));
    }
    for (name, path) in [
        ("GATEHOUSE_TLS_CERT", &tls_cert),
        ("GATEHOUSE_TLS_KEY", &tls_key),
    ] {
        if let Some(path) = path.as_ref().filter(|p| !p.is_file()) {
            return Err(bad(
                name,
                format!("{} is not a readable file", path.display()),
            ));
        }
    }
    Ok((tls_cert, tls_key))
}

fn check_log_filter(filter: &str) -> Result<(), ConfigError> {
    tracing_subscriber::EnvFilter::try_new(filter)
        .map(|_| ())
        .map_err(|e| bad("RUST_LOG", format!("`{filter}` is not a log filter: {e}")))
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let supported = ["sqlite:", "postgres://", "postgresql://"];
    if supported.iter().any(|prefix| url.starts_with(prefix)) {
        Ok(())
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        Err(bad(
            "GATEHOUSE_DATABASE_URL",
            format!(
                "the `{scheme}` scheme is not supported; use sqlite://path?mode=rwc or postgres://user@host/db"
            ),
        ))
    }
}

/// A distinguished name like `dc=example,dc=com`: comma-separated `attribute=value` pairs.
fn check_dn(dn: &str) -> Result<(), ConfigError> {
    let valid = !dn.is_empty()
        && dn.split(',').all(|rdn| match rdn.trim().split_once('=') {
            Some((attr, value)) => {
                !value.is_empty()
                    && !attr.is_empty()
                    && attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            }
            None => false,
        });
    if valid {
        Ok(())
    } else {
        Err(bad(
            "GATEHOUSE_LDAP_BASE_DN",
            format!("`{dn}` is not a DN like dc=example,dc=com"),
        ))
    }
}

/// `smtp://[user:pass@]host[:port][?tls=starttls|tls|none]`; errors never repeat the password.
fn check_smtp_url(url: &str) -> Result<(), ConfigError> {
    let name = "GATEHOUSE_SMTP_URL";
    let shape = "must look like smtp://[user:pass@]host[:port][?tls=starttls|tls|none]";
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| bad(name, shape))?;
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (host, Some(port)),
        _ => (host_port, None),
    };
    if host.is_empty() || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Err(bad(name, shape));
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tls", "starttls" | "tls" | "none")) => {}
            Some(("tls", other)) => {
                return Err(bad(
                    name,
                    format!("tls={other} is not one of starttls, tls, none"),
                ));
            }
            _ => {
                return Err(bad(
                    name,
                    format!("unknown parameter `{pair}`; only tls= is supported"),
                ));
            }
        }
    }
    Ok(())
}

fn check_mail_from(from: &str) -> Result<(), ConfigError> {
    let address = match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &from[open + 1..close],
        _ => from,
    };
    directory::rules::normalize_email(address)
        .or_else(|e| {
            if address.ends_with("@localhost") {
                Ok(address.to_string())
            } else {
                Err(e)
            }
        })
        .map(|_| ())
        .map_err(|_| {
            bad(
                "GATEHOUSE_MAIL_FROM",
                format!("`{from}` is not an address like Gatehouse <noreply@example.com>"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(&env, &HashMap::new())
    }

    #[test]
    fn defaults_work_with_nothing_set() {
        let config = load(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/gatehouse.db?mode=rwc");
        assert_eq!(config.http_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert_eq!(
            config.ldap_addr.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:3890")
        );
        assert_eq!(
            config.ldaps_addr.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:6360")
        );
        assert_eq!(config.ldap_base_dn, "dc=gatehouse,dc=local");
        assert_eq!(config.mail_from, "Gatehouse <noreply@localhost>");
        assert_eq!(config.data_dir, PathBuf::from("data"));
        assert!(config.secret_key.is_none() && !config.cookies_secure());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("GATEHOUSE_HTTP_ADDR", "localhost"),
            ("GATEHOUSE_BASE_URL", "id.example.com"),
            ("GATEHOUSE_DATABASE_URL", "mysql://root@localhost/db"),
            ("GATEHOUSE_LDAP_ADDR", "3890"),
            ("GATEHOUSE_LDAP_BASE_DN", "example.com"),
            ("GATEHOUSE_SMTP_URL", "smtp://mail:notaport"),
            ("GATEHOUSE_SMTP_URL", "smtp://mail?tls=maybe"),
            ("GATEHOUSE_MAIL_FROM", "nobody"),
            ("GATEHOUSE_SECRET_KEY", "c2hvcnQ="),
            ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            ("RUST_LOG", "[[["),
        ];
        for (name, value) in cases {
            let err = load(&[(name, value)]).unwrap_err();
            assert_eq!(err.name, name, "{value}: {err}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn tls_files_come_in_pairs_and_must_exist() {
        let err = load(&[("GATEHOUSE_TLS_CERT", "/etc/hostname")]).unwrap_err();
        assert_eq!(err.name, "GATEHOUSE_TLS_KEY");
        let err = load(&[
            ("GATEHOUSE_TLS_CERT", "/nonexistent/cert.pem"),
            ("GATEHOUSE_TLS_KEY", "/etc/hostname"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "GATEHOUSE_TLS_CERT");
        assert!(err.message.contains("/nonexistent/cert.pem"));
    }

    #[test]
    fn empty_ldap_addresses_disable_the_listeners() {
        let config = load(&[("GATEHOUSE_LDAP_ADDR", ""), ("GATEHOUSE_LDAPS_ADDR", "")]).unwrap();
        assert!(config.ldap_addr.is_none() && config.ldaps_addr.is_none());
    }

    #[test]
    fn smtp_errors_never_show_the_password() {
        let err = load(&[("GATEHOUSE_SMTP_URL", "smtp://me:hunter2@mail:xx")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(
            load(&[(
                "GATEHOUSE_SMTP_URL",
                "smtp://me:pw@mail.example.com:587?tls=starttls"
            )])
            .is_ok()
        );
    }

    #[test]
    fn https_base_url_makes_cookies_secure_and_loses_its_slash() {
        let config = load(&[("GATEHOUSE_BASE_URL", "https://id.example.com/")]).unwrap();
        assert_eq!(config.base_url, "https://id.example.com");
        assert!(config.cookies_secure());
    }

    #[test]
    fn variables_win_over_the_file() {
        let file =
            parse_file("http_addr = \"127.0.0.1:4000\"\nldap_base_dn = \"dc=example,dc=org\"")
                .unwrap();
        let env = HashMap::from([(
            "GATEHOUSE_HTTP_ADDR".to_string(),
            "127.0.0.1:5000".to_string(),
        )]);
        let config = Config::from_sources(&env, &file).unwrap();
        assert_eq!(config.http_addr.to_string(), "127.0.0.1:5000");
        assert_eq!(config.ldap_base_dn, "dc=example,dc=org");
    }

    #[test]
    fn trusted_proxies_come_from_the_variable_or_the_file() {
        assert!(load(&[]).unwrap().trusted_proxies.is_empty());
        let config = load(&[("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8 ::1")]).unwrap();
        assert_eq!(
            config.trusted_proxies,
            TrustedProxies::parse("10.0.0.0/8,::1").unwrap()
        );
        let file = parse_file("trusted_proxies = \"192.168.0.0/16\"").unwrap();
        let config = Config::from_sources(&HashMap::new(), &file).unwrap();
        assert!(!config.trusted_proxies.is_empty());
    }

    #[test]
    fn unknown_file_settings_are_refused() {
        assert!(
            parse_file("htp_addr = \"x\"")
                .unwrap_err()
                .contains("htp_addr")
        );
        assert!(
            parse_file("http_addr = [1]")
                .unwrap_err()
                .contains("must be a string")
        );
    }
}
