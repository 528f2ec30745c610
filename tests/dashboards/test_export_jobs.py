"""Big exports as background jobs: over EXPORT_JOB_ROWS moments the worker writes the file
(in-process here, as every task in tests), the manager watches its progress and downloads
it; nobody else may, it goes after its time, and a job whose worker died never stays stuck."""

import csv
import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards import export_jobs
from dashboards.filters import FilterForm, Selection, Window, scope_for, selection_from
from dashboards.models import ExportJob
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from touchpoints.models import AccessRecord, Team

EXPORTS = {"csv": "dashboards:export_moments", "xlsx": "dashboards:export_moments_xlsx"}


@pytest.fixture
def export_dir(settings, tmp_path) -> Path:
    settings.EXPORT_DIR = tmp_path
    return tmp_path


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


@pytest.fixture
def moments(agent, org):
    logged = [add_moment(agent, org["desk"], note=f"Moment {n}", channel="phone") for n in range(3)]
    add_moment(agent, org["bag_drop"], channel="in_person")  # outside the filter below
    roll_up_everything()
    return logged


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def rows_of(data: bytes, file_format: str) -> list[list]:
    if file_format == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data))["Moments"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def a_job(person, state=ExportJob.State.RUNNING, **fields) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=person,
        file_format="csv",
        state=state,
        expires_at=timezone.now() + timedelta(hours=24),
        **fields,
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_big_export_is_written_by_the_worker_with_the_rows_of_the_direct_export(
    manager, moments, settings, export_dir, file_format
):
    url = reverse(EXPORTS[file_format])
    direct_response = manager.get(url, {"channel": "phone"})
    direct = rows_of(body(direct_response), file_format)
    settings.EXPORT_JOB_ROWS = 2

    asked = manager.get(url, {"channel": "phone"})
    job = ExportJob.objects.get()
    page = manager.get(asked["Location"]).text
    records = AccessRecord.objects.filter(what=AccessRecord.What.MOMENTS_EXPORT).count()
    download = manager.get(reverse("dashboards:export_job_file", args=[job.pk]))

    assert asked["Location"] == reverse("dashboards:export_job", args=[job.pk])
    assert "3 of 3 moments written" in page and "Download" in page
    assert rows_of(body(download), file_format) == direct and len(direct) == 1 + 3
    assert download["Content-Disposition"] == direct_response["Content-Disposition"]
    assert AccessRecord.objects.filter(what=AccessRecord.What.MOMENTS_EXPORT).count() == (
        records + 1
    )
    assert [p.suffix for p in export_dir.iterdir()] == [f".{file_format}"]  # no .part left


def test_a_small_export_still_downloads_at_once(manager, moments, export_dir):
    response = manager.get(reverse("dashboards:export_moments"))

    assert response.status_code == 200 and len(rows_of(body(response), "csv")) == 1 + 4
    assert not ExportJob.objects.exists()


def test_the_progress_page_shows_rows_done_and_time_left_and_keeps_asking(manager, arn_manager):
    started = timezone.now() - timedelta(seconds=90)
    job = a_job(arn_manager, rows_done=20_000, rows_total=80_000, started_at=started)

    partial = manager.get(
        reverse("dashboards:export_job", args=[job.pk]), headers={"HX-Request": "true"}
    ).text

    assert "20000 of 80000 moments written" in partial
    assert "About 4\xa0minutes left" in partial
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial
    assert "Download" not in partial


@pytest.mark.parametrize(("who", "status"), [("jfk_manager", 404), ("role_admin", 200)])
def test_only_the_asker_and_admins_may_see_or_download_a_job(
    client, request, arn_manager, export_dir, who, status
):
    (export_dir / "moments-raw-1.csv").write_text("occurred_at\n")
    job = a_job(arn_manager, state=ExportJob.State.DONE, file_name="moments-raw-1.csv")
    client.login(username=request.getfixturevalue(who).username, password=PASSWORD)

    page = client.get(reverse("dashboards:export_job", args=[job.pk]))
    download = client.get(reverse("dashboards:export_job_file", args=[job.pk]))

    assert (page.status_code, download.status_code) == (status, status)


def test_a_job_past_its_time_goes_with_its_file(arn_manager, export_dir):
    (export_dir / "old.csv").write_text("occurred_at\n")
    (export_dir / "new.csv").write_text("occurred_at\n")
    old = a_job(arn_manager, state=ExportJob.State.DONE, file_name="old.csv")
    new = a_job(arn_manager, state=ExportJob.State.DONE, file_name="new.csv")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    export_jobs.sweep()

    assert list(ExportJob.objects.all()) == [new]
    assert [p.name for p in export_dir.iterdir()] == ["new.csv"]


@pytest.mark.parametrize(("attempts", "ends"), [(1, "done"), (3, "failed")])
def test_a_job_whose_worker_died_is_run_again_or_failed_never_stuck(
    arn_manager, moments, export_dir, attempts, ends
):
    dead = timezone.now() - timedelta(minutes=10)
    job = a_job(arn_manager, attempts=attempts, rows_done=2, started_at=dead, heartbeat_at=dead)
    (export_dir / f"{job.pk}-deadbeef.part").write_text("half a file")

    export_jobs.sweep()

    job.refresh_from_db()
    assert job.state == ends
    assert not list(export_dir.glob("*.part"))
    if ends == "done":
        assert (job.rows_done, job.rows_total) == (4, 4)
        assert len(rows_of((export_dir / job.file_name).read_bytes(), "csv")) == 1 + 4


def test_a_job_writes_the_days_it_was_asked_for_even_when_it_runs_days_later(
    arn_manager, agent, org, export_dir
):
    today = org["arn"].today()
    for days_ago in (10, 9, 5, 0):
        noon = datetime.combine(today - timedelta(days_ago), time(12), ZoneInfo("Europe/Stockholm"))
        add_moment(agent, org["desk"], occurred_at=noon, note=f"{days_ago} days ago")
    first, last = today - timedelta(9), today - timedelta(3)

    job = export_jobs.ask(seven_days_as_of(arn_manager, last), "xlsx", person=arn_manager)

    job.refresh_from_db()
    book = load_workbook(export_dir / job.file_name)
    about = dict(book["Filters"].iter_rows(values_only=True))
    header, *rows = book["Moments"].iter_rows(values_only=True)
    assert job.file_name == f"moments-raw-{first}-{last}-{job.pk}.xlsx"
    assert (about["First day"].date(), about["Last day"].date()) == (first, last)
    assert [row[header.index("Note")] for row in rows] == ["9 days ago", "5 days ago"]


def seven_days_as_of(person, day: date) -> Selection:
    """The manager's "7 days" as it was asked for when `day` was today."""
    scope = scope_for(person)
    locations = list(scope.locations())
    selection = selection_from(FilterForm({"period": "7"}, scope, locations), locations)
    return replace(selection, window=Window(7, ((day, tuple(loc.pk for loc in locations)),)))


def test_a_job_whose_filter_no_longer_applies_fails_rather_than_export_everything(
    arn_manager, moments, org, export_dir
):
    """The team it was filtered on is gone by the time the worker runs it: the manager
    gets a failed job to ask again, never the file of every moment in their scope."""
    lounge = Team.objects.create(name="Lounge", location=org["arn"])
    job = a_job(
        arn_manager, state=ExportJob.State.QUEUED, selection={"period": "7", "team": str(lounge.pk)}
    )
    lounge.delete()

    assert export_jobs.run(job.pk) == ExportJob.State.FAILED
    job.refresh_from_db()
    assert "no longer" in job.error
    assert list(export_dir.iterdir()) == []
