"""The API's schema, documentation page and errors (RFC 9457 problem details)."""

import re

from tests.api.conftest import ApiClient, moment_item


def test_it_serves_an_openapi_3_1_schema(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")
    assert "/api/v1/moments" in response.json()["paths"]


def test_the_docs_page_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")

    page = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert "swagger-ui-bundle.js" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_invalid_field_gets_its_pointer_and_a_stable_code(api, org, agent):
    response = api.post("/api/v1/moments", {"moments": [moment_item(org, outcome=9)]})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_request"
    assert problem["status"] == 422
    assert {"pointer": "#/moments/0/outcome", "code": "out_of_range"}.items() <= problem["errors"][
        0
    ].items()


def test_every_bad_item_is_listed(api, org, agent):
    items = [moment_item(org), moment_item(org, outcome=0), moment_item(org, channel="fax")]
    del items[0]["occurred_at"]

    response = api.post("/api/v1/moments", {"moments": items})

    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"#/moments/0/occurred_at", "#/moments/1/outcome", "#/moments/2/channel"}


def test_a_body_that_is_not_json_is_a_problem(api, agent):
    response = api.post("/api/v1/moments", "{not json")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"


def test_a_body_over_the_limit_gets_413(api, settings, org, agent):
    settings.API_MAX_BODY_BYTES = 1000

    response = api.post("/api/v1/moments", {"moments": [moment_item(org, note="x" * 2000)]})

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_an_unknown_address_under_the_api_is_a_problem(api):
    response = api.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_no_key_gets_401(db, org):
    response = ApiClient(None).get("/api/v1/locations")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_script_needs_no_csrf_token(arn_key, org, agent):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/api/v1/moments",
        {"moments": [moment_item(org)]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {arn_key[1]}"},
    )

    assert response.status_code == 201


def test_messages_stay_english_whatever_the_caller_speaks(api, org, agent):
    response = api.post(
        "/api/v1/moments", {"moments": [moment_item(org, team=999)]}, **{"Accept-Language": "sv"}
    )

    assert response.json()["errors"][0]["detail"].startswith("You are not in that team")
