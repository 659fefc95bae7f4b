"""The client's address: X-Forwarded-For only from the proxies ENT_TRUSTED_PROXIES names."""

import ipaddress

import pytest
from django.test import RequestFactory

from ent.client_ip import client_ip, client_network


def request(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def proxies(settings):
    settings.ENT_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8"),
                                    ipaddress.ip_network("2001:db8:ffff::1")]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.ENT_TRUSTED_PROXIES = []
    assert client_ip(request("10.0.0.5", "203.0.113.9")) == "10.0.0.5"


def test_a_trusted_proxy_gives_the_address_it_saw(proxies):
    assert client_ip(request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_what_the_client_wrote_before_our_proxies_is_ignored(proxies):
    # The client sent « 1.2.3.4 » itself; our proxy appended the address it saw.
    assert client_ip(request("10.0.0.5", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    # Two of our proxies in a row: the first address that is not one of them.
    assert client_ip(request("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"


def test_a_request_not_from_a_proxy_keeps_its_own_address(proxies):
    assert client_ip(request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_garbage_in_the_header_stops_the_walk(proxies):
    assert client_ip(request("10.0.0.5", "203.0.113.9, not-an-address")) == "10.0.0.5"
    assert client_ip(request("10.0.0.5", "")) == "10.0.0.5"


def test_ipv6_and_mapped_addresses(proxies):
    assert client_ip(request("::ffff:10.0.0.5", "2001:db8:1:2::99")) == "2001:db8:1:2::99"
    assert client_ip(request("2001:db8:ffff::1", "203.0.113.9")) == "203.0.113.9"
    # An IPv6 client counts as its /64: one home or one establishment.
    assert client_network(request("2001:db8:1:2::99")) == "2001:db8:1:2::"
    assert client_network(request("203.0.113.9")) == "203.0.113.9"
