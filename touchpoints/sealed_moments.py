"""Moments waiting on a shared tablet are sealed for the person who logged them.

The log screen seals each moment it queues (the browser's WebCrypto, AES-GCM) under a key
that only that person's pages are given, and labels it with an opaque author label. The
tablet's queue then holds nothing the next person can read: no booking code, no note, not
even whose it is. Whoever's page is online sends the sealed items as they are; this module
opens them here, and the moment is stored for the person whose key sealed it
(docs/security.md, "Nothing left on the tablet").

Both keys are derived from SECRET_KEY (and its fallbacks, so that a rotation does not
strand a waiting moment): nothing to store, nothing per person to manage.
"""

import base64
import binascii
import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from django.conf import settings
from django.http import QueryDict
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_lazy

from .models import User

PERSON_KEY_SALT = "moments.sealed_moments.person_key"
LABEL_KEY_SALT = "moments.sealed_moments.label_key"
LABEL_CONTEXT = b"moments: author of a sealed moment"
NONCE_BYTES = 12  # AES-GCM's standard nonce, made by the tablet for each moment


class Unreadable(Exception):
    """A sealed item the server cannot open as its author's; the message says why."""


def person_key(user: User) -> str:
    """The person's sealing key (AES-256), as their pages are given it."""
    return _b64(_person_keys(user.pk)[0])


def author_label(user: User) -> str:
    """The person's label on their sealed items: opaque, but the same on every page of theirs
    (AES-SIV is deterministic), so that a page can tell its own items from another's."""
    return _b64(_label_ciphers()[0].encrypt(str(user.pk).encode(), [LABEL_CONTEXT]))


def open_sealed(label: str, sealed: str) -> tuple[int, QueryDict]:
    """The author's id and the moment as the log screen would have posted it.

    Raises Unreadable for a label no key here made, or a seal that is not the labelled
    person's (a wrong key, or bytes changed since): such an item is never stored.
    """
    author_id = _author_id(label)
    try:
        sealed_bytes = _unb64(sealed)
    except ValueError:
        raise Unreadable(_NOT_THEIRS) from None
    nonce, ciphertext = sealed_bytes[:NONCE_BYTES], sealed_bytes[NONCE_BYTES:]
    for key in _person_keys(author_id):
        try:
            # The label is bound in: a seal moved under another person's label never opens.
            content = AESGCM(key).decrypt(nonce, ciphertext, label.encode())
            return author_id, QueryDict(json.loads(content)["body"])
        except (InvalidTag, ValueError):
            continue
        except (KeyError, TypeError):
            break
    raise Unreadable(_NOT_THEIRS)


_NOT_THEIRS = gettext_lazy(
    "It was not sealed with the key of the person it names, or it was changed on the way, "
    "so it was not stored."
)


def _author_id(label: str) -> int:
    try:
        label_bytes = _unb64(label)
    except ValueError:
        label_bytes = b""
    for cipher in _label_ciphers():
        try:
            return int(cipher.decrypt(label_bytes, [LABEL_CONTEXT]))
        except (InvalidTag, ValueError):
            continue
    raise Unreadable(gettext("It names no person this server knows, so it was not stored."))


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _person_keys(user_id: int) -> list[bytes]:
    return [
        salted_hmac(PERSON_KEY_SALT, f"person {user_id}", secret=s, algorithm="sha256").digest()
        for s in _secrets()
    ]


def _label_ciphers() -> list[AESSIV]:
    # AES-256-SIV takes a 64-byte key: SHA-512's digest.
    return [
        AESSIV(salted_hmac(LABEL_KEY_SALT, "labels", secret=s, algorithm="sha512").digest())
        for s in _secrets()
    ]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from None
