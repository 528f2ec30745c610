"""Correcting when a moment happened: only when the person changes it, and read exactly
when the clocks change (Stockholm: back at 03:00 on 25 October 2026, forward at 02:00 on
29 March 2026)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def clock(monkeypatch):
    """Sets the server's clock, so a moment can be logged and corrected in a night the
    clocks changed (both within the fifteen minutes a correction is open)."""

    def set_to(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return set_to


def log(client, org, occurred_at: datetime) -> Moment:
    data = moment_post(org["bag_drop"], outcome=2, occurred_at=occurred_at.isoformat())
    assert client.post(LOG_URL, data, headers=JSON).status_code == 201
    return Moment.objects.get(uuid=data["uuid"])


def correction(org, wall_time: str, **fields) -> dict:
    data = moment_post(org["bag_drop"], outcome=4, occurred_at=wall_time, **fields)
    data.pop("uuid")
    return data


def correct(client, moment, data):
    return client.post(reverse("touchpoints:correct", args=[moment.uuid]), data)


def test_moment_in_the_repeated_autumn_hour_is_corrected_and_keeps_its_time(
    agent_client, org, clock
):
    clock(datetime(2026, 10, 25, 1, 40, tzinfo=UTC))
    moment = log(agent_client, org, datetime(2026, 10, 25, 1, 30, 17, tzinfo=UTC))  # 02:30 CET
    form = agent_client.get(reverse("touchpoints:correct", args=[moment.uuid]))
    assert "02:30 the first time (summer time, CEST, UTC+02:00)" in form.text
    assert 'value="second" checked' in form.text
    response = correct(
        agent_client, moment, correction(org, "2026-10-25T02:30", dst_reading="second")
    )
    assert response.status_code == 302
    moment.refresh_from_db()
    assert (moment.outcome, moment.occurred_at) == (
        4,
        datetime(2026, 10, 25, 1, 30, 17, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("reading", "stored"),
    [
        ("first", datetime(2026, 10, 25, 0, 10, tzinfo=UTC)),
        ("second", datetime(2026, 10, 25, 1, 10, tzinfo=UTC)),
    ],
)
def test_a_time_in_the_repeated_hour_offers_both_readings_and_stores_the_chosen_one(
    agent_client, org, clock, reading, stored
):
    clock(datetime(2026, 10, 25, 1, 40, tzinfo=UTC))
    moment = log(agent_client, org, datetime(2026, 10, 25, 1, 35, tzinfo=UTC))
    asked = correct(agent_client, moment, correction(org, "2026-10-25T02:10"))
    assert asked.status_code == 422
    assert "02:10 on 25 October happened twice at Stockholm Arlanda" in asked.text
    assert "02:10 the first time (summer time, CEST, UTC+02:00)" in asked.text
    assert "02:10 the second time (standard time, CET, UTC+01:00)" in asked.text
    moment.refresh_from_db()
    assert moment.outcome == 2
    correct(agent_client, moment, correction(org, "2026-10-25T02:10", dst_reading=reading))
    moment.refresh_from_db()
    assert (moment.outcome, moment.occurred_at) == (4, stored)


def test_a_time_in_the_skipped_spring_hour_is_refused_with_the_reason(agent_client, org, clock):
    clock(datetime(2026, 3, 29, 2, 0, tzinfo=UTC))  # 04:00 summer time
    moment = log(agent_client, org, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30
    response = correct(agent_client, moment, correction(org, "2026-03-29T02:30"))
    assert response.status_code == 422
    assert "02:30 on 29 March never happened at Stockholm Arlanda" in response.text
    assert "the clocks went forward" in response.text
    moment.refresh_from_db()
    assert (moment.outcome, moment.occurred_at) == (2, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))


def test_a_time_left_as_shown_keeps_its_seconds(agent_client, org, clock):
    # A June morning: on the night in October when the clocks go back, a time shown in the
    # repeated hour is asked about (above) rather than kept.
    happened = datetime(2026, 6, 10, 7, 15, 42, tzinfo=UTC)
    clock(happened.replace(minute=20))
    moment = log(agent_client, org, happened)
    shown = f"{timezone.localtime(happened, org['arn'].tz):%Y-%m-%dT%H:%M}"
    correct(agent_client, moment, correction(org, shown, note="Paid the fee"))
    moment.refresh_from_db()
    assert (moment.note, moment.occurred_at) == ("Paid the fee", happened)
    assert not any(
        "occurred_at" in c.after and c.after["occurred_at"] != c.before["occurred_at"]
        for c in moment.corrections.all()
    )


def test_an_unreadable_time_is_refused_and_changes_nothing(agent_client, org):
    moment = log(agent_client, org, timezone.now())
    response = correct(agent_client, moment, correction(org, "yesterday-ish"))
    assert response.status_code == 422
    assert "Enter a valid date/time." in response.text
    moment.refresh_from_db()
    assert moment.outcome == 2
