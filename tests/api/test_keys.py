"""API keys: made on the configuration site or by command, shown once, scoped, revocable,
rate limited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.api.conftest import ApiClient
from touchpoints.api_keys import ApiKey, create_key, hash_key
from touchpoints.models import AuditEntry


def test_an_admin_creates_a_key_and_sees_it_once(client, role_admin, org):
    client.force_login(role_admin)

    response = client.post(
        "/admin/touchpoints/apikey/add/",
        {"name": "Contact centre", "locations": [org["arn"].pk], "can_write": "on", "active": "on"},
    )

    key = ApiKey.objects.get()
    plain = response.context["plain"]
    assert plain in response.content.decode()
    assert key.key_hash == hash_key(plain) and plain not in str(ApiKey.objects.values().get())
    assert (key.can_read, key.can_write, key.created_by) == (False, True, role_admin)
    listed = client.get("/admin/touchpoints/apikey/").content.decode()
    assert key.prefix in listed and plain not in listed
    assert AuditEntry.objects.filter(object_repr="Contact centre", action="created").exists()


def test_the_command_prints_a_new_key_once(org):
    out = StringIO()

    call_command("create_api_key", "BI tool", locations="ARN,JFK", scopes="read", stdout=out)

    plain = out.getvalue().strip()
    key = ApiKey.objects.get(key_hash=hash_key(plain))
    assert key.name == "BI tool" and key.scopes == ["read"]
    assert set(key.locations.values_list("code", flat=True)) == {"ARN", "JFK"}


@pytest.mark.parametrize(
    "options",
    [{"locations": "XXX", "scopes": "read"}, {"locations": "ARN", "scopes": "admin"}],
)
def test_the_command_refuses_unknown_locations_and_scopes(org, options):
    with pytest.raises(CommandError):
        call_command("create_api_key", "Bad", **options, stdout=StringIO())


def test_a_revoked_key_gets_401(api, arn_key):
    key, _plain = arn_key
    key.active = False
    key.save()

    response = api.get("/api/v1/locations")

    assert response.status_code == 401


def test_an_unknown_key_gets_401(db, org):
    response = ApiClient("mom_not-a-key").get("/api/v1/locations")

    assert response.status_code == 401


def test_a_call_shows_when_the_key_was_last_used(api, arn_key):
    api.get("/api/v1/locations")

    assert ApiKey.objects.get().last_used_at > timezone.now() - timezone.timedelta(minutes=1)


def test_calls_over_the_rate_get_429_with_retry_after(api, settings, arn_key, redis_url):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = (3, 60)

    statuses = [api.get("/api/v1/locations").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    last = api.get("/api/v1/locations")
    assert last.json()["code"] == "rate_limited"
    assert 0 < int(last["Retry-After"]) <= 60


def test_each_key_has_its_own_rate(api, settings, org, redis_url):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = (1, 60)
    _, other = create_key("Other", [org["arn"]])

    api.get("/api/v1/locations")

    assert ApiClient(other).get("/api/v1/locations").status_code == 200


def test_while_redis_is_down_the_rate_limit_fails_open(api, settings, arn_key):
    from tests.faults.conftest import free_port

    settings.API_RATE_LIMIT = (1, 60)
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    statuses = [api.get("/api/v1/locations").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
