"""A link no invitation could have is the plain not-found page, reached without a query."""

import secrets

import pytest

# Fixed tokens of the real shape (new_token()'s), not fresh ones: every pytest-xdist worker
# must collect the same test ids.
TOKEN = "hEg7U82sqRyGgYcTKMeYMiqz"
MALFORMED = [
    "%00",  # a NUL byte, which PostgreSQL refuses in a query
    f"{TOKEN[:-1]}%00",
    TOKEN[:12],  # cut off in a text message
    TOKEN + "x",
    "%F0%9F%99%82" * 24,
    "-1",
    "x" * 5000,
]


@pytest.mark.parametrize("token", MALFORMED)
def test_a_link_no_invitation_could_have_is_a_404_before_any_query(
    client, db, postgres, django_assert_num_queries, token
):
    with django_assert_num_queries(0):
        response = client.get(f"/r/{token}/")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.text


def test_a_malformed_link_looks_like_an_unknown_one(client, db):
    unknown = client.get(f"/r/{secrets.token_urlsafe(18)}/")
    malformed = client.get("/r/cut-off/")
    assert unknown.status_code == malformed.status_code == 404
    assert malformed.text == unknown.text


def test_a_real_link_still_opens_the_form(client, invitation):
    response = client.get(f"/r/{invitation.token}/")
    assert response.status_code == 200
    assert "How satisfied are you" in response.text
