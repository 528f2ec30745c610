from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")
MINE_URL = reverse("touchpoints:mine")


def test_my_moments_lists_todays_moments_with_feedback_so_far(agent_client, org):
    from feedback.models import Answer, Invitation

    agent_client.post(LOG_URL, moment_post(org["bag_drop"], note="Fee waived"), headers=JSON)
    agent_client.post(LOG_URL, moment_post(org["desk"]), headers=JSON)
    rated = Moment.objects.get(touchpoint_type=org["bag_drop"])
    Answer.objects.create(invitation=Invitation.objects.create(moment=rated), csat=5)
    page = agent_client.get(MINE_URL).text
    assert "Fee waived" in page
    assert "Customer: <strong>5/5</strong>" in page
    assert "No feedback asked." in page


def test_yesterdays_and_other_peoples_moments_are_not_listed(client, agent, jfk_agent, org):
    client.login(username=jfk_agent.username, password=PASSWORD)
    client.post(LOG_URL, moment_post(org["boarding"]))
    client.login(username=agent.username, password=PASSWORD)
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    client.post(LOG_URL, moment_post(org["desk"], occurred_at=yesterday.isoformat()))
    page = client.get(MINE_URL).text
    assert "No moments logged today yet." in page


def test_times_are_the_desks_local_times(agent_client, org):
    # 10:15 UTC is 11:15 in Stockholm in winter and 12:15 in summer.
    happened = timezone.now().replace(hour=10, minute=15, second=0, microsecond=0)
    if happened > timezone.now():
        happened -= timedelta(days=1)
    agent_client.post(LOG_URL, moment_post(org["desk"], occurred_at=happened.isoformat()))
    local = timezone.localtime(happened, org["arn"].tz)
    page = agent_client.get(reverse("touchpoints:correct", args=[Moment.objects.get().uuid]))
    assert f"at {local:%H:%M}" in page.text


def test_my_moments_offers_to_ask_for_feedback_only_where_nobody_was_asked(agent_client, org):
    from feedback.invitations import invitation_for

    agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    agent_client.post(LOG_URL, moment_post(org["desk"]), headers=JSON)
    invitation_for(Moment.objects.get(touchpoint_type=org["desk"]))
    page = agent_client.get(MINE_URL).text
    asked = Moment.objects.get(touchpoint_type=org["desk"]).uuid
    not_asked = Moment.objects.get(touchpoint_type=org["bag_drop"]).uuid
    assert page.count("Ask the customer for feedback") == 1
    assert reverse("feedback:invite", args=[not_asked]) in page
    assert reverse("feedback:invite", args=[asked]) not in page


def test_an_invitation_made_from_my_moments(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    moment = Moment.objects.get()
    invite_url = reverse("feedback:invite", args=[moment.uuid])

    response = agent_client.post(invite_url, headers={"HX-Request": "true"})

    assert "Hand the tablet to the customer" in response.text
    assert moment.invitation.token in response.text
    page = agent_client.get(MINE_URL).text
    assert "Customer asked for feedback, no answer yet." in page
    assert invite_url not in page


def test_without_script_asking_from_my_moments_opens_the_invitation_page(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    moment = Moment.objects.get()
    response = agent_client.post(reverse("feedback:invite", args=[moment.uuid]), follow=True)
    assert "Ask the customer" in response.text
    assert moment.invitation.token in response.text
