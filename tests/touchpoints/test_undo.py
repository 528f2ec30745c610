from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import DirtyDay, Moment, MomentCorrection, UndoRecord

LOG_URL = reverse("touchpoints:log")


def undo_url(data):
    return reverse("touchpoints:undo", args=[data["uuid"]])


def test_undo_takes_a_just_logged_moment_back(agent_client, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    DirtyDay.objects.all().delete()
    response = agent_client.post(undo_url(data), headers=JSON)
    assert response.json() == {"undone": True}
    assert Moment.objects.count() == 0
    assert DirtyDay.objects.filter(location=org["arn"]).exists()


def test_undoing_twice_is_harmless(agent_client, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    agent_client.post(undo_url(data), headers=JSON)
    response = agent_client.post(undo_url(data), headers=JSON)
    assert response.status_code == 200
    assert response.json() == {"undone": False}


def test_undo_queued_offline_counts_by_the_tablets_clock(agent_client, org):
    happened = timezone.now() - timedelta(hours=2)
    data = moment_post(org["bag_drop"], occurred_at=happened.isoformat())
    agent_client.post(LOG_URL, data, headers=JSON)
    asked = (happened + timedelta(seconds=5)).isoformat()
    response = agent_client.post(undo_url(data), {"requested_at": asked}, headers=JSON)
    assert response.status_code == 200
    assert Moment.objects.count() == 0


def test_undo_long_after_the_moment_is_refused(agent_client, org):
    happened = timezone.now() - timedelta(minutes=10)
    data = moment_post(org["bag_drop"], occurred_at=happened.isoformat())
    agent_client.post(LOG_URL, data, headers=JSON)
    response = agent_client.post(undo_url(data), headers=JSON)
    assert response.status_code == 409
    assert "too late to undo" in response.json()["error"]
    assert Moment.objects.count() == 1


def test_moment_the_customer_was_asked_about_is_not_undone(agent_client, org):
    from feedback.models import Invitation

    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    Invitation.objects.create(moment=Moment.objects.get())
    response = agent_client.post(undo_url(data), headers=JSON)
    assert response.status_code == 409
    assert "already been asked for feedback" in response.json()["error"]
    assert Moment.objects.count() == 1


def test_someone_elses_moment_is_not_undone(client, agent, jfk_agent, org):
    from tests.conftest import PASSWORD

    data = moment_post(org["bag_drop"])
    client.login(username=agent.username, password=PASSWORD)
    client.post(LOG_URL, data)
    client.login(username=jfk_agent.username, password=PASSWORD)
    client.post(undo_url(data), headers=JSON)
    assert Moment.objects.count() == 1


def test_undo_without_javascript_returns_to_a_fresh_log_screen(agent_client, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data)
    response = agent_client.post(undo_url(data))
    assert response.status_code == 302
    assert Moment.objects.count() == 0


def test_forged_request_time_cannot_undo_an_old_moment(agent_client, agent, org):
    data = moment_post(org["bag_drop"], outcome=2)
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    MomentCorrection.objects.create(
        moment=moment, corrected_by=agent, before={"outcome": 1}, after={"outcome": 2}
    )
    twenty_days_ago = timezone.now() - timedelta(days=20)
    Moment.objects.filter(pk=moment.pk).update(
        occurred_at=twenty_days_ago, created_at=twenty_days_ago
    )
    forged = (twenty_days_ago + timedelta(seconds=5)).isoformat()
    response = agent_client.post(undo_url(data), {"requested_at": forged}, headers=JSON)
    assert response.status_code == 409
    assert "too late to undo" in response.json()["error"]
    assert Moment.objects.count() == 1
    assert MomentCorrection.objects.count() == 1
    assert not UndoRecord.objects.exists()


def test_undo_queued_while_the_link_dropped_still_counts(agent_client, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    stored = timezone.now() - timedelta(minutes=6)  # sent before the link dropped
    Moment.objects.filter(pk=moment.pk).update(occurred_at=stored, created_at=stored)
    asked = (stored + timedelta(seconds=4)).isoformat()
    response = agent_client.post(undo_url(data), {"requested_at": asked}, headers=JSON)
    assert response.json() == {"undone": True}


def test_an_undo_is_recorded_with_who_when_and_what(agent_client, agent, org):
    data = moment_post(org["bag_drop"], outcome=2, note="Overweight")
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    agent_client.post(undo_url(data), headers=JSON)
    record = UndoRecord.objects.get()
    assert (record.moment_uuid, record.undone_by, record.location) == (
        moment.uuid,
        agent,
        org["arn"],
    )
    assert record.local_date == moment.local_date
    assert timezone.now() - record.undone_at < timedelta(minutes=1)
    assert (record.moment["outcome"], record.moment["note"]) == (2, "Overweight")
    assert record.moment["touchpoint_type_id"] == org["bag_drop"].pk


def test_an_admin_sees_who_undid_which_moment(agent_client, client, org, role_admin):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    agent_client.post(undo_url(data), headers=JSON)
    client.force_login(role_admin)
    page = client.get(reverse("admin:touchpoints_undorecord_changelist")).text
    assert data["uuid"] in page
    assert "anna" in page
