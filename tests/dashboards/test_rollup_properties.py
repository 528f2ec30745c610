"""Property-based: figures summed from roll-ups equal figures counted from the raw rows.

Random moments, invitations, answers, recoveries and needs across four time zones and
daylight-saving changes are rolled up the way production does it (a range rebuild, then
saves that mark their days dirty, a correction that moves a moment to another day, one
that changes a staff note (re-tagged by the worker's walk), a deletion, and a beat run or
a range rebuild). Then, for random groupings — locations, a
team, a type, a channel, a range of local days, or the whole company — every sum and every
metric from the roll-ups must equal the same thing counted directly, in Python, from the
raw rows; and the per-location roll-up must equal the buckets' roll-up summed per location
and day.
"""

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Max, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.metrics import Figures
from dashboards.models import (
    DailyRollup,
    LocationDayRollup,
    LocationNeedRollup,
    LowMomentRollup,
    NeedRollup,
    NoteThemeDailyRollup,
    RemedyRollup,
    ThemeDailyRollup,
    ThemeLocationDayRollup,
    TypeDayRollup,
)
from dashboards.remedy_rollup import LOW_MOMENT_COLUMNS, REMEDY_COLUMNS
from dashboards.rollup import (
    COUNTED_COLUMNS,
    NEED_COLUMNS,
    THEME_COLUMNS,
    rebuild_buckets,
    rebuild_dirty,
    rebuild_range,
)
from feedback.models import (
    Answer,
    AnswerTheme,
    FeedbackSettings,
    Invitation,
    MomentTheme,
    Recovery,
    Theme,
    ThemeCatalogue,
)
from feedback.themes import catalogue, retag
from tests.conftest import make_user
from tests.dashboards.held_roll_up import roll_up_held_open
from touchpoints.corrections import correct_moment
from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import (
    Channel,
    DirtyDay,
    Location,
    Moment,
    Need,
    Remedy,
    RemedyKind,
    Role,
    Team,
    User,
)

# Each example happens around one daylight-saving change (UTC instants).
CHANGES = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),  # New York springs forward
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # Stockholm springs forward
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # Stockholm falls back
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York falls back
]
WINDOW_MINUTES = 36 * 60
# The walk's budget: `run` returns as soon as the walk is done, so a generous one costs
# nothing, and a loaded machine (two test workers beside their browsers) cannot cut it short.
WALK_SECONDS = 60
# Starting themes the comments and notes are tagged with (tags are set directly: what is
# tested here is the roll-up of tags, not the tagger).
THEMES = ["Queue and waiting", "Baggage", "Staff attitude"]
METRICS = [
    "csat", "nps", "effort", "resolved_pct", "resolution_coverage", "response_rate",
    "recovery_rate",
]  # fmt: skip
METRICS += ["hours_to_recover"]
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

