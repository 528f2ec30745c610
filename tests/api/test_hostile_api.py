"""No input makes the API answer 5xx: hostile values in every query parameter and path of
every operation in the schema, in every field of a moment, and bodies that are not what
they claim. On PostgreSQL, where NUL bytes fail."""

import json

import pytest

from tests.api.conftest import moment_item
from tests.conftest import add_moment
from tests.hostile import HOSTILE, RAW_QUERY
from tests.shared_world import agent, org  # noqa: F401

# The airline is built once for the module (tests/shared_world.py), not for each of its
# fifteen tests; each test rolls back what its requests wrote.
pytestmark = pytest.mark.django_db

NASTY_VALUES = [*HOSTILE, None, True, -1, 10**30, 1.5, [], {}, [1, [2, [3]]], {"a": {"b": 1}}]
# The hostile values that reach a read: a NUL anywhere in a query is refused before any view.
READ_VALUES = [f"4{HOSTILE[0]}", "x" * 5000, HOSTILE[3], "-1", "99999999999999999999",
               "2026-13-45T25:61:61", "' OR 1=1 --"]  # fmt: skip
NASTY_BODIES = [
    b"",
    b"null",
    b"[]",
    b'"moments"',
    b"\xff\xfe\x00",
    b'{"moments": null}',
    b'{"moments": {}}',
    b'{"moments": [null, 1, "x", []]}',
    b'{"moments": [' + b"[" * 500 + b"]" * 500 + b"]}",
    b'{"moments": [], "extra": 1}',
    json.dumps({"moments": "\u0000"}).encode(),
]


def test_no_query_or_path_value_makes_a_read_fail(api, client, org, agent, postgres):
    schema = client.get("/api/v1/openapi.json").json()
    moment = add_moment(agent, org["desk"])
    failures = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        paths = [path.replace("{uuid}", value) for value in ["x" * 300, "-1", HOSTILE[3]]]
        paths = paths if "{uuid}" in path else [path]
        for url in [*paths, path.replace("{uuid}", str(moment.uuid))]:
            for name in names:
                for value in READ_VALUES:
                    response = api.get(url, {name: value})
                    if response.status_code >= 500:
                        failures.append((url, name, value[:20], response.status_code))
            if api.get(f"{url}?{RAW_QUERY}").status_code >= 500:
                failures.append((url, "raw", "", 500))

    assert failures == []


FIELDS = ["uuid", "touchpoint_type", "team", "staff", "channel", "outcome", "resolved_on_spot",
          "note", "customer_ref", "occurred_at", "extra", "invite"]  # fmt: skip


@pytest.mark.parametrize("field", FIELDS)
def test_no_field_value_makes_a_batch_fail(api, org, agent, postgres, field):
    failures = []
    for value in NASTY_VALUES:
        response = api.post("/api/v1/moments", {"moments": [moment_item(org, **{field: value})]})
        if response.status_code >= 500 or response.status_code == 201 and value in HOSTILE[:2]:
            failures.append((value if not isinstance(value, str) else value[:20], response))

    assert failures == []


def test_no_body_makes_a_batch_fail(api, org, agent, postgres):
    statuses = [api.post("/api/v1/moments", body).status_code for body in NASTY_BODIES]

    assert all(400 <= status < 500 for status in statuses), statuses


def test_extra_keys_and_values_are_checked(api, org, agent, postgres):
    for extra in [{"\u0000": "x"}, {"a" * 5000: "x"}, {"flight": "\u0000"}, {"x": 10**30}]:
        response = api.post("/api/v1/moments", {"moments": [moment_item(org, extra=extra)]})

        assert response.status_code < 500, extra
