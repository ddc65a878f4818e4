//! Which address a request came from when reverse proxies stand in front: the socket peer,
//! unless that peer is a proxy we trust, whose forwarding headers are then believed only as
//! far back as the chain of trusted proxies reaches.

use axum::http::{HeaderMap, HeaderName, header};
use ipnet::IpNet;
use std::net::IpAddr;

/// Which header the trusted proxies write. Only that one is read: a proxy passes the other
/// through from the client untouched, so reading it would let the client pick its address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForwardingHeader {
    /// `X-Forwarded-For`, which nginx, HAProxy, Traefik, Caddy and cloud balancers append to.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded`.
    Forwarded,
}

impl ForwardingHeader {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!(
                "`{other}` is not a forwarding header: use x-forwarded-for or forwarded"
            )),
        }
    }
}

/// The reverse proxies whose forwarding header is believed, and which header that is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardingHeader,
}

impl TrustedProxies {
    /// The same proxies, read through `header`.
    pub fn reading(self, header: ForwardingHeader) -> Self {
        Self { header, ..self }
    }

    /// A comma- or space-separated list of CIDRs or bare addresses; empty trusts nobody.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .map(|net| canonical(net.trunc()))
                    .or_else(|_| {
                        item.parse::<IpAddr>()
                            .map(|ip| IpNet::from(ip.to_canonical()))
                    })
                    .map_err(|_| {
                        format!("`{item}` is not an address or CIDR like 10.0.0.0/8 or ::1")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Self {
                nets,
                header: ForwardingHeader::default(),
            })
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|net| net.contains(&ip))
    }
}

/// Peers are compared as IPv4 when they are IPv4-mapped, so a mapped network in the list
/// (`::ffff:10.0.0.0/104`) is kept as the IPv4 network it stands for.
fn canonical(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(net),
            None => net,
        },
        other => other,
    }
}

/// The client's address for a request that reached us from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = match trusted.header {
        ForwardingHeader::Forwarded => forwarded_hops(headers),
        ForwardingHeader::XForwardedFor => forwarded_for_hops(headers),
    };
    walk(peer, &hops, trusted)
}

/// Walks the hops from the nearest back: each trusted proxy vouches for the hop before it,
/// so the first untrusted one is the client. A hop we cannot read ends the walk at the
/// last address a trusted proxy gave, never at whatever stands further left.
fn walk(peer: IpAddr, hops: &[Option<IpAddr>], trusted: &TrustedProxies) -> IpAddr {
    let mut last_good = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = hop.map(|ip| ip.to_canonical()) else {
            return last_good;
        };
        if !trusted.contains(ip) {
            return ip;
        }
        last_good = ip;
    }
    last_good
}

/// Every instance of a header, in order, as one comma-separated list. A value that is not
/// text becomes an unreadable entry.
fn joined(headers: &HeaderMap, name: HeaderName) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|value| value.to_str().unwrap_or("\u{0}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn forwarded_for_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    joined(headers, HeaderName::from_static("x-forwarded-for"))
        .split(',')
        .map(|entry| node_ip(entry.trim()))
        .collect()
}

/// RFC 7239: elements separated by commas, pairs by semicolons; the `for=` of each element
/// is a hop. An element without one (or with `unknown` or an obfuscated name) is unreadable.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    split_outside_quotes(&joined(headers, header::FORWARDED), ',')
        .into_iter()
        .map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| node_ip(unquote(value.trim())))
        })
        .collect()
}

