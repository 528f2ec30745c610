"""Django's admin looks for `admin` in each app; the configuration site is in `configuration/`.
Importing its modules registers every page: places and types, people, sign-ins, undos."""

from .configuration import (  # noqa: F401
    api_keys,
    desks,
    people,
    places,
    remedy_kinds,
    sign_ins,
    undos,
    webhooks,
)
