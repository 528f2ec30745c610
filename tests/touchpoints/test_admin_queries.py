"""List pages cost the same few queries with 5 rows or 60: no query per row."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import build_org, make_user
from touchpoints.configuration import audit
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


@pytest.fixture(scope="module")
def list_page_queries(module_db) -> dict[str, tuple[int, int]]:
    """{page: (queries with 5 rows, with 60)}: the rows are built once for every list page,
    not once per page, in a transaction rolled back when all are measured."""
    with transaction.atomic():
        org = build_org()
        client = Client()
        client.force_login(make_user("ada", Role.ADMIN))
        add_rows(org, start=0, count=5)
        few = {page: queries_on(client, page) for page in LIST_PAGES}
        add_rows(org, start=5, count=55)
        many = {page: queries_on(client, page) for page in LIST_PAGES}
        transaction.set_rollback(True)
    return {page: (few[page], many[page]) for page in LIST_PAGES}


@pytest.mark.django_db
@pytest.mark.parametrize("page", LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_60(list_page_queries, page):
    few, many = list_page_queries[page]
    assert many <= 16
    assert many == few


def change_page_queries(client, obj) -> int:
    url = reverse(f"admin:touchpoints_{obj._meta.model_name}_change", args=[obj.pk])
    client.get(url)  # the first visit fills per-process caches (content types) once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_an_airports_page_costs_the_same_with_3_teams_as_with_30(client, org, role_admin):
    client.force_login(role_admin)
    osl = Location.objects.create(name="Oslo", code="OSL", timezone="Europe/Oslo")
    for n in range(3):
        Team.objects.create(name=f"Team {n}", location=osl)
    few = change_page_queries(client, osl)
    for n in range(3, 30):
        Team.objects.create(name=f"Team {n}", location=osl)
    assert change_page_queries(client, osl) == few


def test_a_persons_page_costs_the_same_with_3_teams_as_with_30(client, org, agent, role_admin):
    client.force_login(role_admin)
    few = change_page_queries(client, agent)
    add_rows(org, start=0, count=27)
    assert change_page_queries(client, agent) == few


def test_a_types_page_costs_the_same_with_2_extra_fields_as_with_20(client, org, role_admin):
    client.force_login(role_admin)
    boarding = org["boarding"]
    for n in range(2):
        ExtraField.objects.create(touchpoint_type=boarding, key=f"f{n}", label=f"Field {n}")
    few = change_page_queries(client, boarding)
    for n in range(2, 20):
        ExtraField.objects.create(touchpoint_type=boarding, key=f"f{n}", label=f"Field {n}")
    assert change_page_queries(client, boarding) == few
