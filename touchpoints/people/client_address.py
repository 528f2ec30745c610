"""Who is calling, as an address: what the public pages and sign-in throttling count by."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The caller's address; IPv6 callers by their /64, which one household or phone owns.

    Behind proxies, FEEDBACK_TRUSTED_PROXIES says how many X-Forwarded-For entries, counted
    from the right, were added by our own proxies: only the one before those is believed.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.FEEDBACK_TRUSTED_PROXIES
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
