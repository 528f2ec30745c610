import pytest

from tests.webhooks.receiver import Receiver
from touchpoints.webhooks import WebhookEndpoint


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receivers listen on 127.0.0.1
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def endpoint_for(receiver, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=receiver.url, **fields)