/// Splits on `separator` except inside a quoted string, where RFC 7239 allows any character.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// An address, with or without a port: `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`. Anything else (`unknown`, `_hidden`) is `None`.
fn node_ip(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok.then(|| inside.parse().ok()).flatten();
    }
    let (host, port) = node.split_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(text: &str) -> bool {
    text.parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn proxies(text: &str) -> TrustedProxies {
        TrustedProxies::parse(text).unwrap()
    }

    #[test]
    fn mapped_entries_in_the_list_match_ipv4_peers() {
        let list = proxies("::ffff:10.0.0.0/104, ::ffff:192.0.2.9");
        assert!(list.contains(ip("10.1.2.3")) && list.contains(ip("192.0.2.9")));
        assert!(!list.contains(ip("11.0.0.1")));
    }

    #[test]
    fn lists_take_cidrs_and_bare_addresses_and_refuse_the_rest() {
        let list = proxies("10.0.0.0/8, 192.168.1.1  fd00::/8,::1");
        assert!(list.contains(ip("10.9.8.7")) && list.contains(ip("192.168.1.1")));
        assert!(list.contains(ip("fd12::1")) && list.contains(ip("::1")));
        assert!(!list.contains(ip("192.168.1.2")) && !list.contains(ip("11.0.0.1")));
        assert!(proxies("").is_empty() && proxies(" , ").is_empty());
        let err = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(err.contains("proxy.local"), "{err}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &h, &proxies("")),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("203.0.113.9"), &h, &proxies("10.0.0.0/8")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn forwarded_for_is_walked_from_the_right() {
        let trusted = proxies("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("198.51.100.7"));
        // Every instance counts, in order: the spoofed first line cannot hide the real hop.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "10.1.1.1, 10.2.2.2")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("10.1.1.1"), "all trusted");
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
    }

    #[test]
    fn unreadable_hops_end_the_walk_at_the_last_good_one() {
        let trusted = proxies("10.0.0.0/8");
        let peer = ip("10.0.0.1");
        let h = headers(&[("x-forwarded-for", "198.51.100.7, garbage, 10.0.0.3")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("10.0.0.3"));
        let h = headers(&[("x-forwarded-for", "198.51.100.7,")]);
        assert_eq!(client_ip(peer, &h, &trusted), peer);
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"198.51.100.\xff").unwrap(),
        );
        assert_eq!(client_ip(peer, &h, &trusted), peer);
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let h = headers(&[
            ("forwarded", "for=1.2.3.4"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        let peer = ip("10.0.0.1");
        let xff = proxies("10.0.0.0/8");
        assert_eq!(client_ip(peer, &h, &xff), ip("198.51.100.7"));
        let forwarded = proxies("10.0.0.0/8").reading(ForwardingHeader::Forwarded);
        assert_eq!(client_ip(peer, &h, &forwarded), ip("1.2.3.4"));
        assert_eq!(
            ForwardingHeader::parse("Forwarded"),
            Ok(ForwardingHeader::Forwarded)
        );
        assert!(ForwardingHeader::parse("x-real-ip").is_err());
    }

    #[test]
    fn forwarded_is_read_per_rfc_7239() {
        let trusted = proxies("10.0.0.0/8").reading(ForwardingHeader::Forwarded);
        let peer = ip("10.0.0.1");
        let h = headers(&[
            (
                "forwarded",
                r#"for=1.2.3.4, For="[2001:db8::1]:4711";proto=https"#,
            ),
            ("forwarded", "for=10.0.0.5;by=10.0.0.1"),
            ("x-forwarded-for", "203.0.113.1"),
        ]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("2001:db8::1"));
        let h = headers(&[("forwarded", r#"for="192.0.2.60:8080";by="a,b""#)]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("192.0.2.60"));
        for stop in ["for=unknown", "for=_hidden", r#"for="_x", for=10.0.0.9"#] {
            let h = headers(&[("forwarded", &format!("for=198.51.100.7, {stop}"))]);
            let expected = if stop.ends_with("10.0.0.9") {
                ip("10.0.0.9")
            } else {
                peer
            };
            assert_eq!(client_ip(peer, &h, &trusted), expected, "{stop}");
        }
        let h = headers(&[("forwarded", "proto=https")]);
        assert_eq!(client_ip(peer, &h, &trusted), peer, "no for= at all");
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_ipv4() {
        let trusted = proxies("127.0.0.1/32");
        let h = headers(&[("x-forwarded-for", "::ffff:198.51.100.7")]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &h, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("::ffff:203.0.113.9"), &h, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn nodes_may_carry_ports() {
        assert_eq!(node_ip("192.0.2.1:80"), Some(ip("192.0.2.1")));
        assert_eq!(node_ip("[2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(node_ip("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(node_ip("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(node_ip("[2001:db8::1]:x"), None);
        assert_eq!(node_ip("[192.0.2.1"), None);
        assert_eq!(node_ip("example.com:80"), None);
        assert_eq!(node_ip(""), None);
    }
}
