"""The morning digest: at 07:00 in the manager's location's time, once a day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dashboards.digest import send_due_digests
from dashboards.models import DigestSent
from tests.conftest import add_moment, roll_up_everything
from touchpoints.models import Need
from touchpoints.needs import raise_need

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def maria(arn_manager):
    arn_manager.email = "maria@example.com"
    arn_manager.save()
    return arn_manager


def test_nothing_is_sent_before_seven_in_the_managers_own_time(maria, mailoutbox):
    assert send_due_digests(now=at(6, 59)) == 0
    assert mailoutbox == []


def test_digest_goes_out_once_a_day_after_seven(maria, mailoutbox):
    send_due_digests(now=at(7, 0))
    send_due_digests(now=at(7, 15))
    send_due_digests(now=at(18, 0))
    assert [m.to for m in mailoutbox] == [["maria@example.com"]]
    send_due_digests(now=at(7, 5, day=26))
    assert len(mailoutbox) == 2


def test_new_york_manager_waits_for_seven_in_new_york(jfk_manager, maria, mailoutbox):
    send_due_digests(now=at(8, 0))  # 02:00 in New York
    assert [m.to for m in mailoutbox] == [["maria@example.com"]]


def test_digest_lists_open_needs_and_yesterdays_figures(maria, agent, org, mailoutbox):
    raise_need(agent, Need.Kind.TRAINING, "Training on the new wheelchair process")
    add_moment(agent, org["desk"], occurred_at=at(12, day=24), answer={"csat": 5, "nps": 10})
    roll_up_everything()
    send_due_digests(now=at(7, 0))
    body = mailoutbox[0].body
    assert "Training on the new wheelchair process" in body
    assert "Moments: 1" in body
    assert "NPS: +100" in body
    assert "1 open needs" in mailoutbox[0].subject


def test_a_failed_send_is_tried_again_next_run(maria, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.dashboards.test_digest.BrokenBackend"
    assert send_due_digests(now=at(7, 0)) == 0
    assert not DigestSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_digests(now=at(7, 15)) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")
