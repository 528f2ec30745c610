"""Bulk reads: the moments of a selection as one file, written by the worker as the
dashboard's big exports are (dashboards/export_jobs.py). Ask with POST, follow the status
URL until the job is done, then GET the file; a job is seen only by the key that asked."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja.responses import Status

from touchpoints.models import AccessRecord

from .. import export_jobs
from ..models import ExportJob
from .keys import require
from .problems import Problem
from .schemas import ERRORS, ExportIn, ExportOut
from .selection import selection_for
from .site import api

FILE_RESPONSE = {
    "200": {
        "description": "The file: the moments CSV's columns, or a workbook.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


def _out(request: HttpRequest, job: ExportJob) -> dict:
    done = job.state == ExportJob.State.DONE
    file_url = reverse("api:download_export", kwargs={"job_id": job.pk})
    return {
        "id": job.pk,
        "state": job.state,
        "format": job.file_format,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "seconds_left": export_jobs.seconds_left(job),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "status_url": request.build_absolute_uri(
            reverse("api:read_export", kwargs={"job_id": job.pk})
        ),
        "download_url": request.build_absolute_uri(file_url) if done else None,
        "error": job.error or None,
    }


def _keys_job(request: HttpRequest, job_id: int) -> ExportJob:
    require(request.auth, "read")
    return get_object_or_404(ExportJob, pk=job_id, api_key=request.auth)


@api.post("/exports", response={202: ExportOut, **ERRORS}, tags=["exports"])
def ask_export(request: HttpRequest, body: ExportIn):
    """The moments of the dashboard's selection (same filter names) as a file. Answers 202
    at once; the status URL tells how far the worker got, and gives the download URL."""
    require(request.auth, "read")
    selection = selection_for(body, request.auth)
    job = export_jobs.ask(selection, body.format, api_key=request.auth)
    job.refresh_from_db()  # the embedded mode has written it already
    return Status(202, _out(request, job))


@api.get("/exports/{job_id}", response={200: ExportOut, **ERRORS}, tags=["exports"])
def read_export(request: HttpRequest, job_id: int):
    return _out(request, _keys_job(request, job_id))


@api.get(
    "/exports/{job_id}/file",
    response=ERRORS,
    openapi_extra={"responses": FILE_RESPONSE},
    tags=["exports"],
)
def download_export(request: HttpRequest, job_id: int):
    """The finished file; 404 until the job is done, and after it expired."""
    job = _keys_job(request, job_id)
    if job.state != ExportJob.State.DONE:
        detail = f"The export is {job.state}; GET its status URL until it is done."
        raise Problem("not_found", detail)
    key = job.api_key.name
    selection = {**job.selection, "format": job.file_format, "job": job.pk, "api_key": key}
    AccessRecord.objects.create(what=AccessRecord.What.MOMENTS_EXPORT, selection=selection)
    return export_jobs.file_response(job)
