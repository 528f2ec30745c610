from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import DirtyDay, Moment, Need

NEEDS_URL = reverse("touchpoints:needs")


def test_raising_a_need_sends_it_for_the_staff_members_team(agent_client, agent, org):
    response = agent_client.post(NEEDS_URL, {"kind": "tool", "note": "Scale is broken"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.raised_by, need.team, need.location) == (agent, org["arn_desk"], org["arn"])
    assert (need.kind, need.note, need.status) == ("tool", "Scale is broken", "open")
    assert DirtyDay.objects.filter(location=org["arn"], local_date=need.local_date).exists()


def test_raising_a_need_returns_to_the_log_screen_with_a_confirmation(agent_client):
    response = agent_client.post(NEEDS_URL, {"kind": "tool", "note": "Scale"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("touchpoints:log"))
    page = response.text
    assert 'class="banner need-raised"' in page
    assert "Sent to your managers: tool or equipment." in page
    assert 'name="touchpoint_type"' in page  # the tiles, ready for the next customer


def test_a_need_of_someone_elses_or_a_malformed_one_confirms_nothing(agent_client, jfk_agent, org):
    theirs = Need.objects.create(
        raised_by=jfk_agent, team=org["jfk_desk"], location=org["jfk"], kind="tool"
    )
    log_url = reverse("touchpoints:log")
    for raised in (theirs.pk, "x1", "99999999999999999999", ""):
        response = agent_client.get(log_url, {"need_raised": raised})
        assert response.status_code == 200 and "need-raised" not in response.text


def test_need_raised_from_a_moment_refers_to_it(agent_client, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(reverse("touchpoints:log"), data, headers=JSON)
    page = agent_client.get(NEEDS_URL, {"moment": data["uuid"]}).text
    assert "About: Bag drop" in page
    agent_client.post(NEEDS_URL, {"kind": "authority", "moment": data["uuid"]})
    assert Need.objects.get().moment == Moment.objects.get()


def test_need_without_a_kind_is_refused_and_keeps_the_note(agent_client):
    response = agent_client.post(NEEDS_URL, {"note": "Scale is broken"})
    assert response.status_code == 422
    assert "Choose what was missing." in response.text
    assert "Scale is broken" in response.text
    assert Need.objects.count() == 0


def test_staff_member_sees_the_managers_answer(agent_client, agent, arn_manager, org):
    Need.objects.create(
        raised_by=agent,
        team=org["arn_desk"],
        location=org["arn"],
        kind="training",
        status=Need.Status.PROVIDED,
        answer="Course booked for Tuesday",
        answered_by=arn_manager,
        answered_at=timezone.now(),
    )
    for url in (NEEDS_URL, reverse("touchpoints:mine")):
        page = agent_client.get(url).text
        assert "Provided" in page
        assert "Course booked for Tuesday" in page


def test_others_needs_are_not_shown(client, agent, jfk_agent, org):
    client.login(username=jfk_agent.username, password=PASSWORD)
    client.post(NEEDS_URL, {"kind": "staffing", "note": "Alone at the desk"})
    client.login(username=agent.username, password=PASSWORD)
    assert "Alone at the desk" not in client.get(NEEDS_URL).text
