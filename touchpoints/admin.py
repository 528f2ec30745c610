"""Django's admin looks for `admin` in each app; the configuration site is in `configuration/`.
Importing its modules registers every page: places and types, people, sign-ins, undos."""

from .configuration import api_keys, desks, people, places, sign_ins, undos, webhooks  # noqa: F401
