"""Who sees what, and which rows a dashboard view selects.

A `Scope` is what a person may see at all (managed locations and teams; everything for an
admin). A `Selection` narrows it with the filters in the URL and a `Window` of local days.
Every dashboard query is built from a Selection, so a filter means the same thing in the
figures, the drill-down and the export.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Channel, JourneyStage, Location, Role, Team, TouchpointType, User
from touchpoints.repeated_fields import OneValueEach

PERIODS = [("1", _("Today")), ("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days"))]
CUSTOM = "custom"
DEFAULT_PERIOD = "7"
LONGEST_CUSTOM_DAYS = 366
CUSTOM_START_DAYS = 30  # what "Custom" shows until days are chosen
# Sparklines and the trend chart show at least this many days, so "today" still has a shape.
SHORTEST_SERIES_DAYS = 14
# Days a period may name: enough for any history Moments keeps and any plan ahead, and far
# from the calendar's ends, where a comparison period or a chart's days would overflow.
FIRST_DAY = date(2000, 1, 1)
DAYS_AHEAD = 366
OUT_OF_RANGE = "out_of_range"
FILTER_NAMES = ["period", "start", "end", "location", "team", "stage", "touchpoint_type", "channel"]


@dataclass(frozen=True)
class Scope:
    """What one person may see: whole locations, plus single teams elsewhere."""

    everything: bool = False
    location_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()

    def q(self, prefix: str = "") -> Q:
        """Rows (roll-ups, moments, needs) within the scope; they all have location and team.
        `prefix` reaches them through a relation, e.g. "invitation__moment__"."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}location_id__any_of": self.location_ids}) | Q(
            **{f"{prefix}team_id__any_of": self.team_ids}
        )

    def covers(self, location_id: int, team_id: int) -> bool:
        return self.everything or location_id in self.location_ids or team_id in self.team_ids

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.location_ids or self.team_ids)

    def teams(self) -> QuerySet[Team]:
        teams = Team.objects.select_related("location")
        if self.everything:
            return teams
        return teams.filter(Q(location_id__any_of=self.location_ids) | Q(pk__any_of=self.team_ids))

    def locations(self) -> QuerySet[Location]:
        if self.everything:
            return Location.objects.all()
        return Location.objects.filter(
            Q(pk__any_of=self.location_ids) | Q(teams__pk__any_of=self.team_ids)
        ).distinct()


def spans_zones(locations) -> bool:
    """Whether the locations keep different clocks: then every time shown names its zone."""
    return len({location.timezone for location in locations}) > 1


def scope_for(user: User) -> Scope:
    roles = user.group_names()  # the signed-in person's come with them: no query
    if user.is_superuser or Role.ADMIN in roles:
        return Scope(everything=True)
    if Role.MANAGER in roles:
        return Scope(
            location_ids=frozenset(user.managed_locations.values_list("pk", flat=True)),
            team_ids=frozenset(user.managed_teams.values_list("pk", flat=True)),
        )
    return Scope()


# How far ahead of UTC (Kiribati, UTC+14) and behind it (UTC-12) a local day can start.
EARLIEST_ZONE, LATEST_ZONE = timedelta(hours=14), timedelta(hours=12)


