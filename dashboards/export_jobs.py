"""Big moments exports as background jobs: asked for in the web request, written by the
Celery worker, downloaded when ready, and removed after EXPORT_KEEP_HOURS.

A year at a hub takes minutes to write, which no web worker should spend (its timeout is
30 s). An export whose selection holds more than EXPORT_JOB_ROWS moments (counted from the
roll-ups, so asking costs one small query) becomes an `ExportJob`; smaller ones stream in the
request as before. The API's bulk read is always a job.

A run is idempotent: it claims the job (queued, or running with a heartbeat older than
EXPORT_STALE_SECONDS: its worker died), writes the whole file again under a temporary name
and renames it when complete, so a half-written file is never offered. The rows are the
direct export's (`exports.moment_rows`), in the same order, so the two never differ.
"""

import logging
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F, Q
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from touchpoints.models import Moment, User

from . import exports, figures, workbook
from .filters import FilterForm, Scope, Selection, Window, scope_for, selection_from
from .models import ExportJob

log = logging.getLogger(__name__)
State = ExportJob.State
# Rows between two progress writes: one small UPDATE per chunk the export reads anyway.
PROGRESS_EVERY = exports.CHUNK
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": workbook.CONTENT_TYPE}


def needs_job(selection: Selection) -> bool:
    return figures.moment_count(selection) > settings.EXPORT_JOB_ROWS