answer_strategy = st.fixed_dictionaries(
    {
        "csat": st.integers(1, 5),
        "nps": st.none() | st.integers(0, 10),
        "effort": st.none() | st.integers(1, 7),
        # None: no recovery opened yet; 0: opened, still open; n: closed after n seconds.
        "recovery": st.none() | st.integers(0, 200_000),
        # Nobody took it in time (a close after that is a late one).
        "lapsed": st.booleans(),
        # The themes its comment was tagged with (indexes into THEMES); None: no comment.
        "themes": st.none() | st.sets(st.integers(0, len(THEMES) - 1), max_size=3),
    }
)
moment_strategy = st.fixed_dictionaries(
    {
        "team": st.integers(0, 4),
        "type": st.integers(0, 2),
        "channel": st.sampled_from(Channel.values),
        "outcome": st.integers(1, 5),
        "resolved": st.none() | st.booleans(),  # None: not recorded
        # The themes the staff member's note was tagged with; None: no note.
        "note_themes": st.none() | st.sets(st.integers(0, len(THEMES) - 1), max_size=2),
        "minute": st.integers(-WINDOW_MINUTES, WINDOW_MINUTES),
        # None: not invited; {"answer": None}: invited, no answer yet.
        "feedback": st.none() | st.fixed_dictionaries({"answer": st.none() | answer_strategy}),
        # (kind, amount in cents, given after the customer answered)
        "remedies": st.lists(
            st.tuples(st.integers(0, 1), st.integers(0, 100_000), st.booleans()), max_size=2
        ),
    }
)
need_strategy = st.fixed_dictionaries(
    {
        "team": st.integers(0, 4),
        "kind": st.sampled_from(Need.Kind.values),
        "minute": st.integers(-WINDOW_MINUTES, WINDOW_MINUTES),
        "status": st.sampled_from(Need.Status.values),
        "seconds": st.integers(0, 500_000),
    }
)
world_strategy = st.fixed_dictionaries(
    {
        "change": st.sampled_from(CHANGES),
        "first": st.lists(moment_strategy, max_size=12),
        "later": st.lists(moment_strategy, max_size=8),
        "needs": st.lists(need_strategy, max_size=6),
        "move": st.none() | st.tuples(st.integers(0, 11), st.integers(0, 4), st.integers(-3, 3)),
        # An agent corrects a note to speak of these themes (None: empties it).
        "renote": st.none()
        | st.tuples(
            st.integers(0, 11), st.none() | st.sets(st.integers(0, len(THEMES) - 1), max_size=2)
        ),
        "delete": st.none() | st.integers(0, 11),
        # Later changes are rolled up by beat (dirty days) or by a backfill over the range.
        "finish": st.sampled_from(["dirty", "range"]),
        # An admin merges the first theme into the second, after the first roll-up.
        "merge": st.booleans(),
    }
)


@pytest.fixture
def teams(org) -> list[Team]:
    """Five teams in four time zones, each with one person."""
    akl = Location.objects.create(name="Auckland", code="AKL", timezone="Pacific/Auckland")
    bom = Location.objects.create(name="Mumbai", code="BOM", timezone="Asia/Kolkata")
    gate = Team.objects.create(name="Gate", location=org["arn"])
    result = [org["arn_desk"], gate, org["jfk_desk"]]
    result += [Team.objects.create(name="Desk", location=loc) for loc in (akl, bom)]
    for team in result:
        make_user(f"staff{team.pk}", Role.FRONTLINE, team=team)
    FeedbackSettings.current()
    for name in ("Meal voucher", "Travel voucher"):
        RemedyKind.objects.create(name=name)
    return result


@given(world=world_strategy, data=st.data())
@PROPERTY_SETTINGS
def test_figures_from_roll_ups_equal_figures_from_raw_rows(org, teams, world, data):
    with transaction.atomic():
        build_and_roll_up(org, teams, world)
        assert_coarser_roll_ups_are_sums()
        for _ in range(4):
            where, needs_where = data.draw(grouping(org, teams, world["change"]))
            assert_roll_ups_match_raw(where, needs_where)
        transaction.set_rollback(True)


# Rolling up again, by the buckets' read and by whole days, changes nothing: one property
# over the same worlds, in tests/dashboards/test_rollup_whole_day.py.


@pytest.mark.django_db(transaction=True)
@given(world=world_strategy)
@settings(PROPERTY_SETTINGS, max_examples=8)
def test_two_roll_ups_of_the_same_buckets_at_once_do_not_double_count(postgres, org, teams, world):
    """The second run leaves the buckets to the one running and marked for the next."""
    try:
        create_moments(org, teams, world["first"] + world["later"], world["change"])
        create_needs(teams, world["needs"], world["change"])
        buckets = all_buckets()
        with roll_up_held_open(buckets):
            assert rebuild_buckets(buckets) == 0
        assert DirtyDay.objects.count() == len(buckets)
        rebuild_dirty()
        assert not DirtyDay.objects.exists()
        assert_roll_ups_match_raw({}, {})
        assert_coarser_roll_ups_are_sums()
    finally:
        delete_raw_rows_and_roll_ups()