@dataclass(frozen=True)
class Window:
    """The local days a view covers. Each location has its own today, so the period ends on
    a different date where it is already tomorrow; `ends` maps a last day to its locations."""

    days: int
    ends: tuple[tuple[date, tuple[int, ...]], ...]

    @classmethod
    def last_days(cls, days: int, locations: list[Location]) -> "Window":
        by_today: defaultdict[date, list[int]] = defaultdict(list)
        today_in: dict[str, date] = {}  # a company has far fewer time zones than locations
        for location in locations:
            if location.timezone not in today_in:
                today_in[location.timezone] = location.today()
            by_today[today_in[location.timezone]].append(location.pk)
        return cls(days, tuple((end, tuple(ids)) for end, ids in sorted(by_today.items())))

    @classmethod
    def between(cls, first: date, last: date, locations: list[Location]) -> "Window":
        return cls((last - first).days + 1, ((last, tuple(loc.pk for loc in locations)),))

    def as_json(self) -> dict:
        """The window with its days fixed, for a job that runs later (`from_json`)."""
        return {"days": self.days, "ends": [[end.isoformat(), list(ids)] for end, ids in self.ends]}

    @classmethod
    def from_json(cls, data: dict) -> "Window":
        ends = tuple((date.fromisoformat(end), tuple(ids)) for end, ids in data["ends"])
        return cls(data["days"], ends)

    def occurred_q(self, periods_back: int = 0, field: str = "occurred_at") -> Q:
        """A bound in UTC on when this window's rows happened, implied by their local days
        whatever a location's zone (UTC-12 to UTC+14): beside `q`, it changes no result but
        lets an index ordered by time start at the window's end, not at the newest row.
        (A list of last month's moments walked every moment since, newest first.)"""
        lasts = [end - timedelta(days=periods_back * self.days) for end, _ids in self.ends]
        if not lasts:
            return Q(pk__in=[])
        try:
            first, last = min(lasts) - timedelta(days=self.days - 1), max(lasts)
            earliest = datetime.combine(first, time(), UTC) - EARLIEST_ZONE
            latest = datetime.combine(last + timedelta(days=1), time(), UTC) + LATEST_ZONE
        except OverflowError:  # a period at the calendar's very ends: nothing to bound
            return Q()
        return Q(**{f"{field}__gte": earliest, f"{field}__lt": latest})

    def q(self, periods_back: int = 0, days: int | None = None, prefix: str = "") -> Q:
        """Rows in this window (0), the period of the same length before it (1), and so on;
        `days` widens the window backwards from its end instead.

        The days every location shares are one plain date range, so most rows are judged
        by their date alone; only the edge days, where locations' todays differ, name the
        locations. The window never limits which locations count: the selection's scope
        and filters do that, and every query ANDs them in.
        """
        days = days or self.days
        spans = []
        for end, location_ids in self.ends:
            last = end - timedelta(days=periods_back * self.days)
            spans.append((last - timedelta(days=days - 1), last, location_ids))
        if not spans:
            return Q(pk__in=[])
        shared_first, shared_last = max(s[0] for s in spans), min(s[1] for s in spans)
        condition = Q(**{f"{prefix}local_date__range": (shared_first, shared_last)})
        one_day = timedelta(days=1)
        for first, last, location_ids in spans:
            for edge in [(first, shared_first - one_day), (shared_last + one_day, last)]:
                if edge[0] <= edge[1]:
                    condition |= Q(
                        **{f"{prefix}location_id__any_of": location_ids},
                        **{f"{prefix}local_date__range": edge},
                    )
        return condition

    @property
    def series_days(self) -> int:
        return max(self.days, SHORTEST_SERIES_DAYS)

    def dates(self, days: int | None = None) -> list[date]:
        """Every local date the window touches, oldest first (a chart's x axis)."""
        if not self.ends:
            return []
        days = days or self.days
        first = min(end for end, _ in self.ends) - timedelta(days=days - 1)
        last = max(end for end, _ in self.ends)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    @property
    def first(self) -> date | None:
        dates = self.dates()
        return dates[0] if dates else None

    @property
    def last(self) -> date | None:
        dates = self.dates()
        return dates[-1] if dates else None


