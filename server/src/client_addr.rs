//! Who the client is, by address: the socket's peer, or, when that peer is a proxy the settings
//! trust (`TIANLIAN_TRUSTED_PROXIES`), the address the proxy forwarded. Nobody else's
//! `X-Forwarded-For` or `Forwarded` header is believed, so a client cannot pick its own bucket.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// Which header the trusted proxies write the client's address into. Only that one is read: a
/// proxy passes the other through from the client untouched, so believing both would let a
/// client name its own address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=…` (RFC 7239).
    Forwarded,
}

/// The proxies whose forwarding header is believed (none by default), and which header.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    pub nets: Vec<IpNet>,
    pub header: ForwardedHeader,
}

impl TrustedProxies {
    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.nets.iter().any(|net| net.contains(&addr))
    }
}

/// Parses one entry of `TIANLIAN_TRUSTED_PROXIES`: an address (`127.0.0.1`) or a network
/// (`10.0.0.0/8`).
///
/// # Errors
/// Neither an address nor a network.
pub fn parse_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is neither an IP address nor a network such as 10.0.0.0/8"))
}

/// An IPv4 address that arrived mapped into IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the peer's own, unless the peer is a trusted proxy; then the nearest
/// address in the chain of the configured header that is not itself a trusted proxy (read from
/// the right, since only the entries our proxies appended can be believed).
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.trusts(peer) {
        return peer;
    }
    let chain = match trusted.header {
        ForwardedHeader::XForwardedFor => x_forwarded_for(headers),
        ForwardedHeader::Forwarded => forwarded_for(headers),
    };
    let mut client = peer;
    for hop in chain.into_iter().rev() {
        let Some(addr) = hop else {
            // An entry that is not an address (`unknown`, a name): nothing further is believed.
            break;
        };
        client = canonical(addr);
        if !trusted.trusts(client) {
            break;
        }
    }
    client
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

/// `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"` (RFC 7239).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(v.trim().trim_matches('"')))
            })
        })
        .collect()
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:567`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_node(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            s.strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .and_then(|(ip, _)| ip.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn with(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    fn trusting(nets: &[&str], header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies {
            nets: nets
                .iter()
                .map(|n| parse_proxy(n).expect("proxy"))
                .collect(),
            header,
        }
    }

    fn local_proxy() -> TrustedProxies {
        trusting(&["127.0.0.1"], ForwardedHeader::XForwardedFor)
    }

    #[test]
    fn without_trusted_proxies_the_forwarding_headers_are_ignored() {
        let h = with("x-forwarded-for", "203.0.113.7");
        assert_eq!(
            client_addr(ip("127.0.0.1"), &h, &TrustedProxies::default()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() {
        let h = with("x-forwarded-for", "203.0.113.7");
        assert_eq!(
            client_addr(ip("127.0.0.1"), &h, &local_proxy()),
            ip("203.0.113.7")
        );
        // A client that writes its own header cannot hide behind it: the proxy appended the
        // real address last.
        let h = with("x-forwarded-for", "198.51.100.1, 203.0.113.7");
        assert_eq!(
            client_addr(ip("127.0.0.1"), &h, &local_proxy()),
            ip("203.0.113.7")
        );
        // A peer that is not a trusted proxy is the client, whatever it claims.
        assert_eq!(
            client_addr(ip("198.51.100.9"), &h, &local_proxy()),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn chains_of_trusted_proxies_and_the_forwarded_header_are_followed() {
        let trusted = trusting(&["127.0.0.1", "10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let h = with("x-forwarded-for", "203.0.113.7, 10.1.2.3");
        assert_eq!(
            client_addr(ip("127.0.0.1"), &h, &trusted),
            ip("203.0.113.7")
        );
        let rfc = trusting(&["127.0.0.1", "10.0.0.0/8"], ForwardedHeader::Forwarded);
        let h = with(
            "forwarded",
            "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.5",
        );
        assert_eq!(client_addr(ip("127.0.0.1"), &h, &rfc), ip("2001:db8::1"));
        let h = with("x-forwarded-for", "unknown");
        assert_eq!(client_addr(ip("127.0.0.1"), &h, &trusted), ip("127.0.0.1"));
        assert_eq!(
            client_addr(
                ip("::ffff:127.0.0.1"),
                &with("x-forwarded-for", "203.0.113.7"),
                &trusted
            ),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn only_the_header_the_proxy_writes_is_believed() {
        // nginx appends to X-Forwarded-For and passes a client's own `Forwarded` through.
        let mut h = with("x-forwarded-for", "203.0.113.7");
        h.insert("forwarded", HeaderValue::from_static("for=198.51.100.99"));
        assert_eq!(
            client_addr(ip("127.0.0.1"), &h, &local_proxy()),
            ip("203.0.113.7")
        );
        let rfc = trusting(&["127.0.0.1"], ForwardedHeader::Forwarded);
        let h = with("x-forwarded-for", "198.51.100.99");
        assert_eq!(client_addr(ip("127.0.0.1"), &h, &rfc), ip("127.0.0.1"));
    }

    #[test]
    fn a_bad_proxy_setting_is_named() {
        assert!(parse_proxy("10.0.0.0/8").is_ok());
        assert!(parse_proxy(" ::1 ").is_ok());
        assert!(parse_proxy("nginx").is_err_and(|e| e.contains("nginx")));
    }
}
