"""The airline's name and logo at the top of the customer's page, set by an admin.

The logo is stored in the database with its type and a SHA-256 digest: every web container
serves the same bytes on SQLite or PostgreSQL, with no shared disk. Its URL carries the
digest, so a browser keeps it for a year and asks again only when it changes; the view
answers a conditional request with 304 from the digest alone.

Uploads are checked by their bytes, not their name: a PNG, WebP or SVG of at most
`MAX_LOGO_BYTES`. An SVG may draw only: no script, no event handler, no embedded HTML, no
reference outside itself and no DTD (entities can expand a small file into a huge one). It
is shown through <img>, where no script runs anyway, and served under a policy that
forbids everything should anyone open it on its own.
"""

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import FeedbackSettings

MAX_LOGO_BYTES = 200 * 1024
PNG, WEBP, SVG = "image/png", "image/webp", "image/svg+xml"
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
FORBIDDEN_SVG_TAGS = {"script", "foreignObject", "iframe", "embed", "object"}
# A link may point inside the drawing (#id) or at inline data, never elsewhere.
OUTSIDE_LINK = re.compile(r"^\s*(?!#|data:image/)", re.IGNORECASE)


def logo_type(data: bytes) -> str:
    """The logo's content type from its bytes; ValidationError with the reason otherwise."""
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > MAX_LOGO_BYTES:
        raise too_big(len(data))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if b"<svg" in data[:4096]:
        _check_svg(data)
        return SVG
    raise ValidationError(_("Upload a PNG, WebP or SVG image."), code="type")


def too_big(size: int) -> ValidationError:
    return ValidationError(
        _("The logo is %(size)s KB; it can be at most %(limit)s KB.")
        % {"size": -(-size // 1024), "limit": MAX_LOGO_BYTES // 1024},
        code="too_big",
    )


def _check_svg(data: bytes) -> None:
    unsafe = ValidationError(
        _("This SVG holds more than a drawing (a script, a link outside it or a DTD)."),
        code="unsafe",
    )
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise unsafe
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise ValidationError(_("This SVG cannot be read."), code="unreadable") from None
    if root.tag != f"{SVG_NAMESPACE}svg":
        raise ValidationError(_("Upload a PNG, WebP or SVG image."), code="type")
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in FORBIDDEN_SVG_TAGS:
            raise unsafe
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local == "href" and OUTSIDE_LINK.match(value)):
                raise unsafe
            if "url(" in value.lower() and "url(#" not in value.lower().replace(" ", ""):
                raise unsafe


def set_logo(settings_row: FeedbackSettings, data: bytes | None) -> None:
    """Put `data` (already checked by `logo_type`) on the settings, or take the logo away."""
    settings_row.logo = data or b""
    settings_row.logo_type = logo_type(data) if data else ""
    settings_row.logo_digest = hashlib.sha256(data).hexdigest() if data else ""


@dataclass(frozen=True)
class Airline:
    name: str
    logo_url: str


def airline() -> Airline:
    """The name in the active language (English when it has none) and the logo's address."""
    current = FeedbackSettings.current()
    url = ""
    if current.logo_digest:
        url = reverse("feedback:logo", args=[current.logo_digest[:16]])
    return Airline(current.airline_name or "", url)


def current_digest() -> str:
    """The logo's digest, "" without one: a small query, without the bytes."""
    rows = FeedbackSettings.objects.filter(pk=1).values_list("logo_digest", flat=True)
    return rows.first() or ""


# The bytes of the current logo in this process, by digest: each web container reads them
# from the database once per logo, and a new digest replaces them.
_LOGOS: dict[str, tuple[bytes, str]] = {}


def logo_bytes(digest: str) -> tuple[bytes, str] | None:
    """The bytes and content type of the logo with `digest`; None when it is not current."""
    if digest not in _LOGOS:
        row = (
            FeedbackSettings.objects.filter(pk=1, logo_digest=digest)
            .values_list("logo", "logo_type")
            .first()
        )
        if row is None:
            return None
        _LOGOS.clear()
        _LOGOS[digest] = (bytes(row[0]), row[1])
    return _LOGOS[digest]