class FilterForm(OneValueEach, forms.Form):
    location = forms.ModelChoiceField(Location.objects.none(), required=False, empty_label=_("All"))
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label=_("All"))
    stage = forms.ModelChoiceField(
        JourneyStage.objects.all(), required=False, empty_label=_("All"), label=_("Journey stage")
    )
    touchpoint_type = forms.ModelChoiceField(
        TouchpointType.objects.select_related("stage"),
        required=False,
        empty_label=_("All"),
        label=_("Touchpoint"),
    )
    channel = forms.ChoiceField(
        choices=[("", _("All")), *Channel.choices], required=False, label=_("Channel")
    )
    period = forms.ChoiceField(
        choices=[*PERIODS, (CUSTOM, _("Custom"))], required=False, label=_("Period")
    )
    start = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(required=False, label=_("To"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, data, scope: Scope, locations: list[Location]):
        super().__init__(data)
        self.scope = scope
        # Any existing location or team is a valid choice; one outside the scope is a 403,
        # not a form error, so that a shared link never silently shows something else.
        self.fields["location"].queryset = Location.objects.all()
        self.fields["team"].queryset = Team.objects.select_related("location")
        self.location_choices = locations
        # (pk, label, location pk) of each team: a company has hundreds, and the options
        # need no Team objects (str(team) is "name (location code)").
        teams = scope.teams().values_list("pk", "name", "location__code", "location_id")
        self.team_choices = [
            (pk, f"{name} ({code})", location_id) for pk, name, code, location_id in teams
        ] if not scope.is_empty else []  # fmt: skip

    def options(self, selection: "Selection") -> dict[str, SafeString]:
        """The <option>s of each filter with the current choice selected, built here rather
        than in the template: a company has hundreds of teams."""
        chosen_period = self.data.get("period") or selection.period
        location_pk = selection.location.pk if selection.location else None
        teams = [(pk, label) for pk, label, at in self.team_choices if location_pk in (None, at)]
        everything = gettext("All") if self.scope.everything else gettext("All mine")
        return {
            "period": _options(self.fields["period"].choices, chosen_period),
            "location": _options(
                [("", everything)] + [(loc.pk, loc.name) for loc in self.location_choices],
                location_pk,
            ),
            "team": _options([("", gettext("All")), *teams], _pk(selection.team)),
            "stage": _options(
                [("", gettext("All"))] + [(st.pk, st.name) for st in JourneyStage.objects.all()],
                _pk(selection.stage),
            ),
            "touchpoint_type": _options(
                [("", gettext("All"))] + [(t.pk, t.name) for t in TouchpointType.objects.all()],
                _pk(selection.touchpoint_type),
            ),
            "channel": _options(self.fields["channel"].choices, selection.channel),
        }

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        last = date.today() + timedelta(days=DAYS_AHEAD)
        if day is not None and not FIRST_DAY <= day <= last:
            message = gettext("Choose days between %(first)s and %(last)s.") % {
                "first": f"{FIRST_DAY:%-d %b %Y}",
                "last": f"{last:%-d %b %Y}",
            }
            raise forms.ValidationError(message, code=OUT_OF_RANGE)
        return day

    def clean_start(self):
        return self._clean_day("start")

    def clean_end(self):
        return self._clean_day("end")

    def out_of_range(self) -> str | None:
        """The message when a day is outside what Moments can show: a 400, not a form to fix."""
        for name in ("start", "end"):
            for error in self.errors.as_data().get(name, []):
                if error.code == OUT_OF_RANGE:
                    return error.messages[0]
        return None

    def clean(self):
        data = super().clean()
        if data.get("period") == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start and not end and not self.errors:
                return data  # just switched to custom: the last 30 days, to adjust from
            if not start or not end:
                raise forms.ValidationError(_("Choose the first and the last day of the period."))
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first day."))
            if (end - start).days >= LONGEST_CUSTOM_DAYS:
                raise forms.ValidationError(_("Choose a period of at most a year."))
        return data


def _pk(instance) -> int | None:
    return instance.pk if instance else None


def _options(pairs, chosen) -> SafeString:
    """<option>s, escaped here: one join, not a format_html per option (hundreds of teams)."""
    chosen = "" if chosen is None else str(chosen)
    return mark_safe(  # every value and label is escaped just below
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in pairs
        )
    )


