import re

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_reset_emails_counted():
    """The per-person count of reset emails lives in the cache; each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


def link_in(message) -> str:
    """The path of the one link in an email."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
