"""An API key for ARN that may read and write, and a client that sends it."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from touchpoints.api_keys import create_key


class ApiClient:
    """The Django test client with a bearer key and JSON bodies."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(path, params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body, **headers):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, default=str)
        return self.client.post(
            path, data, content_type="application/json", headers={**self.headers, **headers}
        )


@pytest.fixture
def arn_key(org):
    key, plain = create_key("Contact centre", [org["arn"]], read=True, write=True)
    return key, plain


@pytest.fixture
def api(arn_key) -> ApiClient:
    return ApiClient(arn_key[1])


def moment_item(org, staff="anna", **overrides) -> dict:
    """One moment as a contact centre sends it."""
    item = {
        "uuid": str(uuid.uuid4()),
        "touchpoint_type": org["desk"].pk,
        "team": org["arn_desk"].pk,
        "staff": staff,
        "channel": "phone",
        "outcome": 4,
        "resolved_on_spot": True,
        "note": "Rebooked onto the next flight",
        "customer_ref": "",
        "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
    }
    item.update(overrides)
    return item
