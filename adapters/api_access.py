"""Who is using the editors' API: editors by their bearer tokens, anonymous readers by their client address.

The API part of the configuration, read by ``adapters.config``, and kept apart
from ``adapters.http_api`` so reading the configuration never loads aiohttp.

An anonymous reader is known by the address the connection came from. Behind a
reverse proxy every connection comes from the proxy, so the proxy's addresses
are listed as trusted (``BRIEFBOT_TRUSTED_PROXIES``) and, only for connections
from them, ``X-Forwarded-For`` is read from the right: each trusted proxy
appended the address it was connected from, and the first address not a
trusted proxy is the client. Whatever a client wrote further left is ignored,
since anyone can send the header.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

__all__ = ["IPV6_CLIENT_PREFIX", "ApiSettings", "Network"]

Network = IPv4Network | IPv6Network

IPV6_CLIENT_PREFIX = 64
"""An IPv6 client is known by its /64 network: one home or phone is given a whole /64, and could otherwise
ask from a fresh address every time."""


@dataclass(frozen=True)
class ApiSettings:
    """Who may use the API: editors' tokens (token to name), whether reads need a token, and trusted proxies."""

    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    open_reads: bool = False
    trusted_proxies: tuple[Network, ...] = ()
    """Reverse proxies whose ``X-Forwarded-For`` is believed."""

    def editor_for(self, authorization: str | None) -> str | None:
        """The editor a ``Bearer`` token belongs to, compared in constant time against every token, or None."""
        scheme, _, offered = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not offered.strip():
            return None
        found = None
        for token, name in self.tokens.items():
            if hmac.compare_digest(token.encode(), offered.strip().encode()):
                found = name
        return found

    def client(self, peer: str | None, forwarded_for: Iterable[str] = ()) -> str:
        """The client a request came from, as ``peer`` (the connection's address) and its ``X-Forwarded-For``
        headers tell it: an IPv4 address, an IPv6 /64 network, or ``unknown``."""
        address = _address(peer)
        if address is None:
            return "unknown"
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
        while self._trusted(address) and hops:
            previous = _address(hops.pop())
            if previous is None:
                break  # a trusted proxy would not write this: keep the last address known to be real
            address = previous
        if isinstance(address, IPv6Address):
            return str(ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
        return str(address)

    def _trusted(self, address: IPv4Address | IPv6Address) -> bool:
        return any(address in network for network in self.trusted_proxies)


def _address(text: str | None) -> IPv4Address | IPv6Address | None:
    """An address as a connection or a proxy gives it (with or without a port); IPv4 seen over IPv6 is IPv4."""
    text = (text or "").strip()
    if text.startswith("["):  # [2001:db8::1] or [2001:db8::1]:443
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.9:443
        text = text.partition(":")[0]
    try:
        address = ip_address(text.partition("%")[0])  # without an IPv6 zone such as %eth0
    except ValueError:
        return None
    mapped = address.ipv4_mapped if isinstance(address, IPv6Address) else None
    return mapped or address
