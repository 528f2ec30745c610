"""A manager answers what the front line asked for; the staff member sees the answer."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user, roll_up_everything
from touchpoints.models import DirtyDay, Need, Role, Team
from touchpoints.needs import raise_need


def answer_url(need) -> str:
    return reverse("dashboards:answer", args=[need.pk])


@pytest.fixture
def need(agent) -> Need:
    return raise_need(agent, Need.Kind.TOOL, "The bag tag printer at desk 4 keeps jamming")


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def test_manager_answers_a_need_and_the_staff_member_sees_it(client, manager, need, agent):
    manager.post(answer_url(need), {"status": "provided", "answer": "New printer on desk 4"})
    client.logout()
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("touchpoints:needs")).text
    assert "New printer on desk 4" in page
    assert "Provided" in page


def test_providing_records_time_to_provide_and_marks_the_day_for_roll_up(manager, need):
    need.raised_at = timezone.now() - timedelta(hours=5)
    need.save()
    DirtyDay.objects.all().delete()
    manager.post(answer_url(need), {"status": "provided", "answer": "Ordered"})
    need.refresh_from_db()
    assert need.answered_by.username == "maria"
    assert 5 * 3600 <= need.seconds_to_provide < 5 * 3600 + 60
    assert DirtyDay.objects.filter(location=need.location, local_date=need.local_date).exists()


def test_time_to_provide_appears_on_the_dashboard_after_roll_up(manager, need):
    need.raised_at = timezone.now() - timedelta(hours=3)
    need.save()
    manager.post(answer_url(need), {"status": "provided", "answer": "Ordered"})
    roll_up_everything()
    page = manager.get(reverse("dashboards:dashboard")).text
    assert re.search(r'data-figure="provide_hours">3\.0 h<', page)


def test_declining_without_a_reason_is_refused_with_a_message(manager, need):
    response = manager.post(answer_url(need), {"status": "declined", "answer": " "})
    assert response.status_code == 422
    assert "Say why" in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_answer_by_htmx_swaps_only_that_need(manager, need):
    response = manager.post(
        answer_url(need), {"status": "acknowledged", "answer": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.text.strip().startswith(
        f'<li class="need card status-acknowledged" id="need-{need.pk}"'
    )
    assert "<html" not in response.text


def test_needs_not_yet_acknowledged_come_newest_first(manager, agent, org, need):
    colleague = make_user(
        "lisa", Role.FRONTLINE, team=Team.objects.create(name="Gate", location=org["arn"])
    )
    older = raise_need(colleague, Need.Kind.TRAINING, "Training on the new boarding scanners")
    older.raised_at = timezone.now() - timedelta(days=3)
    older.save()
    page = manager.get(reverse("dashboards:needs")).text
    assert page.index("bag tag printer") < page.index("Training on the new boarding scanners")
    assert "waiting 3 days" in page


def test_answered_need_leaves_the_open_queue(manager, need):
    manager.post(answer_url(need), {"status": "declined", "answer": "Budget is frozen until May"})
    page = manager.get(reverse("dashboards:dashboard")).text
    assert "Nothing is waiting" in page