# --- building the world --------------------------------------------------------------


def build_and_roll_up(org, teams, world) -> None:
    """Roll up a first batch by range, then later saves, a correction and a deletion, by
    beat or range."""
    change = world["change"]
    first = create_moments(org, teams, world["first"], change)
    days = local_days(change)
    rebuild_range(days[0], days[-1])
    later = create_moments(org, teams, world["later"], change)
    needs = create_needs(teams, world["needs"], change)
    for row in [*later, *needs]:
        mark_day_dirty(row.location_id, row.local_date)
    if world["renote"] is not None and first:
        index, themes = world["renote"]
        first[index % len(first)] = renote(first[index % len(first)], themes)
    if world["move"] is not None and first:
        index, team, days_later = world["move"]
        move(first[index % len(first)], teams[team], days_later)
    if world["delete"] is not None and first:
        delete(first[world["delete"] % len(first)])
    if world["merge"]:
        themes = theme_rows()
        catalogue.merge(themes[1], [themes[0]])
    if world["finish"] == "range":
        rebuild_range(days[0], days[-1])
        assert not DirtyDay.objects.exists()
    else:
        rebuild_dirty()


def create_moments(org, teams, specs, change) -> list[Moment]:
    """The moments of `specs` with their notes' themes, feedback and remedies, a few
    statements for the lot (what is tested is the roll-up of the rows, not the saves: the
    journal's triggers see a bulk insert's rows as they see single saves)."""
    types = [org["desk"], org["bag_drop"], org["boarding"]]
    staff = {user.team_id: user for user in User.objects.filter(team__in=teams)}
    moments = Moment.objects.bulk_create(
        new_moment(spec, teams, types, staff, change) for spec in specs
    )
    themes = theme_rows() if specs else []
    MomentTheme.objects.bulk_create(
        MomentTheme(moment=moment, theme=themes[i])
        for moment, spec in zip(moments, specs, strict=True)
        for i in spec["note_themes"] or ()
    )
    invited = [(m, s["feedback"]) for m, s in zip(moments, specs, strict=True) if s["feedback"]]
    add_feedback(invited, themes)
    add_remedies([(moment, spec["remedies"]) for moment, spec in zip(moments, specs, strict=True)])
    return moments


def new_moment(spec: dict, teams, types, staff, change) -> Moment:
    team = teams[spec["team"]]
    occurred_at = change + timedelta(minutes=spec["minute"])
    return Moment(
        staff=staff[team.pk],
        team=team,
        location=team.location,
        touchpoint_type=types[spec["type"]],
        channel=spec["channel"],
        outcome=spec["outcome"],
        resolved_on_spot=spec["resolved"],
        occurred_at=occurred_at,
        local_date=team.location.local_date(occurred_at),  # what Moment.save sets
        note="" if spec["note_themes"] is None else "A note",
    )


def add_feedback(invited: list[tuple[Moment, dict]], themes: list[Theme]) -> None:
    """An invitation for each moment, and its answer (if any) with its themes and recovery."""
    invitations = Invitation.objects.bulk_create(Invitation(moment=moment) for moment, _ in invited)
    low = FeedbackSettings.current()
    answered = [
        (new_answer(invitation, spec["answer"], low), spec["answer"])
        for invitation, (_, spec) in zip(invitations, invited, strict=True)
        if spec["answer"] is not None
    ]
    Answer.objects.bulk_create(answer for answer, _ in answered)
    AnswerTheme.objects.bulk_create(
        AnswerTheme(answer=answer, theme=themes[i])
        for answer, spec in answered
        for i in spec["themes"] or ()
    )
    Recovery.objects.bulk_create(
        new_recovery(answer, spec) for answer, spec in answered if spec["recovery"] is not None
    )


def new_answer(invitation: Invitation, spec: dict, feedback_settings) -> Answer:
    answer = Answer(invitation=invitation, csat=spec["csat"], nps=spec["nps"])
    answer.effort = spec["effort"]
    answer.is_low = feedback_settings.is_low(answer)
    answer.comment = "" if spec["themes"] is None else "A comment"
    return answer


