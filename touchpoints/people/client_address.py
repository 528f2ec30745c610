"""Who is calling, as an address: what the public pages and sign-in throttling count by."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address; IPv6 callers by their /64, which one household or phone owns.

    Behind proxies, TRUSTED_PROXIES (N) says how many proxies of ours each append one
    X-Forwarded-For entry: the N-th from the right is what our outermost proxy saw, the
    caller. Entries further left came from the caller and are ignored (anyone can send
    them); with fewer than N entries the request did not pass all our proxies, and
    REMOTE_ADDR is used.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_ip(request: HttpRequest) -> str | None:
    """The same address as one storable IP (a /64 by its first address), None if unknown."""
    address = client_address(request)
    if address == "unknown":
        return None
    return address.partition("/")[0]
