"""Which webhook addresses Moments may call: https on public addresses only.

A receiver's address is typed by an admin, so a mistyped or malicious one could make the
server call its own network (the database, the metadata service of a cloud). Unless
settings.WEBHOOK_ALLOW_PRIVATE_URLS is on (a test or a receiver inside the company's own
network), the address must be https and every address its name resolves to must be public.
Checked when the endpoint is saved and again before each attempt, since names move.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(ValueError):
    pass


def check_address(url: str) -> None:
    """Raise AddressRefused, with a reason in English, for an address Moments must not call."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("Give a full address, starting https://.")
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        return
    if parts.scheme != "https":
        raise AddressRefused("Only https addresses can receive webhooks.")
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"{parts.hostname} does not resolve to an address.") from None
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused(f"{parts.hostname} is a private or reserved address ({address}).")
