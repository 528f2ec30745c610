"""Single sign-on set up wrong stops the app at start, with the reason."""

import os
from types import SimpleNamespace

import pytest

from tests.operations.forked_manage import manage_runs
from tests.operations.test_start_up import real_key

WRONG_SET_UPS = [
    (
        {"OIDC_CLIENT_ID": "moments", "OIDC_ISSUER": "https://id.example.com"},
        "OIDC_CLIENT_ID is set but OIDC_GROUP_ROLES is empty",
    ),
    (
        {
            "OIDC_CLIENT_ID": "moments", "OIDC_ISSUER": "https://id.example.com",
            "OIDC_GROUP_ROLES": "moments-agents=frontline:ARN",
        },
        "a frontline group needs its team",
    ),
    (
        {"OIDC_CLIENT_ID": "moments", "OIDC_AUTHORIZATION_ENDPOINT": "https://id/a"},
        "needs OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT and OIDC_JWKS_ENDPOINT",
    ),
]  # fmt: skip
# Nothing is fetched at start: a provider that does not exist stops nothing.
WHOLE_SET_UP = {
    "OIDC_CLIENT_ID": "moments",
    "OIDC_ISSUER": "http://127.0.0.1:9/nobody",
    "OIDC_GROUP_ROLES": "moments-admins=admin",
}


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> list[SimpleNamespace]:
    """`manage.py check` in a fresh process with each wrong set-up, then the whole one:
    forked from one process that has loaded the libraries (forked_manage.py)."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    base["DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    keys = {"SECRET_KEY": real_key(), "CUSTOMER_REF_KEY": real_key(), "DEBUG": "1"}
    set_ups = [oidc for oidc, _ in WRONG_SET_UPS] + [WHOLE_SET_UP]
    return manage_runs([(["check"], {**base, **keys, **oidc}) for oidc in set_ups])


@pytest.mark.parametrize(("number", "reason"), list(enumerate(r for _, r in WRONG_SET_UPS)))
def test_a_wrong_set_up_stops_the_app_with_its_reason(started, number, reason):
    result = started[number]
    assert result.returncode != 0
    assert reason in result.stderr


def test_a_whole_set_up_starts_without_the_provider(started):
    result = started[-1]
    assert result.returncode == 0, result.stderr