def ask(
    selection: Selection, file_format: str, person: User | None = None, api_key=None
) -> ExportJob:
    """The job for this export: the one already waiting or running for the same asker,
    selection and format (a second click), or a new one, queued for the worker."""
    window = selection.window
    same = {
        "requested_by": person,
        "api_key": api_key,
        "selection": selection.params,
        "file_format": file_format,
        # Its days as they resolve now: "7 days" asked after midnight is another export.
        "first_day": window.first,
        "last_day": window.last,
        "window": window.as_json(),
    }
    if job := ExportJob.objects.filter(**same, state__in=[State.QUEUED, State.RUNNING]).first():
        return job
    job = ExportJob.objects.create(
        **same,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    enqueue(job.pk)
    return job


def enqueue(job_id: int, **options) -> None:
    """Hand the job to the worker; while Redis is down the sweep hands it over later."""
    from .tasks import run_export_job  # the task itself: the embedded mode runs it here

    try:
        run_export_job.apply_async((job_id,), **options)
    except Exception:
        log.warning("Could not queue export job %s; the sweep will.", job_id, exc_info=True)


def run(job_id: int) -> str:
    """Write the job's file from scratch; returns the state it ended in ("skipped" when
    another run has it, or it is finished)."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"{job.pk}-{secrets.token_hex(8)}.part"
    try:
        with translation.override(job.language):
            selection = selection_of(job)
            moments = Moment.objects.filter(selection.q() & selection.window.q(0))
            ExportJob.objects.filter(pk=job.pk).update(rows_total=moments.count())
            rows = _with_progress(exports.moment_rows(selection), job.pk)
            _write(job.file_format, selection, rows, partial)
        name = f"moments-raw-{selection.window.first}-{selection.window.last}-{job.pk}"
        final = f"{name}.{job.file_format}"
        os.replace(partial, directory / final)
    except Exception as error:
        partial.unlink(missing_ok=True)
        log.exception("Export job %s failed", job.pk)
        _finish(job.pk, State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
        return State.FAILED
    _finish(job.pk, State.DONE, file_name=final)
    return State.DONE


def _claim(job_id: int) -> ExportJob | None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    lost = Q(state=State.RUNNING, heartbeat_at__lt=stale, attempts__lt=settings.EXPORT_ATTEMPTS)
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(Q(state=State.QUEUED) | lost)
        .update(
            state=State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            rows_done=0,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not claimed:
        return None
    _remove_partial(job_id)  # an earlier run's: that run is dead, this one starts again
    return ExportJob.objects.get(pk=job_id)


def _remove_partial(job_id: int) -> None:
    for partial in Path(settings.EXPORT_DIR).glob(f"{job_id}-*.part"):
        partial.unlink(missing_ok=True)


def selection_of(job: ExportJob) -> Selection:
    """The job's filters over the asker's scope as it is now (a manager who lost a location
    since asking does not get its moments), over the days they covered when asked for."""
    if job.api_key is not None:
        if not job.api_key.active:
            raise PermissionError("The API key was revoked.")
        scope = Scope(location_ids=frozenset(job.api_key.locations.values_list("pk", flat=True)))
    else:
        scope = scope_for(job.requested_by)
    locations = list(scope.locations())
    form = FilterForm(job.selection, scope, locations)
    if not form.is_valid():
        # A team, type or stage it was filtered on is gone: the default view would be
        # every moment in the scope, not what was asked for.
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise ValueError(f"The export's filters no longer apply ({problems}).")
    selection = selection_from(form, locations)
    if not job.window:  # asked before jobs kept their days
        return selection
    return replace(selection, window=Window.from_json(job.window))


def _with_progress(rows: Iterable[list], job_id: int) -> Iterator[list]:
    done = -1  # the header row is not a moment
    for row in rows:
        yield row
        done += 1
        if done and done % PROGRESS_EVERY == 0:
            _beat(job_id, done)
            if settings.EXPORT_TEST_PAUSE_SECONDS:
                time.sleep(settings.EXPORT_TEST_PAUSE_SECONDS)
    _beat(job_id, max(done, 0))


def _beat(job_id: int, done: int) -> None:
    ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
        rows_done=done, heartbeat_at=timezone.now()
    )


def _write(file_format: str, selection: Selection, rows: Iterable[list], path: Path) -> None:
    if file_format == ExportJob.Format.CSV:
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.writelines(exports.csv_lines(rows))
        return
    title = gettext("Moments")
    about = exports.description(selection, title)
    with open(path, "wb") as out:
        workbook.write_xlsx(about, title, rows, exports.column_label, out=out)


def _finish(job_id: int, state: str, **fields) -> None:
    now = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        state=state,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_KEEP_HOURS),
        **fields,
    )


def seconds_left(job: ExportJob, now: datetime | None = None) -> int | None:
    """At the pace so far; None until the first rows are written."""
    if job.state != State.RUNNING or not job.rows_done or not job.rows_total:
        return None
    spent = ((now or timezone.now()) - job.started_at).total_seconds()
    return max(0, round(spent / job.rows_done * (job.rows_total - job.rows_done)))


def may_download(job: ExportJob, user: User) -> bool:
    return job.requested_by_id == user.pk or scope_for(user).everything


def file_response(job: ExportJob) -> FileResponse:
    path = Path(settings.EXPORT_DIR) / job.file_name
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115  (the response closes it)
        as_attachment=True,
        filename=job.file_name.rsplit("-", 1)[0] + f".{job.file_format}",
        content_type=CONTENT_TYPES[job.file_format],
    )


def sweep(now: datetime | None = None) -> dict[str, int]:
    """What beat does every minute: jobs whose worker died (or whose message was lost while
    Redis was down) are queued again or, after EXPORT_ATTEMPTS runs, marked failed; jobs
    past their time go with their files."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    lost = ExportJob.objects.filter(
        Q(state=State.RUNNING, heartbeat_at__lt=stale) | Q(state=State.QUEUED, created_at__lt=stale)
    )
    retried = failed = 0
    for job in lost:
        if job.attempts >= settings.EXPORT_ATTEMPTS:
            message = f"Stopped without finishing {job.attempts} times."
            failed += ExportJob.objects.filter(pk=job.pk, state=job.state).update(
                state=State.FAILED, finished_at=now, error=message
            )
            _remove_partial(job.pk)
            continue
        ExportJob.objects.filter(pk=job.pk, state=job.state).update(state=State.QUEUED)
        # A message that waits longer than a sweep is superseded by the next sweep's.
        enqueue(job.pk, expires=settings.EXPORT_STALE_SECONDS)
        retried += 1
    return {"retried": retried, "failed": failed, "removed": remove_expired(now)}


def remove_expired(now: datetime) -> int:
    """Jobs past `expires_at`, each with its file (also run by the nightly pruning)."""
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=now):
        if job.file_name:
            (Path(settings.EXPORT_DIR) / job.file_name).unlink(missing_ok=True)
        _remove_partial(job.pk)
        job.delete()
        removed += 1
    return removed