@dataclass(frozen=True)
class Selection:
    """A scope narrowed by the filters and a window of days."""

    scope: Scope
    window: Window
    period: str = DEFAULT_PERIOD
    location: Location | None = None
    team: Team | None = None
    stage: JourneyStage | None = None
    touchpoint_type: TouchpointType | None = None
    channel: str = ""
    params: dict = field(default_factory=dict)

    def need_q(self, prefix: str = "") -> Q:
        """Needs have a location and team but no touchpoint type or channel."""
        condition = self.scope.q(prefix)
        if self.location:
            condition &= Q(**{f"{prefix}location_id": self.location.pk})
        if self.team:
            condition &= Q(**{f"{prefix}team_id": self.team.pk})
        return condition

    def q(self, prefix: str = "") -> Q:
        """Roll-up rows and raw moments alike: both carry these columns under these names."""
        condition = self.need_q(prefix)
        if self.stage:
            condition &= Q(**{f"{prefix}touchpoint_type__stage_id": self.stage.pk})
        if self.touchpoint_type:
            condition &= Q(**{f"{prefix}touchpoint_type_id": self.touchpoint_type.pk})
        if self.channel:
            condition &= Q(**{f"{prefix}channel": self.channel})
        return condition

    def location_q(self, prefix: str = "") -> Q | None:
        """The selection as a condition on locations alone, for the per-location roll-up;
        None when it needs a finer column: a team, stage, type or channel filter, or a
        scope that holds single teams."""
        if self.team or self.stage or self.touchpoint_type or self.channel:
            return None
        if self.scope.everything:
            condition = Q()
        elif self.scope.team_ids:
            return None
        else:
            condition = Q(**{f"{prefix}location_id__any_of": self.scope.location_ids})
        if self.location:
            condition &= Q(**{f"{prefix}location_id": self.location.pk})
        return condition

    @property
    def querystring(self) -> str:
        """The filters as a URL query, for links that keep them (drill-down, export)."""
        return self.query_with()

    def query_with(self, **changes) -> str:
        """The filters as a URL query with some changed: each parameter once, so a link to
        one team's moments replaces the team filter instead of adding a second one."""
        params = {**self.params, **changes}
        return urlencode({name: value for name, value in params.items() if value not in ("", None)})

    @property
    def period_label(self) -> str:
        if self.period == CUSTOM:
            first, last = self.window.first, self.window.last
            return f"{date_format(first, 'j M Y')} – {date_format(last, 'j M Y')}"
        return str(dict(PERIODS)[self.period])


def selection_from(form: FilterForm, locations: list[Location]) -> Selection:
    """The selection a valid form asks for; the default view when the form is not valid.

    Raises PermissionDenied when the URL names a location or team outside the scope.
    """
    data = form.cleaned_data if form.is_valid() else {}
    location, team = data.get("location"), data.get("team")
    scope = form.scope
    if location and not (scope.everything or location in locations):
        raise PermissionDenied(gettext("That location is not one of yours."))
    if team and not scope.covers(team.location_id, team.pk):
        raise PermissionDenied(gettext("That team is not one of yours."))
    period = data.get("period") or DEFAULT_PERIOD
    in_view = [location] if location else [team.location] if team else locations
    if period == CUSTOM and data.get("start"):
        window = Window.between(data["start"], data["end"], in_view)
    elif period == CUSTOM:
        window = Window.last_days(CUSTOM_START_DAYS, in_view)
    else:
        window = Window.last_days(int(period), in_view)
    params = {name: form.data.get(name, "") for name in FILTER_NAMES} if data else {}
    return Selection(
        scope=scope,
        window=window,
        period=period,
        location=location,
        team=team,
        stage=data.get("stage"),
        touchpoint_type=data.get("touchpoint_type"),
        channel=data.get("channel") or "",
        params=params,
    )