def new_recovery(answer: Answer, spec: dict) -> Recovery:
    """`answer.answered_at` is set by its insert (auto_now_add)."""
    seconds = spec["recovery"] or None
    return Recovery(
        answer=answer,
        team=answer.invitation.moment.team,
        reason="satisfaction",
        closed_at=seconds and answer.answered_at + timedelta(seconds=seconds),
        seconds_to_recover=seconds,
        lapsed_at=answer.answered_at + timedelta(days=14) if spec["lapsed"] else None,
        closed_late=bool(seconds) and spec["lapsed"],
    )


def add_remedies(given: list[tuple[Moment, list[tuple]]]) -> None:
    kinds = list(RemedyKind.objects.order_by("pk"))
    Remedy.objects.bulk_create(
        new_remedy(moment, kinds[kind], cents, after_answer)
        for moment, specs in given
        for kind, cents, after_answer in specs
    )


def new_remedy(moment: Moment, kind: RemedyKind, cents: int, after_answer: bool) -> Remedy:
    answer = getattr(getattr(moment, "invitation", None), "answer", None)
    answered = answer.answered_at if answer is not None else moment.occurred_at
    return Remedy(
        moment=moment, kind=kind, given_by=moment.staff, team=moment.team,
        location=moment.location, amount=Decimal(cents) / 100,
        currency=moment.location.currency,
        given_at=answered + timedelta(minutes=5 if after_answer else -5),
        given_on=moment.local_date, local_date=moment.local_date,
    )  # fmt: skip


def create_needs(teams, specs, change) -> list[Need]:
    needs = []
    for spec in specs:
        team = teams[spec["team"]]
        provided = spec["status"] == Need.Status.PROVIDED
        need = Need(
            raised_by=team.members.get(),
            team=team,
            location=team.location,
            kind=spec["kind"],
            raised_at=change + timedelta(minutes=spec["minute"]),
            status=spec["status"],
            seconds_to_provide=spec["seconds"] if provided else None,
        )
        need.save()
        needs.append(need)
    return needs


def move(moment: Moment, team: Team, days_later: int) -> None:
    """A correction: another team (maybe another location) and day; both days go dirty."""
    old = (moment.location_id, moment.local_date)
    moment.team, moment.location = team, team.location
    moment.occurred_at += timedelta(days=days_later)
    moment.save()
    Remedy.objects.filter(moment=moment).update(
        team=team, location=team.location, local_date=moment.local_date
    )
    mark_day_dirty(*old)
    mark_day_dirty(moment.location_id, moment.local_date)


# Words the tagger reads as each of THEMES, in English.
THEME_WORDS = ["queue", "suitcase", "rude"]


def renote(moment: Moment, themes: set[int] | None) -> Moment:
    """A correction of the note, as the agent makes it; then the worker's walk, which had
    passed every comment and note already, re-tags the corrected note."""
    ThemeCatalogue.objects.update_or_create(
        pk=1,
        defaults={
            "answers_done_to": Answer.objects.aggregate(n=Max("pk"))["n"] or 0,
            "notes_done_to": Moment.objects.aggregate(n=Max("pk"))["n"],
        },
    )
    words = " and ".join(THEME_WORDS[i] for i in sorted(themes or ()))
    note = "" if themes is None else words or "Nothing to add"
    fields = ["touchpoint_type", "channel", "outcome", "resolved_on_spot", "extra", "occurred_at"]
    cleaned = {name: getattr(moment, name) for name in fields}
    moment = correct_moment(moment.staff, moment, {**cleaned, "note": note})
    retag.run(seconds=WALK_SECONDS, settle=timedelta(0))
    expected = {theme_rows()[i].pk for i in themes or ()}
    assert set(MomentTheme.objects.filter(moment=moment).values_list("theme", flat=True)) == (
        expected
    )
    return moment


