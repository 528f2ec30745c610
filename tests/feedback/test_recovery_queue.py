"""The recovery queue, its own tab on the frontline screen: short, sorted, due, and why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.invitations import invitation_for
from feedback.models import FeedbackSettings, Recovery
from feedback.recovery import take
from tests.conftest import PASSWORD, make_user
from tests.feedback.conftest import make_moment
from touchpoints.models import Role

QUEUE_URL = reverse("feedback:queue")


def answered(staff, touchpoint_type, client, **data):
    invitation = invitation_for(make_moment(staff, touchpoint_type))
    client.post(reverse("feedback:answer", args=[invitation.token]), data)
    return invitation


def queue(client, user, htmx=True, **params):
    client.login(username=user.username, password=PASSWORD)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(QUEUE_URL, params, **headers)


def opened(hours_ago: float, invitation) -> None:
    """Move a recovery back in time, as if the customer had answered `hours_ago`."""
    Recovery.objects.filter(answer__invitation=invitation).update(
        opened_at=timezone.now() - timedelta(hours=hours_ago)
    )


def card_order(html: str) -> list[str]:
    """The customers' comments in the order the cards show them."""
    return [part.split("</blockquote>")[0] for part in html.split('class="customer-comment">')[1:]]


def test_low_answer_shows_in_the_queue_with_the_comment(client, agent, org):
    answered(agent, org["desk"], client, csat=1, comment="Queue took an hour")
    response = queue(client, agent)
    assert "Queue took an hour" in response.text
    assert "I&#x27;ll take it" in response.text or "I'll take it" in response.text


def test_queue_is_a_fragment_for_htmx_and_a_page_otherwise(client, agent):
    fragment = queue(client, agent)
    page = queue(client, agent, htmx=False)
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith('<div id="queue"')
    assert "<html" in page.text and 'aria-current="page">Put it right' in page.text


def test_other_teams_recoveries_are_not_shown(client, agent, jfk_agent, org):
    answered(jfk_agent, org["desk"], client, csat=1, comment="JFK was slow")
    assert "JFK was slow" not in queue(client, agent).text


def test_closed_recoveries_leave_the_queue(client, agent, org):
    answered(agent, org["desk"], client, csat=1, comment="Lost bag")
    client.login(username=agent.username, password=PASSWORD)
    pk = Recovery.objects.get().pk
    data = {f"r{pk}-action": "rebooked", f"r{pk}-result": "recovered"}
    client.post(reverse("feedback:close", args=[pk]), data)
    assert "Nothing to put right" in queue(client, agent).text


def test_while_nothing_is_nearly_due_the_lowest_score_comes_first_then_the_newest(
    client, agent, org, settings_with_both
):
    old_one = answered(agent, org["desk"], client, csat=1, comment="old one")
    answered(agent, org["desk"], client, csat=2, nps=9, comment="two, recommends")
    new_one = answered(agent, org["desk"], client, csat=1, comment="new one")
    answered(agent, org["desk"], client, csat=4, nps=2, comment="four, detractor")
    answered(agent, org["desk"], client, csat=2, nps=0, comment="two, detractor")
    opened(17, old_one)  # due in 7 hours of 24: not yet nearly due
    opened(1, new_one)
    assert card_order(queue(client, agent).text) == [
        "new one",
        "old one",
        "two, detractor",
        "two, recommends",
        "four, detractor",
    ]


def test_overdue_and_nearly_due_come_first_soonest_due_first_even_with_higher_scores(
    client, agent, org, settings_with_both
):
    for n in range(6):
        answered(agent, org["desk"], client, csat=1, comment=f"fresh one {n}")
    overdue = answered(agent, org["desk"], client, csat=2, nps=8, comment="overdue")
    nearly_due = answered(agent, org["desk"], client, csat=4, nps=3, comment="due in 4 hours")
    not_yet = answered(agent, org["desk"], client, csat=2, comment="due in 10 hours")
    opened(30, overdue)
    opened(20, nearly_due)
    opened(14, not_yet)
    page = queue(client, agent, htmx=False).text
    shown = card_order(page)
    assert shown[:2] == ["overdue", "due in 4 hours"]
    assert "due in 10 hours" not in shown and "Show 4 more" in page
    assert "overdue and nearly due first" in page


def test_the_first_five_are_shown_and_the_rest_behind_show_more(client, agent, org):
    for n in range(8):
        answered(agent, org["desk"], client, csat=1 + n % 2, comment=f"Customer {n}")
    first = queue(client, agent, htmx=False)
    everything = queue(client, agent, htmx=False, all="1")
    assert len(card_order(first.text)) == 5
    assert "Show 3 more" in first.text and 'href="?all=1"' in first.text
    assert len(card_order(everything.text)) == 8
    assert "more</a>" not in everything.text
    assert card_order(everything.text)[:5] == card_order(first.text)


def test_each_card_is_due_a_day_after_the_answer_and_marked_once_overdue(client, agent, org):
    late = answered(agent, org["desk"], client, csat=1, comment="waited two days")
    answered(agent, org["desk"], client, csat=1, comment="just now")
    opened(49, late)
    page = queue(client, agent).text.replace("\xa0", " ")  # timesince keeps "1 day" together
    cards = page.split('<article class="recovery-card')[1:]
    overdue, fresh = sorted(cards, key=lambda card: "just now" in card)
    assert " overdue" in overdue.split(">")[0] and "Overdue by 1 day" in overdue
    assert "overdue" not in fresh and "Due in 23 hours" in fresh


