"""What the API takes and gives, as pydantic schemas: these make the OpenAPI schema."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime, BaseModel, ConfigDict

from touchpoints.models import Channel

ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
MAX_BATCH = 1000


class Filters(Schema):
    """The dashboard's filters, by its names (docs/api.md, Reading); checked by its form."""

    period: str | None = Field(None, description="1, 7, 30, 90 (days) or custom.")
    start: str | None = Field(None, description="First day of a custom period, YYYY-MM-DD.")
    end: str | None = Field(None, description="Last day of a custom period, YYYY-MM-DD.")
    location: str | None = Field(None, description="A location's id.")
    team: str | None = Field(None, description="A team's id.")
    stage: str | None = Field(None, description="A journey stage's id.")
    type: str | None = Field(None, description="A touchpoint type's id.")
    channel: str | None = Field(None, description="in_person, phone, chat or email.")


class FieldProblem(Schema):
    pointer: str | None = Field(
        None, description="A JSON pointer into the body: #/moments/3/outcome"
    )
    parameter: str | None = Field(None, description="The query parameter's name.")
    code: str
    detail: str


class ProblemOut(Schema):
    """RFC 9457 problem details, sent as application/problem+json (docs/api.md, Errors)."""

    type: str
    title: str
    status: int
    code: str = Field(description="Stable: scripts may rely on it.")
    detail: str
    errors: list[FieldProblem] | None = None


ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 413, 422, 429)}


# The bodies a client sends are plain pydantic models: ninja's Schema adds a validator that
# lets a schema read Django objects' attributes, which dicts parsed from JSON do not need and
# which cost a batch of 1,000 about a quarter of its time (docs/performance.md).
class MomentIn(BaseModel):
    """One moment, with the log form's names."""

    model_config = ConfigDict(extra="forbid")

    uuid: UUID = Field(description="Made by the caller; a repeat with the same UUID is idempotent.")
    touchpoint_type: int = Field(description="A touchpoint type's id (GET /touchpoint-types).")
    team: int = Field(description="The team's id (GET /teams); the staff member's own team.")
    staff: str = Field(
        max_length=150, pattern=r"^[^\x00]+$", description="The staff member's username."
    )
    channel: ChannelName = "in_person"
    outcome: int = Field(ge=1, le=5, description="How the staff member felt it went, 1 to 5.")
    resolved_on_spot: bool | None = Field(None, description="null: not recorded.")
    note: str = Field("", max_length=500)
    customer_ref: str = Field(
        "", max_length=40, description="Booking code or loyalty number; stored only hashed."
    )
    occurred_at: AwareDatetime = Field(description="ISO 8601 with an offset.")
    extra: dict[str, str | int | float] = Field(
        default_factory=dict, description="Values of the type's extra fields, by key."
    )
    invite: bool = Field(False, description="Also invite the customer: answer_url is returned.")


class MomentBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    moments: list[MomentIn] = Field(min_length=1, max_length=MAX_BATCH)


class MomentResult(Schema):
    uuid: UUID
    created: bool
    answer_url: str | None = None
    invitation_held_back: str | None = Field(
        None, description="Why no invitation was made although one was asked for (a code)."
    )
    asked_on: date | None = Field(None, description="When this customer was last invited.")


class MomentBatchOut(Schema):
    moments: list[MomentResult]


class RemedyOut(Schema):
    """A remedy given for the moment, on the front line's authority (docs/metrics.md)."""

    uuid: UUID
    kind: str = Field(description="The remedy kind's name, in English.")
    kind_id: int
    cost: Decimal = Field(description="Money: exact, as a string, in `currency`.")
    currency: str
    over_limit: bool = Field(description="Over the per-moment limit or the month's budget.")
    reason: str = Field(description="Why, when it went over the limit; otherwise empty.")
    given_at: datetime


class MomentOut(Schema):
    uuid: UUID
    occurred_at: datetime
    local_date: date
    location: int
    location_code: str
    team: int
    touchpoint_type: int
    staff: str
    channel: str
    outcome: int
    resolved_on_spot: bool | None
    note: str
    extra: dict
    invited: bool
    csat: int | None
    nps: int | None
    effort: int | None
    customer_comment: str
    remedies: list[RemedyOut] = Field(description="Oldest first; empty when none was given.")


class MomentPage(Schema):
    moments: list[MomentOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class LocationOut(Schema):
    id: int
    code: str
    name: str
    timezone: str
    active: bool


class TeamOut(Schema):
    id: int
    name: str
    location: int = Field(validation_alias="location_id")
    active: bool


class TouchpointTypeOut(Schema):
    id: int
    name: str
    stage: str
    channels: list[str]
    asks_nps: bool
    asks_effort: bool
    active: bool


class NeedOut(Schema):
    id: int
    kind: str
    note: str
    status: str
    raised_at: datetime
    local_date: date
    location: int
    team: int
    raised_by: str
    moment: UUID | None
    answer: str
    answered_at: datetime | None


class NeedPage(Schema):
    needs: list[NeedOut]
    next_cursor: str | None = None


class RecoveryOut(Schema):
    id: int
    status: str
    reason: str
    opened_at: datetime
    location: int
    team: int
    moment: UUID
    csat: int
    nps: int | None
    comment: str
    taken_at: datetime | None
    action: str
    result: str
    closed_at: datetime | None
    lapsed_at: datetime | None


class RecoveryPage(Schema):
    recoveries: list[RecoveryOut]
    next_cursor: str | None = None


class FigureRow(Schema):
    """One line of the figures CSV, under the CSV's column names (null where it is empty)."""

    section: str
    name: str
    moments: int
    csat_pct: float | None
    csat_answers: int
    csat_pct_lower: float | None
    csat_pct_upper: float | None
    nps: float | None
    nps_answers: int
    nps_lower: float | None
    nps_upper: float | None
    effort: float | None
    effort_answers: int
    effort_lower: float | None
    effort_upper: float | None
    resolved_on_spot_pct: float | None
    resolved_moments: int
    resolved_on_spot_pct_lower: float | None
    resolved_on_spot_pct_upper: float | None
    recovery_rate_pct: float | None
    low_answers: int
    recovery_rate_pct_lower: float | None
    recovery_rate_pct_upper: float | None
    hours_to_recover: float | None
    staff_good_customer_low: int
    staff_bad_customer_high: int
    remedies: int
    # In the location's currency; null where the selection spans currencies, which
    # remedy_currency then lists with each one's cost (docs/metrics.md, "Remedies").
    remedy_cost: Decimal | None  # money: exact, as a string
    remedy_currency: str | None


class Figures(Schema):
    period: str
    first_day: date | None
    last_day: date | None
    figures: list[FigureRow]


class ExportIn(Filters):
    """A bulk read of the selection's moments as a file, written in the background."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "xlsx"] = Field(
        "csv", description="csv: the moments CSV's columns (docs/metrics.md); xlsx: a workbook."
    )


class ExportOut(Schema):
    id: int
    state: Literal["queued", "running", "done", "failed"]
    format: Literal["csv", "xlsx"]
    rows_done: int = Field(description="Moments written so far.")
    rows_total: int | None = Field(description="Moments in the selection, once counted.")
    seconds_left: int | None = Field(description="At the pace so far, while running.")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime = Field(description="The file and this job are removed after this.")
    status_url: str
    download_url: str | None = Field(description="Once done: GET it with the same key.")
    error: str | None = None
