//! Which address a citizen-page request comes from, for the rate limiter. Behind a reverse proxy
//! every request has the proxy's address, so one busy proxy would exhaust one bucket for the whole
//! county; but `X-Forwarded-For` is written by whoever sends the request, so believing it from
//! anyone would let a guesser pick a fresh address for every try.
//!
//! The rule: only when the peer is a configured trusted proxy, walk `X-Forwarded-For` from the
//! right (each proxy appends the address it saw), skip the trusted hops, and take the first
//! address that is not trusted. Anything left of it was written by the client and is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

use crate::config::{canonical_ip, ProxyNet};

fn trusted(ip: IpAddr, proxies: &[ProxyNet]) -> bool {
    proxies.iter().any(|p| p.contains(ip))
}

/// One `X-Forwarded-For` element: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:80`), as some proxies write it.
fn hop(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .map(canonical_ip)
}

/// The client address to key the limiter on.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[ProxyNet]) -> IpAddr {
    let peer = canonical_ip(peer);
    if !trusted(peer, proxies) {
        return peer;
    }
    // Several header lines form one list, in order (RFC 9110 §5.3).
    let list: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut nearest = peer;
    for raw in list.iter().rev() {
        match hop(raw) {
            Some(ip) if trusted(ip, proxies) => nearest = ip,
            Some(ip) => return ip,
            // A trusted proxy wrote something that is no address: stop at the last hop we could
            // read rather than believe anything further left.
            None => return nearest,
        }
    }
    // Every hop is a trusted proxy (an internal client): the left-most is the origin.
    nearest
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> Vec<ProxyNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn xff(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", HeaderValue::from_str(l).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = xff(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("198.51.100.7"), &h, &proxies(&["10.0.0.0/8"])),
            ip("198.51.100.7")
        );
        // No proxies configured: the header is never read (the old behaviour).
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let p = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        // The client forged the left-most entry; the proxies appended the real hops.
        let h = xff(&["6.6.6.6, 203.0.113.9, 10.1.1.1"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &p), ip("203.0.113.9"));
        // The same list spread over two header lines.
        let h = xff(&["6.6.6.6", "203.0.113.9 , 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &p), ip("203.0.113.9"));
        // Ports and IPv6 as some proxies write them.
        let h = xff(&["[2001:db8::5]:4711, 10.1.1.1:80"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &p), ip("2001:db8::5"));
        // A dual-stack listener reports the proxy as IPv4-mapped IPv6.
        let h = xff(&["203.0.113.9"]);
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &h, &p), ip("203.0.113.9"));
    }

    #[test]
    fn no_header_garbage_and_all_trusted_fall_back_to_the_nearest_readable_hop() {
        let p = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &p),
            ip("10.0.0.2")
        );
        let h = xff(&["203.0.113.9, not-an-ip, 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &p), ip("10.1.1.1"));
        let h = xff(&["10.9.9.9, 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &p), ip("10.9.9.9"));
    }
}
