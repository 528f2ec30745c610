"""Single sign-on set up wrong stops the app at start, with the reason."""

import pytest

from tests.operations.test_start_up import manage, real_key


def start(tmp_path, **oidc):
    keys = {"SECRET_KEY": real_key(), "CUSTOMER_REF_KEY": real_key(), "DEBUG": "1"}
    return manage(tmp_path, "check", **keys, **oidc)


@pytest.mark.parametrize(
    ("oidc", "reason"),
    [
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
    ],
)  # fmt: skip
def test_a_wrong_set_up_stops_the_app_with_its_reason(tmp_path, oidc, reason):
    result = start(tmp_path, **oidc)
    assert result.returncode != 0
    assert reason in result.stderr


def test_a_whole_set_up_starts_without_the_provider(tmp_path):
    # Nothing is fetched at start: a provider that does not exist stops nothing.
    result = start(
        tmp_path,
        OIDC_CLIENT_ID="moments",
        OIDC_ISSUER="http://127.0.0.1:9/nobody",
        OIDC_GROUP_ROLES="moments-admins=admin",
    )
    assert result.returncode == 0, result.stderr
