//! Which `Host` names may reach first-run setup. Before the owner exists, anyone who can
//! make a browser talk to us could claim the instance; a page on another site that has
//! rebound its DNS name to our address does so with its own name in `Host`, so setup
//! answers only to the configured name and to loopback.

use std::net::IpAddr;

/// Whether `host` (a `Host` header: `name[:port]` or `[v6]:port`) is the base URL's own
/// host and port, or a loopback name or address with any port.
pub fn allowed_before_setup(host: &str, base_url: &str) -> bool {
    let Some((name, port)) = split_host(host) else {
        return false;
    };
    if is_loopback(&name) {
        return true;
    }
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("http", base_url));
    let authority = rest.split('/').next().unwrap_or_default();
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    match split_host(authority) {
        Some((base_name, base_port)) => {
            name == base_name && port.unwrap_or(default_port) == base_port.unwrap_or(default_port)
        }
        None => false,
    }
}

/// Lower-cased host name (IPv6 without its brackets) and port; `None` when malformed.
fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.trim();
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            match after {
                "" => (inside, None),
                _ => (inside, Some(after.strip_prefix(':')?)),
            }
        }
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port = match port {
        Some(text) => Some(text.parse::<u16>().ok()?),
        None => None,
    };
    (!name.is_empty()).then(|| (name.to_ascii_lowercase(), port))
}

fn is_loopback(name: &str) -> bool {
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::allowed_before_setup as allowed;

    #[test]
    fn loopback_names_pass_with_any_port() {
        let base = "https://id.example.com";
        for host in [
            "localhost",
            "LOCALHOST:3000",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]:3000",
        ] {
            assert!(allowed(host, base), "{host}");
        }
    }

    #[test]
    fn the_configured_host_and_port_pass() {
        assert!(allowed("id.example.com", "https://id.example.com"));
        assert!(allowed("ID.example.com:443", "https://id.example.com/"));
        assert!(allowed("10.0.0.5:3000", "http://10.0.0.5:3000"));
        assert!(allowed("[2001:db8::1]:3000", "http://[2001:db8::1]:3000"));
        assert!(!allowed("id.example.com:8443", "https://id.example.com"));
        assert!(!allowed("10.0.0.5:3001", "http://10.0.0.5:3000"));
    }

    #[test]
    fn other_and_malformed_hosts_are_refused() {
        let base = "http://0.0.0.0:3000";
        for host in [
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "[::1",
            "localhost:port",
            "",
            "0.0.0.0:3000x",
        ] {
            assert!(!allowed(host, base), "{host}");
        }
    }
}