def delete(moment: Moment) -> None:
    """A moment logged by mistake, removed with its feedback; its day goes dirty."""
    invitation = getattr(moment, "invitation", None)
    answer = getattr(invitation, "answer", None)
    recovery = getattr(answer, "recovery", None)
    moment.remedies.all().delete()
    for row in (recovery, answer, invitation, moment):
        if row is not None:
            row.delete()
    mark_day_dirty(moment.location_id, moment.local_date)


def theme_rows() -> list[Theme]:
    """THEMES' rows, the starting themes loaded first when one is missing: a transactional
    test may start from an emptied database, or a merge may have removed one. (Loading
    looks each starting theme up: a query apiece, which most calls need not pay.)"""
    by_name = {theme.name_en: theme for theme in Theme.objects.filter(name_en__in=THEMES)}
    if len(by_name) < len(THEMES):
        catalogue.load_starting_themes()
        by_name = {theme.name_en: theme for theme in Theme.objects.filter(name_en__in=THEMES)}
    return [by_name[name] for name in THEMES]


def local_days(change: datetime) -> list:
    first = (change - timedelta(minutes=WINDOW_MINUTES, days=4)).date() - timedelta(days=1)
    return [first + timedelta(days=n) for n in range(12)]


def all_buckets() -> set:
    moments = set(Moment.objects.values_list("location_id", "local_date"))
    return moments | set(Need.objects.values_list("location_id", "local_date"))


def delete_raw_rows_and_roll_ups() -> None:
    for model in (
        ThemeDailyRollup,
        ThemeLocationDayRollup,
        NoteThemeDailyRollup,
        AnswerTheme,
        MomentTheme,
        DailyRollup,
        LocationDayRollup,
        TypeDayRollup,
        NeedRollup,
        LocationNeedRollup,
        RemedyRollup,
        LowMomentRollup,
        DirtyDay,
        Remedy,
        Recovery,
        Answer,
        Invitation,
        Need,
        Moment,
    ):
        model.objects.all().delete()


ROLL_UPS = [
    (DailyRollup, COUNTED_COLUMNS),
    (LocationDayRollup, COUNTED_COLUMNS),
    (TypeDayRollup, COUNTED_COLUMNS),
    (NeedRollup, NEED_COLUMNS),
    (LocationNeedRollup, NEED_COLUMNS),
    (ThemeDailyRollup, THEME_COLUMNS),
    (NoteThemeDailyRollup, THEME_COLUMNS),
    (ThemeLocationDayRollup, THEME_COLUMNS),
    (RemedyRollup, REMEDY_COLUMNS),
    (LowMomentRollup, LOW_MOMENT_COLUMNS),
]


def damage_roll_ups() -> None:
    """Every other row of each roll-up table lost, the others' first count one too high: what
    a range rebuild's writes must put right from the raw rows."""
    for model, columns in ROLL_UPS:
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        model.objects.filter(pk__in=pks[::2]).delete()
        model.objects.filter(pk__in=pks[1::2]).update(**{columns[0]: F(columns[0]) + 1})


def roll_up_snapshot() -> list[tuple]:
    key = ["location", "local_date", "team", "touchpoint_type", "channel"]
    moments = DailyRollup.objects.values_list(*key, *COUNTED_COLUMNS)
    needs = NeedRollup.objects.values_list("location", "local_date", "team", "kind", *NEED_COLUMNS)
    days = LocationDayRollup.objects.values_list("location", "local_date", *COUNTED_COLUMNS)
    type_days = TypeDayRollup.objects.values_list(*key[:-1], *COUNTED_COLUMNS)
    need_days = LocationNeedRollup.objects.values_list("location", "local_date", *NEED_COLUMNS)
    themes = [
        sorted(model.objects.values_list(*key, "theme", *THEME_COLUMNS))
        for model in (ThemeDailyRollup, NoteThemeDailyRollup)
    ]
    theme_days = ThemeLocationDayRollup.objects.values_list(
        "location", "local_date", "theme", *THEME_COLUMNS
    )
    remedies = RemedyRollup.objects.values_list(*key, "kind", "currency", *REMEDY_COLUMNS)
    low = LowMomentRollup.objects.values_list(*key, "remedied", *LOW_MOMENT_COLUMNS)
    return (
        sorted(moments)
        + sorted(needs)
        + sorted(days)
        + sorted(type_days)
        + sorted(need_days)
        + themes[0]
        + themes[1]
        + sorted(theme_days)
        + sorted(remedies)
        + sorted(low)
    )


