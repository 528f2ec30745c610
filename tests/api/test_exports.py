"""The API's bulk read: POST /exports answers 202 with a job, its status URL tells how far
it got and where to download the file, which holds what GET /moments lists; all of it seen
only by the key that asked."""

import csv
import io

import pytest

from tests.api.conftest import ApiClient
from tests.conftest import add_moment
from touchpoints.api_keys import create_key


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    return tmp_path


def test_an_export_is_asked_followed_and_downloaded(api, org, agent, jfk_agent):
    for channel in ("phone", "phone", "in_person"):
        add_moment(agent, org["desk"], channel=channel)
    add_moment(jfk_agent, org["desk"], channel="phone")  # another location: never exported

    asked = api.post("/api/v1/exports", {"channel": "phone", "format": "csv"})
    status = api.get(asked.json()["status_url"]).json()
    download = api.get(status["download_url"])
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )

    assert asked.status_code == 202
    assert (status["state"], status["rows_done"], status["rows_total"]) == ("done", 2, 2)
    assert [(r["location_code"], r["channel_code"]) for r in rows] == [("ARN", "phone")] * 2


def test_another_keys_job_is_not_found(api, org):
    job = api.post("/api/v1/exports", {"format": "xlsx"}).json()
    _, plain = create_key("BI tool", [org["arn"]], read=True)
    other = ApiClient(plain)

    assert other.get(f"/api/v1/exports/{job['id']}").status_code == 404
    assert other.get(f"/api/v1/exports/{job['id']}/file").status_code == 404


def test_an_export_of_another_location_is_refused(api, org):
    response = api.post("/api/v1/exports", {"location": str(org["jfk"].pk)})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_key_without_the_read_scope_may_not_export(org):
    _, plain = create_key("Writer", [org["arn"]], read=False, write=True)

    response = ApiClient(plain).post("/api/v1/exports", {"format": "csv"})

    assert response.status_code == 403


def test_an_unknown_format_is_a_clear_problem(api):
    response = api.post("/api/v1/exports", {"format": "pdf"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/format"
