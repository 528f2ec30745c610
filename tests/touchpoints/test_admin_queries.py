"""List pages cost the same few queries with 5 rows or 60: no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from touchpoints import audit
from touchpoints.models import (
    AuditEntry,
    ExtraField,
    JourneyStage,
    Location,
    Role,
    Team,
    TouchpointType,
)

LIST_PAGES = ["user", "touchpointtype", "location", "team", "journeystage", "auditentry"]


def add_rows(org, start: int, count: int) -> None:
    """`count` more of everything a list page shows, each linked like real configuration."""
    for n in range(start, start + count):
        location = Location.objects.create(name=f"Airport {n}", code=f"A{n}", timezone="UTC")
        team = Team.objects.create(name=f"Team {n}", location=location)
        stage = JourneyStage.objects.create(name=f"Stage {n}", order=n)
        kind = TouchpointType.objects.create(name=f"Type {n}", stage=stage)
        ExtraField.objects.create(touchpoint_type=kind, key="ref", label="Ref")
        person = make_user(f"person{n}", Role.MANAGER if n % 2 else Role.FRONTLINE, team=team)
        person.managed_locations.add(location, org["arn"])
        person.managed_teams.add(team)
        audit.record(person, team, AuditEntry.Action.CREATED, {"name": [None, team.name]})


def queries_on(client, page: str) -> int:
    url = reverse(f"admin:touchpoints_{page}_changelist")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_60(
    client, org, role_admin, page, django_assert_max_num_queries
):
    client.force_login(role_admin)
    add_rows(org, start=0, count=5)
    few = queries_on(client, page)
    add_rows(org, start=5, count=55)
    with django_assert_max_num_queries(16):
        many = queries_on(client, page)
    assert many == few