# --- groupings and the oracle ----------------------------------------------------------


@st.composite
def grouping(draw, org, teams, change):
    """A random filter, the same on raw rows and roll-ups: (moment filter, need filter)."""
    where, needs_where = {}, {}
    locations = sorted({team.location_id for team in teams})
    chosen = draw(st.none() | st.sets(st.sampled_from(locations), min_size=1))
    if chosen is not None:
        where["location__in"] = needs_where["location__in"] = chosen
    if draw(st.booleans()):
        where["team"] = needs_where["team"] = draw(st.sampled_from(teams))
    if draw(st.booleans()):
        where["touchpoint_type"] = draw(st.sampled_from([org["desk"], org["boarding"]]))
    if draw(st.booleans()):
        where["channel"] = draw(st.sampled_from(Channel.values))
    if draw(st.booleans()):
        days = local_days(change)
        first = draw(st.sampled_from(days))
        last = first + timedelta(days=draw(st.integers(0, 4)))
        where["local_date__range"] = needs_where["local_date__range"] = (first, last)
    return where, needs_where


def assert_roll_ups_match_raw(where: dict, needs_where: dict) -> None:
    rolled = Figures.of(DailyRollup.objects.filter(**where))
    # Each raw row read once: the remedies with their moments, not one query per moment.
    moments = with_feedback(Moment.objects.filter(**where).prefetch_related("remedies"))
    assert rolled == Figures(**raw_sums(moments)), where
    direct = raw_metrics(moments)
    for name in METRICS:
        assert same(getattr(rolled, name), direct[name]), (name, where)
    for model, raw in ((ThemeDailyRollup, raw_theme_sums), (NoteThemeDailyRollup, raw_note_sums)):
        assert theme_sums(model.objects.filter(**where)) == raw(moments), (model, where)
    assert_remedy_roll_ups_match_raw(where, moments)
    needs = NeedRollup.objects.filter(**needs_where)
    rolled_needs = {name: sum(needs.values_list(name, flat=True)) for name in NEED_COLUMNS}
    assert rolled_needs == raw_need_sums(Need.objects.filter(**needs_where)), needs_where


def assert_remedy_roll_ups_match_raw(where: dict, moments: list[Moment]) -> None:
    """Remedies and the low moments' comparison, summed from roll-ups, against the raw rows."""
    given = [r for m in moments for r in m.remedies.all()]
    rolled = RemedyRollup.objects.filter(**where)
    low_cost = sum((r.amount for r in given if r.moment.outcome <= 2), Decimal(0))
    assert column_sums(rolled, REMEDY_COLUMNS) == {
        "remedies": len(given),
        "remedy_cost": sum((r.amount for r in given), Decimal(0)),
        "over_limit": sum(r.over_limit for r in given),
        "on_low_moments": sum(r.moment.outcome <= 2 for r in given),
        "cost_on_low_moments": low_cost,
    }, where
    for remedied in (True, False):
        low = [m for m in moments if m.outcome <= 2 and remedied_before_answer(m) is remedied]
        answers = [m.invitation.answer for m in low if answer_of(m) is not None]
        nps = [a.nps for a in answers if a.nps is not None]
        rolled_low = LowMomentRollup.objects.filter(**where, remedied=remedied)
        assert column_sums(rolled_low, LOW_MOMENT_COLUMNS) == {
            "low_moments": len(low),
            "csat_answers": len(answers),
            "satisfied": sum(a.csat >= 4 for a in answers),
            "nps_answers": len(nps),
            "promoters": sum(n >= 9 for n in nps),
            "detractors": sum(n <= 6 for n in nps),
        }, (where, remedied)


