"""Hourly emails about new needs: the manager's own choice, at most one an hour, each need
mailed once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from dashboards.models import DigestSent, NeedEmailSent
from dashboards.need_emails import send_need_emails, set_preference
from tests.conftest import PASSWORD
from touchpoints.models import Need
from touchpoints.needs import raise_need

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NINE = datetime(2026, 11, 25, 9, 0, tzinfo=STOCKHOLM)


def at(minutes: int) -> datetime:
    """Minutes after 09:00 on a Wednesday in Stockholm."""
    return NINE + timedelta(minutes=minutes)


def raised_at(person, minutes: int, note: str) -> Need:
    need = raise_need(person, Need.Kind.TOOL, note)
    need.raised_at = at(minutes)
    need.save()
    return need


@pytest.fixture
def maria(arn_manager):
    arn_manager.email = "maria@example.com"
    arn_manager.save()
    set_preference(arn_manager, True, now=at(0))
    return arn_manager


def test_a_manager_opts_in_on_the_needs_page_and_out_again(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    client.post(reverse("dashboards:need_emails"), {"hourly": "on"})
    arn_manager.refresh_from_db()
    assert arn_manager.need_emails_since is not None
    assert 'name="hourly" checked' in client.get(reverse("dashboards:needs")).text
    client.post(reverse("dashboards:need_emails"), {})
    arn_manager.refresh_from_db()
    assert arn_manager.need_emails_since is None


def test_an_admin_sees_whether_a_manager_gets_the_emails(client, admin_user, maria):
    client.login(username=admin_user.username, password=PASSWORD)
    page = client.get(f"/admin/touchpoints/user/{maria.pk}/change/").text
    assert "Hourly emails about new needs" in page
    assert "On since" in page


def test_new_needs_are_mailed_at_most_once_an_hour(maria, agent, mailoutbox):
    raised_at(agent, 5, "Printer at desk 4 jams")
    assert send_need_emails(now=at(10)) == 1
    raised_at(agent, 20, "Wheelchair on the way")
    assert send_need_emails(now=at(30)) == 0  # the last email went 20 minutes ago
    assert send_need_emails(now=at(69)) == 0
    assert send_need_emails(now=at(70)) == 1
    first, second = mailoutbox
    assert first.to == ["maria@example.com"]
    assert "Printer at desk 4 jams" in first.body and "Wheelchair" not in first.body
    assert "Wheelchair on the way" in second.body and "Printer" not in second.body
    assert second.subject == "Moments: 1 new need from your front line"


def test_no_needs_no_email(maria, mailoutbox):
    assert send_need_emails(now=at(90)) == 0
    assert mailoutbox == []


def test_needs_raised_before_opting_in_are_never_mailed(maria, agent, mailoutbox):
    raised_at(agent, -30, "From before")
    assert send_need_emails(now=at(10)) == 0
    assert mailoutbox == []


def test_only_needs_in_the_managers_scope_and_only_to_those_who_asked(
    maria, jfk_manager, jfk_agent, agent, mailoutbox
):
    raised_at(jfk_agent, 5, "New York printer")
    raised_at(agent, 6, "Stockholm printer")
    assert send_need_emails(now=at(10)) == 1
    assert [m.to for m in mailoutbox] == [["maria@example.com"]]
    assert "New York" not in mailoutbox[0].body


def test_a_failed_send_is_tried_again_with_the_same_needs(maria, agent, mailoutbox, settings):
    raised_at(agent, 5, "Printer")
    settings.EMAIL_BACKEND = "tests.dashboards.test_digest.BrokenBackend"
    assert send_need_emails(now=at(10)) == 0
    assert not NeedEmailSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_need_emails(now=at(15)) == 1
    assert "Printer" in mailoutbox[0].body


class ProcessStopped(BaseException):
    """The worker killed between handing the mail over and recording that it did."""


class DeliversThenStops:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        raise ProcessStopped


def test_a_crash_after_sending_never_mails_the_same_needs_twice(
    maria, agent, mailoutbox, settings, caplog
):
    raised_at(agent, 5, "Printer")
    settings.EMAIL_BACKEND = "tests.dashboards.test_need_emails.DeliversThenStops"
    with pytest.raises(ProcessStopped):
        send_need_emails(now=at(10))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_need_emails(now=at(80)) == 0  # due again, but nothing new since that span
    raised_at(agent, 85, "Scanner")
    assert send_need_emails(now=at(90)) == 1
    assert ["Printer" in m.body for m in mailoutbox] == [True, False]
    assert NeedEmailSent.objects.order_by("until").first().status == DigestSent.Status.UNKNOWN
    assert "may not have gone out" in caplog.text


def test_beat_asks_for_the_emails_every_five_minutes():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["need-emails"]
    assert schedule["task"] == "dashboards.send_need_emails"