def test_the_due_target_is_the_admins(client, agent, org):
    rules = FeedbackSettings.current()
    rules.recovery_due_hours = 2
    rules.save()
    late = answered(agent, org["desk"], client, csat=1, comment="three hours ago")
    opened(3, late)
    assert "Overdue by 1 hour" in queue(client, agent).text.replace("\xa0", " ")


@pytest.fixture
def settings_with_both(db):
    rules = FeedbackSettings.current()
    rules.recovery_opened_by = "both"
    rules.save()
    return rules


def test_each_card_says_why_it_was_opened(client, agent, org, settings_with_both):
    answered(agent, org["desk"], client, csat=2, nps=8, comment="by satisfaction")
    answered(agent, org["desk"], client, csat=4, nps=3, comment="by recommend")
    cards = queue(client, agent).text.split('<article class="recovery-card')[1:]
    by_csat = next(card for card in cards if "by satisfaction" in card)
    by_nps = next(card for card in cards if "by recommend" in card)
    assert '<strong class="score opened">Satisfaction 2 of 5</strong>' in by_csat
    assert '<strong class="score opened">Would recommend 3 of 10</strong>' in by_nps


def test_a_four_of_five_opened_by_recommend_is_never_drawn_as_a_failure(
    client, agent, org, settings_with_both
):
    answered(agent, org["desk"], client, csat=4, nps=3, comment="pricey")
    card = queue(client, agent).text.split('<article class="recovery-card')[1]
    assert card.startswith(" card tone-warning")  # amber, not the failed (red) tone
    assert '<span class="score good">Satisfaction 4 of 5</span>' in card
    assert 'opened">Satisfaction' not in card


def test_a_lapsed_recovery_waits_apart_and_can_be_closed_late(client, agent, org):
    answered(agent, org["desk"], client, csat=1, comment="Nobody called")
    Recovery.objects.update(lapsed_at=timezone.now())
    page = queue(client, agent).text
    assert "Nothing to put right" in page
    assert "1 lapsed: nobody took it within 14 days" in page and "Nobody called" in page
    pk = Recovery.objects.get().pk
    client.post(reverse("feedback:take", args=[pk]))
    data = {f"r{pk}-action": "apology", f"r{pk}-result": "partly"}
    after = client.post(reverse("feedback:close", args=[pk]), data, HTTP_HX_REQUEST="true")
    assert Recovery.objects.get().closed_late
    assert "closed late" in after.text.split("Put right lately")[1]


def test_who_took_it_first_is_told_to_the_one_who_tapped_second(client, agent, org):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo")
    answered(agent, org["desk"], client, csat=1, comment="Two at once")
    pk = Recovery.objects.get().pk
    take(pk, colleague)  # Bo's tap landed first
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(
        reverse("feedback:take", args=[pk]), {"seen_taker": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Bo took it a moment before you." in response.text
    assert Recovery.objects.get().taken_by == colleague


def test_taking_over_from_the_colleague_one_saw_is_allowed(client, agent, org):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo")
    answered(agent, org["desk"], client, csat=1, comment="Bo went home")
    pk = Recovery.objects.get().pk
    take(pk, colleague)
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("feedback:take", args=[pk]), {"seen_taker": str(colleague.pk)})
    assert Recovery.objects.get().taken_by == agent


def test_a_malformed_seen_taker_is_treated_as_nobody(client, agent, org):
    answered(agent, org["desk"], client, csat=1)
    pk = Recovery.objects.get().pk
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:take", args=[pk]), {"seen_taker": "1; DROP"})
    assert response.status_code == 302
    assert Recovery.objects.get().taken_by == agent


def test_the_queue_is_for_the_front_line(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    assert client.get(QUEUE_URL).status_code == 403


def test_the_old_panel_address_sends_people_to_the_queue_and_stops_old_polls(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    old = reverse("feedback:team_panel")
    assert client.get(old)["Location"] == QUEUE_URL
    assert client.get(old, HTTP_HX_REQUEST="true").status_code == 286


def test_the_queue_costs_the_same_queries_however_long_it_is(
    client, agent, org, django_assert_max_num_queries
):
    answered(agent, org["desk"], client, csat=1, comment="First")
    client.login(username=agent.username, password=PASSWORD)
    with django_assert_max_num_queries(50) as first:
        client.get(QUEUE_URL, {"all": "1"})
    few = len(first)
    for n in range(6):
        answered(agent, org["desk"], client, csat=1 + n % 2, comment=f"More {n}")
    Recovery.objects.filter(answer__comment="More 0").update(lapsed_at=timezone.now())
    take(Recovery.objects.get(answer__comment="More 1").pk, agent)
    with django_assert_max_num_queries(few):
        response = client.get(QUEUE_URL, {"all": "1"})
    assert "More 5" in response.text


def test_the_badges_are_one_count_each(client, agent, org, django_assert_num_queries):
    for n in range(3):
        answered(agent, org["desk"], client, csat=1, comment=f"Low {n}")
    client.login(username=agent.username, password=PASSWORD)
    client.get(reverse("feedback:badges"))  # the session and user, once cached
    with django_assert_num_queries(4):  # session, user with their roles, and the two COUNTs
        response = client.get(reverse("feedback:badges"), HTTP_HX_REQUEST="true")
    assert '<span id="queue-badge" class="badge" hx-swap-oob="true">3</span>' in response.text
    assert 'id="needs-badge"' in response.text
