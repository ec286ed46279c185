"""The client's address behind trusted proxies (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.lib.proxies import client_address, is_trusted, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "192.0.2.7", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # Straight to Homegroup, no proxy: the socket's address, whatever the header says.
        ("203.0.113.9", None, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # One trusted proxy: the address it appended.
        ("192.0.2.7", "198.51.100.1", "198.51.100.1"),
        # A visitor's forged entry sits left of what the proxy appended and is never read.
        ("192.0.2.7", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        # Two trusted hops (a load balancer, then a local proxy).
        ("10.1.2.3", "198.51.100.1, 10.9.9.9", "198.51.100.1"),
        ("fd00::1", "2001:db8::5", "2001:db8::5"),
        # Junk where an address should be: the last address a trusted proxy wrote.
        ("192.0.2.7", "not-an-address", "192.0.2.7"),
        ("10.1.2.3", "junk, 10.9.9.9", "10.9.9.9"),
        # Every hop trusted: the leftmost.
        ("10.1.2.3", "10.4.4.4", "10.4.4.4"),
    ],
)
def test_the_client_is_the_first_address_no_trusted_proxy_vouches_for(peer, forwarded_for, client):
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_addresses_and_networks_of_both_families_are_understood():
    assert is_trusted("10.200.1.1", PROXIES)
    assert is_trusted("192.0.2.7", PROXIES)
    assert not is_trusted("192.0.2.8", PROXIES)
    assert is_trusted("fd12::9", PROXIES)
    assert not is_trusted("", PROXIES)


def test_a_bad_entry_is_named():
    with pytest.raises(ValueError, match=r"'10\.0\.0\.300' is not an IP address or network"):
        parse_networks(["10.0.0.1", "10.0.0.300"])


@given(
    forged=st.lists(st.ip_addresses(v=4).map(str), max_size=4),
    peer=st.ip_addresses(v=4).filter(lambda a: not is_trusted(str(a), PROXIES)).map(str),
)
def test_an_untrusted_peer_is_its_own_client_whatever_it_forwards(forged, peer):
    assert client_address(peer, ", ".join(forged), PROXIES) == peer
