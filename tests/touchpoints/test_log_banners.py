"""The log screen's banners: one per answer however often the need was raised, dated in the
person's language, dismissed for good with a button of its own, and never cut short."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dashboards.need_answers import answer_need
from touchpoints.models import Need

LOG_URL = reverse("touchpoints:log")
NEEDS_URL = reverse("touchpoints:needs")
LONG = (
    "The second bag-tag printer at desk 4 keeps jamming on the thick tags, so every second "
    "customer waits while we clear it by hand"
)


def answered(agent, manager, org, note="Scale", answer="New scale at desk 4", ago=0) -> Need:
    need = Need.objects.create(
        raised_by=agent, team=org["arn_desk"], location=org["arn"], kind="tool", note=note
    )
    need = answer_need(need, manager, "provided", answer)
    if ago:
        Need.objects.filter(pk=need.pk).update(answered_at=timezone.now() - timedelta(minutes=ago))
    return need


def banners(page: str) -> list[str]:
    return page.split('class="banner need-answered"')[1:]


def test_the_same_need_answered_alike_twice_shows_one_banner(agent_client, agent, arn_manager, org):
    answered(agent, arn_manager, org, note="More trolleys")
    answered(agent, arn_manager, org, note="More trolleys")
    answered(agent, arn_manager, org, note="Scale")
    page = agent_client.get(LOG_URL).text
    assert len(banners(page)) == 2
    assert page.count("Your need “More trolleys” was provided") == 1


def test_dismissing_a_banner_puts_away_every_need_it_stood_for_for_good(
    agent_client, agent, arn_manager, org
):
    first = answered(agent, arn_manager, org, note="More trolleys")
    second = answered(agent, arn_manager, org, note="More trolleys")
    page = agent_client.get(LOG_URL).text
    shown, also = (first.pk, second.pk)
    if f"needs/{first.pk}/seen/" not in page:
        shown, also = also, shown
    assert f'<input type="hidden" name="also" value="{also}">' in page
    agent_client.post(reverse("touchpoints:need_seen", args=[shown]), {"also": [also]})
    assert "More trolleys" not in agent_client.get(LOG_URL).text  # and after any reload
    assert Need.objects.filter(answer_seen_at__isnull=True).count() == 0


def test_a_banner_says_when_the_answer_came_in_the_persons_language(
    agent_client, agent, arn_manager, org
):
    answered(agent, arn_manager, org, ago=10)
    english = agent_client.get(LOG_URL).text
    agent.language = "sv"
    agent.save()
    swedish = agent_client.get(LOG_URL).text
    assert "10\xa0minutes ago</time>" in english
    assert "10\xa0minuter sedan</time>" in swedish


def test_a_long_need_is_shown_whole_not_cut_at_60_characters(agent_client, agent, arn_manager, org):
    answered(agent, arn_manager, org, note=LONG)
    page = agent_client.get(LOG_URL).text
    assert f"Your need “{LONG}” was provided" in page


def test_each_banner_has_a_dismiss_button_with_a_name(agent_client, agent, arn_manager, org):
    answered(agent, arn_manager, org)
    (banner,) = banners(agent_client.get(LOG_URL).text)
    assert 'class="button quiet dismiss" aria-label="Dismiss this answer"' in banner


def test_the_need_sent_banner_is_dated_and_stays_dismissed_across_reloads(agent_client):
    response = agent_client.post(NEEDS_URL, {"kind": "tool", "note": "Scale"})
    url = response["Location"]
    first = agent_client.get(url).text
    need = Need.objects.get()
    dismissed = agent_client.post(reverse("touchpoints:raised_seen", args=[need.pk]))
    reloaded = agent_client.get(url).text
    assert "Sent to your managers: tool or equipment." in first
    assert 'class="banner-when"' in first.split('class="banner need-raised"')[1]
    assert dismissed["Location"] == LOG_URL
    assert "need-raised" not in reloaded


def test_someone_elses_need_cannot_be_dismissed_for_them(agent_client, org):
    from django.test import Client

    from tests.conftest import make_user
    from touchpoints.models import Role

    url = agent_client.post(NEEDS_URL, {"kind": "tool", "note": "Scale"})["Location"]
    colleague = Client()
    colleague.force_login(make_user("bo", Role.FRONTLINE, team=org["arn_desk"]))
    colleague.post(reverse("touchpoints:raised_seen", args=[Need.objects.get().pk]))
    assert "need-raised" in agent_client.get(url).text
