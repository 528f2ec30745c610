"""The admin and the audit trail write times on a 24-hour clock and name the zone."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.touchpoints.admin_posts import location_form
from touchpoints.models import AuditEntry

EVENING = datetime(2026, 12, 1, 21, 15, tzinfo=UTC)
# "9:15 p.m.", "9 PM", and Django's words for 12:00 and 0:00 on a 12-hour clock.
TWELVE_HOUR = re.compile(
    r"\b[ap]\.\s?m\.|\b\d{1,2}(:\d\d)?\s?[AaPp]\.?[Mm]\b|\bnoon\b|\bmidnight\b"
)


@pytest.fixture
def evening_change(client, org, role_admin) -> AuditEntry:
    arn = org["arn"]
    client.force_login(role_admin)
    client.post(
        reverse("admin:touchpoints_location_change", args=[arn.pk]),
        location_form(arn, timezone="Europe/Oslo"),
    )
    AuditEntry.objects.update(at=EVENING)
    return AuditEntry.objects.get()


def test_the_audit_trail_lists_changes_at_a_24_hour_time(client, evening_change):
    listing = client.get(reverse("admin:touchpoints_auditentry_changelist")).text

    assert "1 Dec 2026, 21:15 UTC" in listing
    assert not TWELVE_HOUR.search(listing)


def test_an_objects_history_shows_24_hour_times(client, org, evening_change):
    history = client.get(reverse("admin:touchpoints_location_history", args=[org["arn"].pk])).text

    assert ">1 Dec 2026, 21:15 UTC</time>" in history
    assert not TWELVE_HOUR.search(history)


def test_an_audit_entry_shows_a_24_hour_time(client, evening_change):
    url = reverse("admin:touchpoints_auditentry_change", args=[evening_change.pk])

    page = client.get(url).text

    assert "1 Dec 2026, 21:15 UTC" in page
    assert not TWELVE_HOUR.search(page)


def test_swedish_admin_times_are_24_hour_too(client, org, evening_change):
    with translation.override("sv"):
        url = reverse("admin:touchpoints_location_history", args=[org["arn"].pk])
    history = client.get(url, headers={"accept-language": "sv"}).text

    assert "21:15 UTC" in history
    assert not TWELVE_HOUR.search(history)