def answer_of(moment: Moment):
    return getattr(getattr(moment, "invitation", None), "answer", None)


def remedied_before_answer(moment: Moment) -> bool:
    answer = answer_of(moment)
    return any(answer is None or r.given_at <= answer.answered_at for r in moment.remedies.all())


def column_sums(rows, columns: list[str]) -> dict:
    sums = rows.aggregate(**{c: Sum(c) for c in columns})
    return {c: sums[c] or (Decimal(0) if "cost" in c else 0) for c in columns}


def assert_coarser_roll_ups_are_sums() -> None:
    """Each coarser roll-up holds exactly its source summed over its key: LocationDayRollup
    and TypeDayRollup of DailyRollup, LocationNeedRollup of NeedRollup. No row missing, none
    left over from a day that emptied, every column equal."""
    assert_sums(LocationDayRollup, DailyRollup, ["location", "local_date"], COUNTED_COLUMNS)
    type_key = ["location", "local_date", "team", "touchpoint_type"]
    assert_sums(TypeDayRollup, DailyRollup, type_key, COUNTED_COLUMNS)
    assert_sums(LocationNeedRollup, NeedRollup, ["location", "local_date"], NEED_COLUMNS)
    theme_key = ["location", "local_date", "theme"]
    assert_sums(ThemeLocationDayRollup, ThemeDailyRollup, theme_key, THEME_COLUMNS)


def assert_sums(coarser, source, key: list[str], columns: list[str]) -> None:
    summed = source.objects.values(*key).annotate(**{c: Sum(c) for c in columns}).order_by()
    expected = [tuple(row[c] for c in [*key, *columns]) for row in summed]
    actual = coarser.objects.values_list(*key, *columns)
    assert sorted(actual) == sorted(expected), coarser.__name__


def with_feedback(moments) -> list[Moment]:
    """The moments of a queryset with their invitations, answers and recoveries, in one
    query: `raw_sums` reads each of them, one query apiece when not read with the moment."""
    return list(
        moments.select_related("invitation", "invitation__answer", "invitation__answer__recovery")
    )


def raw_sums(moments: list[Moment]) -> dict[str, int]:
    """Every roll-up column, counted one moment at a time."""
    sums = dict.fromkeys(COUNTED_COLUMNS, 0)
    for m in moments:
        sums["moments"] += 1
        sums["resolved_on_spot"] += m.resolved_on_spot is True
        sums["resolution_recorded"] += m.resolved_on_spot is not None
        sums[f"outcome_{m.outcome}"] += 1
        invitation = getattr(m, "invitation", None)
        answer = getattr(invitation, "answer", None)
        sums["invitations"] += invitation is not None
        sums["notes"] += m.note != "" or m.note_blanked  # a blanked note still counts
        if answer is not None:
            add_answer(sums, m, answer)
    return sums


def theme_sums(rows) -> dict[int, tuple]:
    """{theme id: (comments, csat answers, Σ csat, satisfied)} summed from theme roll-ups."""
    summed = rows.values("theme").annotate(**{c: Sum(c) for c in THEME_COLUMNS}).order_by()
    return {row["theme"]: tuple(row[c] for c in THEME_COLUMNS) for row in summed}


def _add_theme(sums: dict, theme_id: int, answer: Answer | None) -> None:
    comments, n, total, satisfied = sums.get(theme_id, (0, 0, 0, 0))
    csat = answer.csat if answer is not None else None
    sums[theme_id] = (
        comments + 1,
        n + (csat is not None),
        total + (csat or 0),
        satisfied + (csat is not None and csat >= 4),
    )


