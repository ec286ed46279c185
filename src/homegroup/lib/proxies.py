"""Which address a request comes from when trusted proxies stand in front of Homegroup.

Pure: no Django. A proxy appends the address it received the request from to
`X-Forwarded-For`; anyone can write anything to the left of that. So the list is read from the
right, past the proxies we trust, and the first address no trusted proxy vouches for is the
client. From anyone else the forwarded headers are ignored: the peer itself is the client.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses (`10.0.0.5`) or networks (`10.0.0.0/8`, `fd00::/8`); ValueError names a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ip_network(value, strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network") from None
    return tuple(networks)


def _address(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str, trusted: Iterable[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The client's address: `peer` (the socket's) unless trusted proxies forwarded the request."""
    trusted = tuple(trusted)
    if not forwarded_for or not is_trusted(peer, trusted):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        parsed = _address(hop)
        if parsed is None:
            # Not an address: whatever a trusted proxy wrote last is as far as we can see.
            return client
        client = str(parsed)
        if not is_trusted(client, trusted):
            return client
    return client
