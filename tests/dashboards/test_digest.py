"""The morning digest: at 07:00 in the manager's location's time, once a day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dashboards.digest import send_due_digests
from dashboards.models import DigestSent
from tests.conftest import add_moment, make_user, roll_up_everything
from touchpoints.models import Location, Need, Role, Team
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
    assert "1 open need" in mailoutbox[0].subject


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


AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_digest_waits_until_yesterday_is_over_at_every_location(maria, agent, org, mailoutbox):
    akl = Location.objects.create(name="Auckland", code="AKL", timezone="Pacific/Auckland")
    maria.managed_locations.add(akl)  # Auckland comes first: it is her home
    akl_agent = make_user(
        "aroha", Role.FRONTLINE, team=Team.objects.create(name="Desk", location=akl)
    )
    add_moment(akl_agent, org["desk"], occurred_at=datetime(2026, 11, 25, 12, tzinfo=AUCKLAND))
    add_moment(agent, org["desk"], occurred_at=at(12, day=25))
    add_moment(agent, org["desk"], occurred_at=at(21, day=25))  # the evening in Stockholm
    roll_up_everything()
    seven_in_auckland = datetime(2026, 11, 26, 7, tzinfo=AUCKLAND)  # 19:00 the 25th in Stockholm
    assert send_due_digests(now=seven_in_auckland) == 0
    assert send_due_digests(now=at(23, 59, day=25)) == 0
    assert send_due_digests(now=at(0, 0, day=26)) == 1  # Stockholm's 25th is over
    assert "Wednesday 25 November, each location's own day" in mailoutbox[0].body
    assert "Moments: 3" in mailoutbox[0].body


def test_manager_of_stockholm_and_new_york_gets_both_whole_days(
    maria, agent, jfk_agent, org, mailoutbox
):
    maria.managed_locations.add(org["jfk"])  # New York comes first: her mornings follow it
    new_york = ZoneInfo("America/New_York")
    add_moment(agent, org["desk"], occurred_at=at(23, 30, day=25))
    add_moment(jfk_agent, org["desk"], occurred_at=datetime(2026, 11, 25, 23, 30, tzinfo=new_york))
    roll_up_everything()
    assert send_due_digests(now=at(7, 0, day=26)) == 0  # 01:00 in New York
    assert send_due_digests(now=datetime(2026, 11, 26, 7, tzinfo=new_york)) == 1
    assert "Moments: 2" in mailoutbox[0].body


class ProcessStopped(BaseException):
    """The worker killed between handing the mail over and recording that it did."""


class DeliversThenStops:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        raise ProcessStopped


def test_a_crash_after_sending_never_sends_the_digest_twice(maria, mailoutbox, settings, caplog):
    settings.EMAIL_BACKEND = "tests.dashboards.test_digest.DeliversThenStops"
    with pytest.raises(ProcessStopped):
        send_due_digests(now=at(7, 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_digests(now=at(7, 5)) == 0
    assert send_due_digests(now=at(7, 30)) == 0
    assert [m.to for m in mailoutbox] == [["maria@example.com"]]
    assert DigestSent.objects.get().status == DigestSent.Status.UNKNOWN
    assert "may not have gone out" in caplog.text


def test_a_sent_digest_is_recorded_as_sent(maria, mailoutbox):
    send_due_digests(now=at(7, 0))
    record = DigestSent.objects.get()
    assert (record.status, record.sent_at) == (DigestSent.Status.SENT, at(7, 0))
