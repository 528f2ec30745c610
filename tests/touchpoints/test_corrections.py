from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import DirtyDay, Moment, MomentCorrection

LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def logged(agent_client, org):
    data = moment_post(org["bag_drop"], outcome=2, note="Overweight")
    agent_client.post(LOG_URL, data, headers=JSON)
    return Moment.objects.get()


def correct_url(moment):
    return reverse("touchpoints:correct", args=[moment.uuid])


def correction(org, **overrides):
    data = moment_post(org["bag_drop"], outcome=4, note="Overweight, paid the fee")
    data.pop("uuid")
    data["occurred_at"] = Moment.objects.get().occurred_at.isoformat()
    data.update(overrides)
    return data


def test_correction_changes_the_moment_and_keeps_what_it_was(agent_client, agent, org, logged):
    response = agent_client.post(correct_url(logged), correction(org))
    assert response.status_code == 302
    logged.refresh_from_db()
    assert (logged.outcome, logged.note) == (4, "Overweight, paid the fee")
    kept = MomentCorrection.objects.get()
    assert (kept.before["outcome"], kept.after["outcome"]) == (2, 4)
    assert kept.corrected_by == agent


def test_every_correction_is_kept(agent_client, org, logged):
    agent_client.post(correct_url(logged), correction(org, outcome=3))
    agent_client.post(correct_url(logged), correction(org, outcome=5))
    assert [c.after["outcome"] for c in MomentCorrection.objects.all()] == [3, 5]


def test_correction_marks_the_day_dirty(agent_client, org, logged):
    DirtyDay.objects.all().delete()
    agent_client.post(correct_url(logged), correction(org))
    assert DirtyDay.objects.filter(location=org["arn"], local_date=logged.local_date).exists()


def test_correction_after_fifteen_minutes_is_refused(agent_client, org, logged):
    Moment.objects.filter(pk=logged.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = agent_client.post(correct_url(logged), correction(org))
    assert response.status_code == 409
    assert "locked" in response.text
    logged.refresh_from_db()
    assert logged.outcome == 2
    assert MomentCorrection.objects.count() == 0


def test_locked_moment_shows_as_locked_in_my_moments(agent_client, org, logged):
    Moment.objects.filter(pk=logged.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    page = agent_client.get(reverse("touchpoints:mine")).text
    assert "Locked" in page
    assert correct_url(logged) not in page


def test_invalid_correction_names_the_field_and_changes_nothing(agent_client, org, logged):
    response = agent_client.post(correct_url(logged), correction(org, outcome=9))
    assert response.status_code == 422
    assert "outcome" in response.context["form"].errors
    logged.refresh_from_db()
    assert logged.outcome == 2


def test_blank_reference_keeps_the_customer_given_at_logging(agent_client, org):
    data = moment_post(org["bag_drop"], customer_ref="XK7P2Q")
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    agent_client.post(correct_url(moment), correction(org, customer_ref=""))
    moment.refresh_from_db()
    assert moment.customer_ref_hash != ""


def test_nobody_else_can_correct_a_moment(client, jfk_agent, org, logged):
    client.login(username=jfk_agent.username, password=PASSWORD)
    assert client.post(correct_url(logged), correction(org)).status_code == 404


def test_correction_that_moves_a_moment_to_another_day_marks_both_days(agent_client, org, logged):
    DirtyDay.objects.all().delete()
    day_before = logged.occurred_at - timedelta(days=1)
    agent_client.post(correct_url(logged), correction(org, occurred_at=day_before.isoformat()))
    logged.refresh_from_db()
    old_day = org["arn"].local_date(day_before + timedelta(days=1))
    assert logged.local_date == org["arn"].local_date(day_before)
    assert set(DirtyDay.objects.values_list("local_date", flat=True)) == {
        old_day,
        logged.local_date,
    }


def test_correction_cannot_date_a_moment_in_the_future(agent_client, org, logged):
    later = timezone.now() + timedelta(hours=2)
    response = agent_client.post(
        correct_url(logged), correction(org, occurred_at=later.isoformat())
    )
    assert response.status_code == 422
    assert "dated in the future" in str(response.context["form"].errors["occurred_at"])


def test_correction_form_shows_when_it_happened_in_local_time(agent_client, org, logged):
    page = agent_client.get(correct_url(logged)).text
    local = timezone.localtime(logged.occurred_at, org["arn"].tz)
    assert f'value="{local:%Y-%m-%dT%H:%M}"' in page


def test_correction_to_a_type_with_a_required_field_asks_for_it(agent_client, org, logged):
    from touchpoints.models import ExtraField

    ExtraField.objects.create(
        touchpoint_type=org["boarding"], key="flight", label="Flight number", required=True
    )
    data = correction(org, touchpoint_type=org["boarding"].pk)
    response = agent_client.post(correct_url(logged), data)
    assert response.status_code == 422
    assert "Flight number is required for Boarding." in response.text
    data[f"extra_{org['boarding'].pk}_flight"] = "SK903"
    agent_client.post(correct_url(logged), data)
    logged.refresh_from_db()
    assert (logged.touchpoint_type, logged.extra) == (org["boarding"], {"flight": "SK903"})
