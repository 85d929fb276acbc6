//! [`Server`]: where a client's calls go, read once from the channel's URI.

use std::sync::Arc;

use http::Uri;
use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute as semconv;

/// The server a call goes to: `server.address` and `server.port`, and, when the address
/// is an IP, `network.peer.address` and `network.peer.port`. Read once per target; a
/// clone copies no text.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    pub(super) address: StringValue,
    pub(super) port: Option<u16>,
    /// The address is an IP: it is the peer itself (see
    /// [`ip_literal`](otel_kit_core::__private::network::ip_literal)).
    is_ip: bool,
}

impl Server {
    /// The server of `uri`: the host of its authority (an IPv6 literal without
    /// brackets) and its port, else the scheme's default (443 for `https`, 80 for
    /// `http`). A URI without an authority is the address whole, without a port, as the
    /// conventions ask of a target no host can be read from; `None` when it is empty.
    pub(super) fn of(uri: &Uri) -> Option<Self> {
        let Some(authority) = uri.authority() else {
            let whole = uri.to_string();
            return (!whole.is_empty()).then(|| Server {
                address: StringValue::from(Arc::<str>::from(whole)),
                port: None,
                is_ip: false,
            });
        };
        let host = authority.host();
        let ip = otel_kit_core::__private::network::ip_literal(host);
        let host = ip.unwrap_or(host);
        let port = authority.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        Some(Server {
            address: StringValue::from(Arc::<str>::from(host)),
            port,
            is_ip: ip.is_some(),
        })
    }

    /// `server.address`, `server.port` and, for an IP, `network.peer.address` and
    /// `network.peer.port`: the span's.
    pub(super) fn span_attributes(&self, attributes: &mut Vec<KeyValue>) {
        attributes.push(KeyValue::new(semconv::SERVER_ADDRESS, self.address.clone()));
        if let Some(port) = self.port {
            attributes.push(KeyValue::new(semconv::SERVER_PORT, i64::from(port)));
        }
        if self.is_ip {
            attributes.push(KeyValue::new(semconv::NETWORK_PEER_ADDRESS, self.address.clone()));
            if let Some(port) = self.port {
                attributes.push(KeyValue::new(semconv::NETWORK_PEER_PORT, i64::from(port)));
            }
        }
    }
}
