"""Forms answer PUT, PATCH and DELETE with 405, and those methods change nothing."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from touchpoints.models import Moment, Need, Team
from touchpoints.needs import raise_need

REFUSED = ["put", "patch", "delete"]


def refused(response) -> bool:
    return response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("method", REFUSED)
def test_the_log_screen_refuses_other_methods_and_stores_nothing(agent_client, org, method):
    data = moment_post(org["desk"])
    response = getattr(agent_client, method)(reverse("touchpoints:log"), data)
    assert refused(response)
    assert not Moment.objects.exists()


@pytest.mark.parametrize("method", REFUSED)
def test_the_needs_screen_refuses_other_methods(agent_client, method):
    response = getattr(agent_client, method)(reverse("touchpoints:needs"), {"kind": "tool"})
    assert refused(response)
    assert not Need.objects.exists()


@pytest.mark.parametrize("method", REFUSED)
def test_answering_a_need_refuses_other_methods(client, arn_manager, agent, method):
    need = raise_need(agent, Need.Kind.TOOL, "Printer")
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:answer", args=[need.pk])
    assert refused(getattr(client, method)(url, {"status": "declined", "answer": "No"}))
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


@pytest.mark.parametrize("method", REFUSED)
def test_sign_in_refuses_other_methods(client, agent, method):
    response = getattr(client, method)(reverse("login"))
    assert refused(response)


@pytest.mark.parametrize("method", REFUSED)
def test_configuration_pages_refuse_other_methods(client, admin_user, org, method):
    client.force_login(admin_user)
    team = org["arn_desk"]
    response = getattr(client, method)(reverse("admin:touchpoints_team_change", args=[team.pk]))
    assert refused(response)
    assert Team.objects.filter(pk=team.pk).exists()
