//! Where a request comes from. The binary speaks plain HTTP, so an académie runs it behind a
//! reverse proxy; the client's address (and scheme) are then read from `Forwarded` or
//! `X-Forwarded-For` (`X-Forwarded-Proto`), but only when the peer is one of the
//! `trusted_proxies`: anybody else could write those headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

/// The reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Addresses or networks separated by commas or spaces (`127.0.0.1, 10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' ', '\t', '\n'])
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "trusted_proxies : « {item} » n'est ni une adresse IP ni un réseau CIDR"
                        )
                    })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that reached us from `peer`: the peer itself, or, when it is a
    /// trusted proxy, the last address of the forwarding chain that is not one.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer);
        let mut client = Client {
            ip: peer,
            https: None,
        };
        if !self.trusts(peer) {
            return client;
        }
        let chain = forwarded_for(headers);
        // From the nearest hop back: the first address no trusted proxy wrote is the client.
        for hop in chain.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => client.ip = *ip,
                Some(ip) => {
                    client.ip = *ip;
                    break;
                }
                // An address we cannot read (`unknown`, a hidden name): stop at the last known.
                None => break,
            }
        }
        client.https = forwarded_proto(headers).map(|p| p.eq_ignore_ascii_case("https"));
        client
    }
}

/// The client of a request, as far as we can tell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Client {
    pub ip: IpAddr,
    /// Whether the client reached the proxy over HTTPS, when a trusted proxy says so.
    pub https: Option<bool>,
}

/// `::ffff:192.0.2.1` is `192.0.2.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A node of `Forwarded: for=…` or `X-Forwarded-For`: `192.0.2.1`, `"[2001:db8::1]:443"`,
/// `192.0.2.1:5000`; `None` for `unknown` or an obfuscated name.
fn node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(canonical);
    }
    value.parse::<SocketAddr>().ok().map(|s| canonical(s.ip()))
}

/// The chain of clients and proxies, nearest last: `Forwarded` (RFC 7239) when present,
/// `X-Forwarded-For` otherwise.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| node(value))
                })
            })
            .collect();
    }
    values("x-forwarded-for").iter().map(|v| node(v)).collect()
}

fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    let nearest = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .map(str::to_owned)
    };
    nearest("forwarded")
        .and_then(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("proto")
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        })
        .or_else(|| nearest("x-forwarded-proto").map(|p| p.trim().to_owned()))
}

/// The client's address of this request (the audit trail, the sessions list, sign-in
/// throttling), read through the trusted proxies.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
        else {
            return Ok(Self(String::new()));
        };
        let proxies = parts.extensions.get::<Arc<TrustedProxies>>();
        let ip = proxies.map_or(canonical(peer), |p| p.client(peer, &parts.headers).ip);
        Ok(Self(ip.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = value.parse() {
                map.append(*name, value);
            }
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarding_headers_count_from_trusted_proxies_only() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1 ::1").unwrap_or_default();
        let forwarded = headers(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ]);
        // From the proxy: the client it names, and its scheme.
        let client = proxies.client(ip("10.1.2.3"), &forwarded);
        assert_eq!(client.ip, ip("198.51.100.7"));
        assert_eq!(client.https, Some(true));
        // From anybody else: the headers are ignored.
        let direct = proxies.client(ip("203.0.113.9"), &forwarded);
        assert_eq!(
            direct,
            Client {
                ip: ip("203.0.113.9"),
                https: None
            }
        );
        // A client cannot pretend to be another by starting the chain itself.
        let spoofed = headers(&[("x-forwarded-for", "192.0.2.66, 198.51.100.7")]);
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &spoofed).ip,
            ip("198.51.100.7")
        );
        // Several proxies: the first untrusted hop from the nearest one back.
        let chain = headers(&[
            ("x-forwarded-for", "198.51.100.7, 10.9.9.9"),
            ("x-forwarded-for", "10.8.8.8"),
        ]);
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &chain).ip,
            ip("198.51.100.7")
        );
        // RFC 7239, IPv6 with port, quoted; IPv4-mapped peers.
        let rfc = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\";proto=https",
        )]);
        let client = proxies.client(ip("::ffff:10.0.0.1"), &rfc);
        assert_eq!(client.ip, ip("2001:db8:cafe::17"));
        assert_eq!(client.https, Some(true));
        // Nothing readable: the proxy itself.
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &unknown).ip, ip("10.0.0.1"));
        assert_eq!(
            TrustedProxies::parse("").unwrap_or_default(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }
}
