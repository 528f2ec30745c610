from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from dashboards.metrics import Figures
from dashboards.models import DailyRollup, LocationDayRollup, NeedRollup
from feedback.models import Answer, Invitation
from touchpoints.models import DirtyDay, Location, Moment, Need, TouchpointType, User

DAYS = 5  # enough for every type to collect answers, small enough to stay fast


def load_demo() -> str:
    out = StringIO()
    call_command("demo_data", days=DAYS, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return load_demo()


def test_demo_data_builds_three_locations_in_two_time_zones(demo):
    assert Location.objects.count() == 3
    assert Location.objects.values("timezone").distinct().count() >= 2


def test_demo_moments_fall_on_their_locations_day_during_opening_hours(demo):
    for moment in Moment.objects.select_related("location")[:500]:
        local = moment.occurred_at.astimezone(moment.location.tz)
        assert moment.local_date == local.date()
        assert 5 <= local.hour <= 22


def test_demo_channels_match_the_touchpoint_type(demo):
    channels = set(Moment.objects.values_list("touchpoint_type__name", "channel").distinct())
    assert ("Phone call", "phone") in channels
    assert ("Chat", "chat") in channels
    assert {channel for name, channel in channels if name == "Boarding"} == {"in_person"}


def test_demo_data_rolls_everything_up(demo):
    sums = DailyRollup.objects.aggregate(moments=Sum("moments"), answers=Sum("answers"))
    assert sums["moments"] == Moment.objects.count() > 0
    assert sums["answers"] == Answer.objects.count() > 0
    days = LocationDayRollup.objects.aggregate(moments=Sum("moments"), answers=Sum("answers"))
    assert days == sums
    assert not DirtyDay.objects.exists()


def test_running_demo_data_twice_creates_nothing_more(demo):
    counts = (Moment.objects.count(), Invitation.objects.count(), User.objects.count())

    output = load_demo()

    assert (Moment.objects.count(), Invitation.objects.count(), User.objects.count()) == counts
    assert "already there" in output
    assert "manager.nordic" in output


def test_some_touchpoint_types_are_clearly_worse_for_customers(demo):
    csat = [
        Figures.of(DailyRollup.objects.filter(touchpoint_type=type_)).csat
        for type_ in TouchpointType.objects.all()
    ]
    csat = [value for value in csat if value is not None]
    assert max(csat) - min(csat) >= 20


def test_demo_logins_work(demo, client):
    assert client.login(username="agent", password="moments-demo")
    assert client.get("/log/").status_code == 200


def test_regional_manager_sees_both_nordic_airports_on_the_dashboard(demo, client):
    client.login(username="manager.nordic", password="moments-demo")

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert "Copenhagen" in response.text
    assert "New York" not in response.text


def test_demo_data_prints_the_logins(demo):
    assert "http://127.0.0.1:8000/" in demo
    for username in ["admin", "manager.arn", "agent"]:
        assert username in demo


def test_demo_front_line_has_recovered_most_low_answers(demo):
    figures = Figures.of(DailyRollup.objects.all())
    assert figures.low_answers > 0
    assert figures.recoveries_opened == figures.low_answers
    assert 50 < figures.recovery_rate < 100


def test_demo_managers_have_needs_waiting_and_needs_answered(demo):
    statuses = set(Need.objects.values_list("status", flat=True))
    assert Need.Status.OPEN in statuses
    assert Need.Status.PROVIDED in statuses
    assert NeedRollup.objects.aggregate(raised=Sum("raised"))["raised"] == Need.objects.count()