def raw_theme_sums(moments: list[Moment]) -> dict[int, tuple]:
    """What customers say, one tagged answer at a time (tags as stored, after any merge)."""
    sums: dict[int, tuple] = {}
    answers = {a.pk: a for a in map(answer_of, moments) if a is not None}
    tags = AnswerTheme.objects.filter(answer__in=list(answers)).values_list("answer", "theme")
    for answer_id, theme_id in tags:
        _add_theme(sums, theme_id, answers[answer_id])
    return sums


def raw_note_sums(moments: list[Moment]) -> dict[int, tuple]:
    """What staff say: each tagged note, with its moment's answer's CSAT when there is one."""
    sums: dict[int, tuple] = {}
    by_id = {m.pk: m for m in moments}
    tags = MomentTheme.objects.filter(moment__in=list(by_id)).values_list("moment", "theme")
    for moment_id, theme_id in tags:
        _add_theme(sums, theme_id, answer_of(by_id[moment_id]))
    return sums


def add_answer(sums: dict, m: Moment, a: Answer) -> None:
    sums["answers"] += 1
    sums["comments"] += a.comment != "" or a.comment_blanked
    sums["csat_answers"] += 1
    sums["satisfied"] += a.csat >= 4
    if a.nps is not None:
        sums["nps_answers"] += 1
        sums["promoters"] += a.nps >= 9
        sums["detractors"] += a.nps <= 6
    if a.effort is not None:
        sums["effort_answers"] += 1
        sums["effort_sum"] += a.effort
        sums["effort_squares"] += a.effort * a.effort
    sums["low_answers"] += a.is_low
    sums["gap_staff_good_customer_low"] += m.outcome >= 4 and a.is_low
    sums["gap_staff_bad_customer_high"] += m.outcome <= 2 and a.csat >= 4
    recovery = getattr(a, "recovery", None)
    if recovery is not None:
        sums["recoveries_opened"] += 1
        sums["recoveries_lapsed"] += recovery.lapsed_at is not None
        if recovery.closed_at is not None and not recovery.closed_late:
            sums["recoveries_closed"] += 1
            sums["recovery_seconds"] += recovery.seconds_to_recover


def raw_metrics(moments: list[Moment]) -> dict[str, float | None]:
    """Each metric straight from its definition (docs/metrics.md), not from sums."""
    invitations = [m.invitation for m in moments if hasattr(m, "invitation")]
    answers = [i.answer for i in invitations if hasattr(i, "answer")]
    nps = [a.nps for a in answers if a.nps is not None]
    effort = [a.effort for a in answers if a.effort is not None]
    low = [a for a in answers if a.is_low]
    recoveries = [a.recovery for a in answers if hasattr(a, "recovery")]
    closed = [r for r in recoveries if r.closed_at and r.lapsed_at is None]  # recovered in time
    recorded = [m for m in moments if m.resolved_on_spot is not None]
    return {
        "csat": percent([a.csat >= 4 for a in answers]),
        "nps": None if not nps else percent([n >= 9 for n in nps]) - percent([n <= 6 for n in nps]),
        "effort": sum(effort) / len(effort) if effort else None,
        "resolved_pct": percent([m.resolved_on_spot for m in recorded]),
        "resolution_coverage": percent([m in recorded for m in moments]),
        "response_rate": 100 * len(answers) / len(invitations) if invitations else None,
        "recovery_rate": 100 * len(closed) / len(low) if low else None,
        "hours_to_recover": (
            sum(r.seconds_to_recover for r in closed) / len(closed) / 3600 if closed else None
        ),
    }


def raw_need_sums(needs) -> dict[str, int]:
    statuses = [need.status for need in needs]
    return {
        "raised": len(statuses),
        "acknowledged": statuses.count(Need.Status.ACKNOWLEDGED),
        "provided": statuses.count(Need.Status.PROVIDED),
        "declined": statuses.count(Need.Status.DECLINED),
        "provide_seconds": sum(
            need.seconds_to_provide for need in needs if need.status == Need.Status.PROVIDED
        ),
    }


def percent(flags: list[bool]) -> float | None:
    return 100 * sum(flags) / len(flags) if flags else None


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
