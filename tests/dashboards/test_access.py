"""Who may open which dashboard URL: anonymous, frontline, manager of A, manager of B, admin.

A is Stockholm Arlanda (ARN), B is New York JFK. The one moment and the one need are at A.
"""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from tests.shared_world import admin_user, agent, arn_manager, org  # noqa: F401
from touchpoints.models import Need, Role

# The world is built once for the module's sixty-odd tests; each test rolls back its own writes.
pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "frontline", "manager_a", "manager_b", "admin"]
READ_URLS = [
    "dashboard", "journey_type", "journey_moments", "needs", "figures", "moments",
    "figures_xlsx", "moments_xlsx",
]  # fmt: skip
# What each person gets from every read URL.
READ = {"anonymous": 302, "frontline": 403, "manager_a": 200, "manager_b": 200, "admin": 200}
ANSWER = {"anonymous": 302, "frontline": 403, "manager_a": 302, "manager_b": 403, "admin": 302}
TEAM_PAGE = {"anonymous": 302, "frontline": 200, "manager_a": 403, "manager_b": 403, "admin": 403}


@pytest.fixture(scope="module")
def jfk_manager(org):
    """Manager of JFK only: conftest's `jfk_manager`, built once for the module."""
    manager = make_user("mike", Role.MANAGER, email="mike@example.com")
    manager.managed_locations.add(org["jfk"])
    return manager


@pytest.fixture(scope="module")
def world(org, agent, arn_manager, jfk_manager, admin_user):
    moment = add_moment(
        agent, org["bag_drop"], answer={"csat": 1, "comment": "Lost my bag at Arlanda"}
    )
    need = Need(raised_by=agent, team=agent.team, location=agent.team.location, kind="tool")
    need.note = "A working bag tag printer"
    need.save()
    roll_up_everything()
    users = {"frontline": agent, "manager_a": arn_manager, "manager_b": jfk_manager}
    return {"moment": moment, "need": need, "users": {**users, "admin": admin_user}}


def url(name: str, world, org) -> str:
    type_id = org["bag_drop"].pk
    return {
        "dashboard": reverse("dashboards:dashboard"),
        "journey_type": reverse("dashboards:journey_type", args=[type_id]),
        "journey_moments": reverse("dashboards:journey_moments", args=[type_id]),
        "needs": reverse("dashboards:needs"),
        "figures": reverse("dashboards:export_figures"),
        "moments": reverse("dashboards:export_moments"),
        "figures_xlsx": reverse("dashboards:export_figures_xlsx"),
        "moments_xlsx": reverse("dashboards:export_moments_xlsx"),
        "answer": reverse("dashboards:answer", args=[world["need"].pk]),
        "team": reverse("dashboards:team"),
    }[name]


def as_person(client, person: str, world):
    if person != "anonymous":
        client.login(username=world["users"][person].username, password=PASSWORD)
    return client


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", READ_URLS)
def test_read_urls_follow_the_permission_matrix(client, world, org, person, name):
    response = as_person(client, person, world).get(url(name, world, org))
    assert response.status_code == READ[person]
    if person == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", PEOPLE)
def test_answering_a_need_follows_the_permission_matrix(client, world, org, person):
    client = as_person(client, person, world)
    data = {"status": "acknowledged", "answer": "On it"}
    response = client.post(url("answer", world, org), data)
    assert response.status_code == ANSWER[person]
    world["need"].refresh_from_db()
    answered = ANSWER[person] == 302 and person != "anonymous"
    assert (world["need"].status == "acknowledged") == answered


@pytest.mark.parametrize("person", PEOPLE)
def test_team_page_follows_the_permission_matrix(client, world, org, person):
    response = as_person(client, person, world).get(url("team", world, org))
    assert response.status_code == TEAM_PAGE[person]


@pytest.mark.parametrize(
    "name", ["dashboard", "journey_type", "journey_moments", "figures", "moments_xlsx"]
)
def test_manager_of_b_naming_location_a_gets_403(client, world, org, name):
    client = as_person(client, "manager_b", world)
    assert client.get(url(name, world, org), {"location": org["arn"].pk}).status_code == 403
    assert client.get(url(name, world, org), {"team": org["arn_desk"].pk}).status_code == 403


@pytest.mark.parametrize("name", ["journey_moments", "moments", "needs", "dashboard"])
def test_manager_of_b_never_sees_what_happened_at_a(client, world, org, name):
    response = as_person(client, "manager_b", world).get(url(name, world, org))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Lost my bag" not in body
    assert b"bag tag printer" not in body


@pytest.mark.parametrize("name", ["journey_moments", "moments", "needs"])
def test_manager_of_a_sees_what_happened_at_a(client, world, org, name):
    response = as_person(client, "manager_a", world).get(url(name, world, org))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Lost my bag" in body or b"bag tag printer" in body


def test_team_manager_sees_their_team_but_not_the_rest_of_the_location(client, org, agent):
    from touchpoints.models import Team

    other = Team.objects.create(name="Lounge", location=org["arn"])
    lead = make_user("tina", Role.MANAGER)
    lead.managed_teams.add(other)
    add_moment(agent, org["desk"], answer={"csat": 2, "comment": "Desk was slow"})
    roll_up_everything()
    client.login(username=lead.username, password=PASSWORD)
    moments = client.get(reverse("dashboards:journey_moments", args=[org["desk"].pk]))
    assert b"Desk was slow" not in moments.content
    assert client.get(reverse("dashboards:dashboard"), {"team": agent.team_id}).status_code == 403


def test_manager_with_nothing_to_manage_is_told_why_the_page_is_empty(client, org):
    make_user("newbie", Role.MANAGER)
    client.login(username="newbie", password=PASSWORD)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert "You do not manage any location or team yet" in response.text
