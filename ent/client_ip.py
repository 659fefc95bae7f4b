"""The client's address, as the login limits count it.

Behind a reverse proxy every request arrives from the proxy: the client's address is in
``X-Forwarded-For``, a header any client can also write. It is read only when the request comes
from a proxy named in ``ENT_TRUSTED_PROXIES``, and only back to the first address that is not
one of them: whatever a client wrote before reaching our proxies is ignored.
"""

import ipaddress

from django.conf import settings


def address_parse(text):
    """An ``ip_address``, IPv4-mapped IPv6 (« ::ffff:10.0.0.1 ») as IPv4; ``None`` if not one."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks):
    return any(address in network for network in networks)


def client_ip(request):
    """The address of whoever sent ``request``, as text."""
    remote_text = request.META.get("REMOTE_ADDR", "")
    remote = address_parse(remote_text)
    networks = settings.ENT_TRUSTED_PROXIES
    if remote is None:
        return remote_text
    if not networks or not _trusted(remote, networks):
        return str(remote)
    address = remote
    # Several headers arrive joined by commas; the proxy nearest to us appends last.
    for item in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop = address_parse(item)
        if hop is None:
            break
        address = hop
        if not _trusted(hop, networks):
            break
    return str(address)


def client_network(request):
    """The address the limits count: an IPv6 client is its /64, which one household or
    establishment holds whole (as allauth's limits do)."""
    text = client_ip(request)
    address = address_parse(text)
    if address is None or address.version == 4:
        return text
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
