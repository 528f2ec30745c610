"""The team panel on the log screen: what to put right, and praise for those who earned it."""

from django.urls import reverse

from feedback.invitations import invitation_for
from feedback.models import Recovery
from tests.conftest import PASSWORD, make_user
from tests.feedback.conftest import make_moment
from touchpoints.models import Role


def answered(staff, touchpoint_type, client, **data):
    invitation = invitation_for(make_moment(staff, touchpoint_type))
    client.post(reverse("feedback:answer", args=[invitation.token]), data)
    return invitation


def panel(client, user, htmx=True):
    client.login(username=user.username, password=PASSWORD)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("feedback:team_panel"), **headers)


def test_low_answer_shows_on_the_team_panel_with_the_comment(client, agent, org):
    answered(agent, org["desk"], client, csat=1, comment="Queue took an hour")
    response = panel(client, agent)
    assert "Queue took an hour" in response.text
    assert "I'll take it" in response.text


def test_panel_is_a_fragment_for_htmx_and_a_page_otherwise(client, agent):
    fragment = panel(client, agent)
    page = panel(client, agent, htmx=False)
    assert "<html" not in fragment.text
    assert "<html" in page.text
    assert "Put it right" in fragment.text and "Put it right" in page.text


def test_other_teams_recoveries_are_not_shown(client, agent, jfk_agent, org):
    answered(jfk_agent, org["desk"], client, csat=1, comment="JFK was slow")
    assert "JFK was slow" not in panel(client, agent).text


def test_closed_recoveries_leave_the_list(client, agent, org):
    answered(agent, org["desk"], client, csat=1, comment="Lost bag")
    client.login(username=agent.username, password=PASSWORD)
    pk = Recovery.objects.get().pk
    data = {f"r{pk}-action": "rebooked", f"r{pk}-result": "recovered"}
    client.post(reverse("feedback:close", args=[pk]), data)
    assert "Nothing to put right" in panel(client, agent).text


def test_praise_with_a_comment_reaches_the_person_who_served(client, agent, org):
    answered(agent, org["desk"], client, csat=5, comment="Anna was wonderful")
    response = panel(client, agent)
    assert "Praise for you" in response.text
    assert "Anna was wonderful" in response.text


def test_praise_shows_on_the_rest_of_the_teams_screen(client, agent, org):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    answered(agent, org["desk"], client, csat=4, comment="Quick and kind")
    response = panel(client, colleague)
    assert "Praise for the team" in response.text
    assert "Quick and kind" in response.text
    assert "for Anna" in response.text


def test_good_answers_without_a_comment_are_not_praise(client, agent, org):
    answered(agent, org["desk"], client, csat=5)
    assert "Praise for you" not in panel(client, agent).text


def test_a_low_nps_is_not_praise_even_with_high_satisfaction(client, agent, org):
    answered(agent, org["desk"], client, csat=5, nps=3, comment="Fine, but pricey")
    response = panel(client, agent)
    assert "Praise for you" not in response.text
    assert "Fine, but pricey" in response.text  # it is a recovery instead


def test_praise_for_another_team_stays_there(client, agent, jfk_agent, org):
    answered(jfk_agent, org["desk"], client, csat=5, comment="Great at JFK")
    assert "Great at JFK" not in panel(client, agent).text


def test_the_team_panel_is_for_the_front_line(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    assert client.get(reverse("feedback:team_panel")).status_code == 403


def test_the_panel_costs_the_same_queries_however_much_there_is(
    client, agent, org, django_assert_max_num_queries
):
    answered(agent, org["desk"], client, csat=1, comment="First")
    answered(agent, org["desk"], client, csat=5, comment="Praise")
    client.login(username=agent.username, password=PASSWORD)
    url = reverse("feedback:team_panel")
    with django_assert_max_num_queries(50) as first:
        client.get(url, HTTP_HX_REQUEST="true")
    few = len(first)  # now: each request clears the connection's query log
    for n in range(6):
        answered(agent, org["desk"], client, csat=1 + n % 2 * 4, comment=f"More {n}")
    with django_assert_max_num_queries(few):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert "More 5" in response.text
