"""Desk PINs: the 4-6 digits a person types on a shared tablet after tapping their name.

A PIN is hashed like a password, with fewer rounds than one: it is checked on every switch of
person at a busy desk (docs/performance.md, desk sign-in under 300 ms), and what guards it
is the lock after five wrong tries (desk_sign_in), not the hash's cost. Its keyed fingerprint
lets a new PIN be compared with everyone's at the location in one query.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..models import User

PIN_LENGTHS = range(4, 7)
# The 20 most common four-digit PINs (DataGenetics' study of 3.4 million PINs, 2012).
COMMON_PINS = frozenset(
    ["1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969"]
    + ["9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010"]
)


class PinHasher(PBKDF2PasswordHasher):
    # 20,000, not 60,000: a 4-6 digit PIN has at most a million values, so against a stolen
    # table no count a busy desk can afford makes it safe (that is the keyed fingerprint's and
    # the database's job), while a sign-in and a switch each pay for one check
    # (bench/desk_sign_in.py: 60,000 put the pair's p95 over 300 ms on a busy 2-core machine).
    algorithm = "pbkdf2_sha256_pin"
    iterations = 20_000


def _is_guessable(pin: str) -> bool:
    """One of the common PINs, one digit repeated, or a straight run up or down (123456)."""
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return pin in COMMON_PINS or steps in ({0}, {1}, {-1})


def fingerprint(pin: str) -> str:
    return salted_hmac("moments.desk-pin", pin, algorithm="sha256").hexdigest()


def validate_new_pin(person: User, pin: str) -> None:
    """Refuse, with the reason, a PIN of the wrong shape, an easily guessed one, or one that
    another person at the same location already uses."""
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise ValidationError(_("A PIN is 4 to 6 digits."), code="pin_shape")
    if _is_guessable(pin):
        raise ValidationError(
            _("That PIN is one of the first anyone would try. Choose another."), code="pin_common"
        )
    location = person.team.location_id if person.team_id else None
    if location is not None:
        taken = (
            User.objects.filter(team__location=location, pin_fingerprint=fingerprint(pin))
            .exclude(pk=person.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                _("Someone at your location already uses that PIN. Choose another."),
                code="pin_taken",
            )


def set_pin(person: User, pin: str) -> None:
    """Validate and store `pin` for `person` (saved)."""
    validate_new_pin(person, pin)
    person.pin = PinHasher().encode(pin, PinHasher().salt())
    person.pin_fingerprint = fingerprint(pin)
    person.save(update_fields=["pin", "pin_fingerprint"])


def check_pin(person: User, pin: str) -> bool:
    """Whether `pin` is this person's PIN; a person without one matches nothing."""
    if not person.pin or not pin:
        # Hash anyway, so that a person without a PIN takes as long to refuse.
        PinHasher().encode(pin or "0000", "x" * 22)
        return False
    return PinHasher().verify(pin, person.pin)


def clear_pin(person: User) -> None:
    """Forget `person`'s PIN: they sign in with their password until they set a new one."""
    person.pin = person.pin_fingerprint = ""
    person.save(update_fields=["pin", "pin_fingerprint"])
