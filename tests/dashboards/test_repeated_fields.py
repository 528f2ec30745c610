"""A manager's answer or filter sent with two different values for one field is refused
with a message, and nothing typed is lost."""

from django.urls import reverse

from tests.conftest import PASSWORD
from touchpoints.models import Need
from touchpoints.needs import raise_need

TWICE = "This came twice with different values. Choose one and send again."


def test_an_answer_with_two_statuses_is_refused_and_the_answer_typed_stays(
    client, arn_manager, agent
):
    need = raise_need(agent, Need.Kind.TOOL, "The bag tag printer keeps jamming")
    client.login(username=arn_manager.username, password=PASSWORD)
    data = {"status": ["provided", "declined"], "answer": "New printer on desk 4"}
    response = client.post(reverse("dashboards:answer", args=[need.pk]), data)
    assert response.status_code == 422
    assert TWICE in response.text
    assert "New printer on desk 4" in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_a_dashboard_link_with_two_periods_says_so(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(reverse("dashboards:dashboard"), {"period": ["7", "30"]})
    assert response.status_code == 422
    assert f"Period: {TWICE}" in response.text
