"""Where a `next` parameter may send someone: to a page of this site, and nowhere else.

A link that ends `?next=https://evil.example/` must not turn a trusted page into a step
towards someone else's site.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_on_this_site(request: HttpRequest, target: str | None) -> str | None:
    """`target` if it is a path on this site, else None."""
    if not target or not target.startswith("/"):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target
