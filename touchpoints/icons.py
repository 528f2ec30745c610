"""The icons a touchpoint type can wear, and the one sprite that draws them.

Icons are drawings from Lucide (ISC licence, static/icons/LICENSE), not emoji: emoji show
as empty boxes on a browser without a colour-emoji font and look different on every device.
Every name here is a `<symbol>` in the sprite; a page draws one with `{% icon name %}`
(touchpoints/templatetags/icons.py), and the browser fetches the sprite once and caches it.
"""

import functools

from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LUCIDE_VERSION = "1.87.0"
SPRITE = f"icons/lucide-{LUCIDE_VERSION}.svg"

DEFAULT_ICON = "circle-dot"

# What an admin may choose for a touchpoint type, in the order the picker shows them.
CHOICES = [
    ("plane", _("Plane")),
    ("plane-takeoff", _("Take-off")),
    ("plane-landing", _("Landing")),
    ("luggage", _("Luggage")),
    ("baggage-claim", _("Baggage claim")),
    ("briefcase", _("Briefcase")),
    ("backpack", _("Backpack")),
    ("tag", _("Tag")),
    ("package", _("Package")),
    ("id-card", _("ID card")),
    ("book-user", _("Passport")),
    ("stamp", _("Stamp")),
    ("ticket", _("Ticket")),
    ("tickets-plane", _("Boarding pass")),
    ("qr-code", _("QR code")),
    ("scan-line", _("Scan")),
    ("calendar", _("Calendar")),
    ("calendar-clock", _("Rebooking")),
    ("clock", _("Clock")),
    ("timer", _("Timer")),
    ("hourglass", _("Waiting")),
    ("phone", _("Phone")),
    ("phone-call", _("Phone call")),
    ("headset", _("Headset")),
    ("message-circle", _("Chat")),
    ("mail", _("Email")),
    ("monitor", _("Kiosk")),
    ("tablet-smartphone", _("Devices")),
    ("smartphone", _("Smartphone")),
    ("wifi", _("Wi-Fi")),
    ("search", _("Search")),
    ("shield-check", _("Security")),
    ("door-open", _("Gate")),
    ("route", _("Route")),
    ("map-pin", _("Place")),
    ("globe", _("World")),
    ("sofa", _("Lounge")),
    ("armchair", _("Seat")),
    ("bed", _("Hotel")),
    ("coffee", _("Coffee")),
    ("utensils", _("Meal")),
    ("wine", _("Drinks")),
    ("shopping-bag", _("Shopping")),
    ("gift", _("Gift")),
    ("credit-card", _("Payment")),
    ("wallet", _("Wallet")),
    ("banknote", _("Refund")),
    ("receipt", _("Receipt")),
    ("file-text", _("Document")),
    ("clipboard-list", _("Checklist")),
    ("car", _("Car")),
    ("bus", _("Bus")),
    ("train-front", _("Train")),
    ("accessibility", _("Assistance")),
    ("baby", _("Family")),
    ("dog", _("Pets")),
    ("heart-pulse", _("Medical")),
    ("users", _("Group")),
    ("user", _("Person")),
    ("star", _("Star")),
    ("crown", _("Premium")),
    ("hand-helping", _("Help")),
    ("handshake", _("Welcome")),
    ("megaphone", _("Announcement")),
    ("info", _("Information")),
    ("circle-help", _("Question")),
    ("circle-alert", _("Problem")),
    ("languages", _("Languages")),
    (DEFAULT_ICON, _("Other")),
]
NAMES = frozenset(name for name, _label in CHOICES)

# Drawn by the screens themselves, never offered for a type.
SCREEN_ICONS = ["lock", "x", "chevron-down"]


def validate_icon(name: str) -> None:
    if name not in NAMES:
        raise ValidationError(
            _("“%(name)s” is not one of the icons offered."), params={"name": name}
        )


def sprite_url() -> str:
    return static(SPRITE)


def icon_html(name: str, css_class: str = "icon") -> SafeString:
    """An inline <svg> that draws `name` from the cached sprite; a name the set no longer
    has draws the default rather than nothing. Decorative: the text beside it says what it is."""
    if name not in NAMES and name not in SCREEN_ICONS:
        name = DEFAULT_ICON
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class,
        sprite_url(),
        name,
    )


def picker_choices() -> list[tuple[str, SafeString]]:
    """The icons offered, each labelled with its drawing and its name (for the admin's picker)."""
    return list(_picker_choices(get_language()))


@functools.cache
def _picker_choices(language: str | None) -> tuple[tuple[str, SafeString], ...]:
    # Built once per language (the names are in it): each form asked for the 70 anew, a
    # fifteenth of the type page's time.
    return tuple(
        (name, format_html("{}<span>{}</span>", icon_html(name), label)) for name, label in CHOICES
    )
