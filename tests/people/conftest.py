import re

import pytest
from django.core.cache import cache

from tests.people.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from touchpoints.people.group_roles import parse_group_roles


@pytest.fixture(autouse=True)
def _no_reset_emails_counted():
    """The per-person count of reset emails lives in the cache; each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


def link_in(message) -> str:
    """The path of the one link in an email."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


GROUP_ROLES = (
    "moments-admins=admin,"
    "moments-managers-ARN=manager:ARN,"
    "moments-agents-ARN=frontline:ARN/Check-in desk,"
    "moments-agents-JFK=frontline:JFK/Check-in desk"
)


def configure(settings, discovery_url: str) -> None:
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Example Air"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = discovery_url.split("/.well-known")[0]
    settings.OIDC_DISCOVERY_URL = discovery_url
    settings.OIDC_GROUP_ROLES = parse_group_roles(GROUP_ROLES)


@pytest.fixture
def provider(settings, org):
    with Provider() as started:
        configure(settings, f"{started.url}/.well-known/openid-configuration")
        yield started
