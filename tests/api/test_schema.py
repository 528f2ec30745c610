"""The served OpenAPI schema: valid, the same as the checked-in copy, and every endpoint in it
answering what it declares."""

import json
from pathlib import Path

import jsonschema
from openapi_spec_validator import validate

from tests.api.conftest import moment_item
from tests.conftest import add_moment
from touchpoints.needs import raise_need

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_served_schema_is_valid_openapi_3_1(client):
    schema = client.get("/api/v1/openapi.json").json()

    validate(schema)
    assert schema["openapi"] == "3.1.0"


def test_the_checked_in_copy_is_the_served_schema(client):
    """Fails when the API changed without `make openapi` (docs/openapi.json is what
    integrators read and diff)."""
    served = client.get("/api/v1/openapi.json").json()

    assert served == json.loads(CHECKED_IN.read_text()), "run `make openapi` and commit"


def calls(org, moment, export_id: int) -> dict:
    """One call per operation of the schema: (method, path) -> (url, params or body)."""
    return {
        ("post", "/api/v1/moments"): ("/api/v1/moments", {"moments": [moment_item(org)]}),
        ("get", "/api/v1/moments"): ("/api/v1/moments", {"period": "7", "limit": 1}),
        ("get", "/api/v1/moments/{uuid}"): (f"/api/v1/moments/{moment.uuid}", {}),
        ("get", "/api/v1/figures"): ("/api/v1/figures", {"period": "30"}),
        ("get", "/api/v1/needs"): ("/api/v1/needs", {"status": "open"}),
        ("get", "/api/v1/recoveries"): ("/api/v1/recoveries", {}),
        ("get", "/api/v1/locations"): ("/api/v1/locations", {}),
        ("get", "/api/v1/teams"): ("/api/v1/teams", {}),
        ("get", "/api/v1/touchpoint-types"): ("/api/v1/touchpoint-types", {}),
        ("post", "/api/v1/exports"): ("/api/v1/exports", {"period": "7", "format": "xlsx"}),
        ("get", "/api/v1/exports/{job_id}"): (f"/api/v1/exports/{export_id}", {}),
        ("get", "/api/v1/exports/{job_id}/file"): (f"/api/v1/exports/{export_id}/file", {}),
    }


def test_every_endpoint_answers_what_the_schema_declares(
    api, client, org, agent, settings, tmp_path
):
    settings.EXPORT_DIR = tmp_path
    schema = client.get("/api/v1/openapi.json").json()
    moment = add_moment(agent, org["desk"], answer={"csat": 1, "comment": "Slow"})
    raise_need(agent, "training")
    export_id = api.post("/api/v1/exports", {"format": "csv"}).json()["id"]
    table = calls(org, moment, export_id)
    operations = {(m, path) for path, ops in schema["paths"].items() for m in ops}
    assert operations == set(table), "every operation in the schema needs a call here"

    for (method, path), (url, data) in table.items():
        response = api.post(url, data) if method == "post" else api.get(url, data)
        declared = schema["paths"][path][method]["responses"]
        assert str(response.status_code) in declared and response.status_code < 300, (
            path,
            response,
        )
        content = declared[str(response.status_code)]["content"]
        if "application/json" not in content:  # a file: one of the declared types
            assert response["Content-Type"].split(";")[0] in content, (path, response)
            continue
        body_schema = content["application/json"]["schema"]
        jsonschema.validate(response.json(), {**body_schema, "components": schema["components"]})
