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
