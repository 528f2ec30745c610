"""What a BI tool or a ticket system reads: moments, figures, needs, recoveries, and the
names (locations, teams, touchpoint types) their ids refer to. Each read is narrowed to the
key's locations; a key without the read scope is refused."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Query

from feedback.models import Recovery
from touchpoints.models import Location, Moment, Need, Remedy, Team, TouchpointType

from .. import figures
from ..exports import FIGURE_HEADER, figure_rows
from .cursors import MAX_LIMIT, page
from .keys import require
from .schemas import (
    ERRORS,
    Figures,
    Filters,
    LocationOut,
    MomentOut,
    MomentPage,
    NeedPage,
    RecoveryPage,
    TeamOut,
    TouchpointTypeOut,
)
from .selection import selection_for
from .site import api

LIMIT = Query(100, ge=1, le=MAX_LIMIT, description="Rows per page.")
CURSOR = Query(None, description="The `next_cursor` of the page before.")


def _reader(request: HttpRequest):
    require(request.auth, "read")
    return request.auth


@api.get("/locations", response={200: list[LocationOut], **ERRORS}, tags=["names"])
def locations(request: HttpRequest):
    key = _reader(request)
    return Location.objects.filter(pk__in=key.location_ids)


@api.get("/teams", response={200: list[TeamOut], **ERRORS}, tags=["names"])
def teams(request: HttpRequest):
    key = _reader(request)
    return Team.objects.filter(location_id__in=key.location_ids)


@api.get("/touchpoint-types", response={200: list[TouchpointTypeOut], **ERRORS}, tags=["names"])
def touchpoint_types(request: HttpRequest):
    _reader(request)
    return [
        {**vars(t), "stage": t.stage.name} for t in TouchpointType.objects.select_related("stage")
    ]


MOMENT_RELATED = ["location", "staff", "invitation__answer"]


def _moments() -> QuerySet[Moment]:
    """Moments as the API gives them: their remedies come in one more query per page."""
    remedies = Remedy.objects.select_related("kind").order_by("given_at", "pk")
    return Moment.objects.select_related(*MOMENT_RELATED).prefetch_related(
        Prefetch("remedies", queryset=remedies)
    )


def _moment(moment: Moment) -> dict:
    invitation = getattr(moment, "invitation", None)
    answer = getattr(invitation, "answer", None) if invitation else None
    return {
        "uuid": moment.uuid,
        "occurred_at": moment.occurred_at,
        "local_date": moment.local_date,
        "location": moment.location_id,
        "location_code": moment.location.code,
        "team": moment.team_id,
        "touchpoint_type": moment.touchpoint_type_id,
        "staff": moment.staff.username,
        "channel": moment.channel,
        "outcome": moment.outcome,
        "resolved_on_spot": moment.resolved_on_spot,
        "note": moment.note,
        "extra": moment.extra,
        "invited": invitation is not None,
        "csat": answer.csat if answer else None,
        "nps": answer.nps if answer else None,
        "effort": answer.effort if answer else None,
        "customer_comment": answer.comment if answer else "",
        "remedies": [_remedy(remedy) for remedy in moment.remedies.all()],
    }


def _remedy(remedy: Remedy) -> dict:
    return {
        "uuid": remedy.uuid,
        "kind": remedy.kind.name,
        "kind_id": remedy.kind_id,
        "cost": remedy.amount,
        "currency": remedy.currency,
        "over_limit": remedy.over_limit,
        "reason": remedy.reason,
        "given_at": remedy.given_at,
    }


@api.get("/moments", response={200: MomentPage, **ERRORS}, tags=["moments"])
def list_moments(
    request: HttpRequest,
    filters: Query[Filters],
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    """The moments of the dashboard's selection (same filter names), newest first."""
    selection = selection_for(filters, _reader(request))
    rows = _moments().filter(selection.q() & selection.window.q(0))
    found, next_cursor = page(rows, "occurred_at", cursor, limit)
    return {"moments": [_moment(m) for m in found], "next_cursor": next_cursor}


@api.get("/moments/{uuid}", response={200: MomentOut, **ERRORS}, tags=["moments"])
def read_moment(request: HttpRequest, uuid: UUID):
    key = _reader(request)
    return _moment(get_object_or_404(_moments(), uuid=uuid, location_id__in=key.location_ids))


@api.get("/figures", response={200: Figures, **ERRORS}, tags=["figures"])
def read_figures(request: HttpRequest, filters: Query[Filters]):
    """The figures CSV of the dashboard's selection, its columns as JSON (docs/metrics.md)."""
    with translation.override("en"):
        selection = selection_for(filters, _reader(request))
        with figures.read_settings():
            rows = list(figure_rows(selection))
        period = str(selection.period_label)
    return {
        "period": period,
        "first_day": selection.window.first,
        "last_day": selection.window.last,
        "figures": [_figure(row) for row in rows[1:]],
    }


def _figure(row: list) -> dict:
    values = {
        name: (None if value == "" else value)
        for name, value in zip(FIGURE_HEADER, row, strict=True)
    }
    values["name"] = str(values["name"])
    return values


@api.get("/needs", response={200: NeedPage, **ERRORS}, tags=["needs"])
def list_needs(
    request: HttpRequest, status: str | None = None, limit: int = LIMIT, cursor: str | None = CURSOR
):
    """Needs the front line raised, newest first; `status` is open, acknowledged, provided or
    declined."""
    key = _reader(request)
    rows = Need.objects.filter(location_id__in=key.location_ids)
    if status:
        rows = rows.filter(status=status)
    related = rows.select_related("raised_by", "moment")
    found, next_cursor = page(related, "raised_at", cursor, limit)
    needs = [
        {
            **{f: getattr(n, f) for f in ("id", "kind", "note", "status", "raised_at")},
            "local_date": n.local_date,
            "location": n.location_id,
            "team": n.team_id,
            "raised_by": n.raised_by.username,
            "moment": n.moment.uuid if n.moment else None,
            "answer": n.answer,
            "answered_at": n.answered_at,
        }
        for n in found
    ]
    return {"needs": needs, "next_cursor": next_cursor}


@api.get("/recoveries", response={200: RecoveryPage, **ERRORS}, tags=["recoveries"])
def list_recoveries(request: HttpRequest, limit: int = LIMIT, cursor: str | None = CURSOR):
    """Recoveries opened by low answers, newest first."""
    key = _reader(request)
    rows = Recovery.objects.filter(team__location_id__in=key.location_ids).select_related(
        "team", "answer__invitation__moment"
    )
    found, next_cursor = page(rows, "opened_at", cursor, limit)
    return {"recoveries": [_recovery(r) for r in found], "next_cursor": next_cursor}


def _recovery(recovery: Recovery) -> dict:
    answer = recovery.answer
    return {
        "id": recovery.pk,
        "status": recovery.status,
        "reason": recovery.reason,
        "opened_at": recovery.opened_at,
        "location": recovery.team.location_id,
        "team": recovery.team_id,
        "moment": answer.invitation.moment.uuid,
        "csat": answer.csat,
        "nps": answer.nps,
        "comment": answer.comment,
        "taken_at": recovery.taken_at,
        "action": recovery.action,
        "result": recovery.result,
        "closed_at": recovery.closed_at,
        "lapsed_at": recovery.lapsed_at,
    }
