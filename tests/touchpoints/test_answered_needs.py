"""The agent hears back: at the next load of the log screen they see their need was answered."""

from django.urls import reverse

from dashboards.need_answers import answer_need
from touchpoints.models import Need

LOG_URL = reverse("touchpoints:log")
NEEDS_URL = reverse("touchpoints:needs")


def raise_and_answer(agent_client, manager, note="Scale is broken", status="provided"):
    agent_client.post(NEEDS_URL, {"kind": "tool", "note": note})
    need = Need.objects.get(note=note)
    return answer_need(need, manager, status, "New scale at desk 4")


def needs_badge(page: str) -> str:
    badge = page.split('id="needs-badge"')[1].split("</span>")[0]
    return "hidden" if " hidden>" in badge else badge.rsplit(">", 1)[1]


def test_the_answer_shows_on_the_next_load_of_the_log_screen(agent_client, arn_manager):
    before = agent_client.get(LOG_URL).text
    raise_and_answer(agent_client, arn_manager)
    page = agent_client.get(LOG_URL).text
    assert needs_badge(before) == "hidden"
    assert needs_badge(page) == "1"
    assert "Your need “Scale is broken” was provided: <strong>New scale at desk 4</strong>" in page


def test_opening_what_i_needed_marks_the_answers_seen(agent_client, arn_manager):
    raise_and_answer(agent_client, arn_manager)
    needs_page = agent_client.get(NEEDS_URL).text
    log_page = agent_client.get(LOG_URL).text
    assert "New answer" in needs_page and needs_badge(needs_page) == "hidden"
    assert needs_badge(log_page) == "hidden" and "Scale is broken" not in log_page
    assert "New answer" not in agent_client.get(NEEDS_URL).text


def test_dismissing_the_card_marks_that_answer_seen(agent_client, arn_manager):
    one = raise_and_answer(agent_client, arn_manager, note="Scale")
    raise_and_answer(agent_client, arn_manager, note="Printer")
    response = agent_client.post(reverse("touchpoints:need_seen", args=[one.pk]))
    page = agent_client.get(LOG_URL).text
    assert response["Location"] == LOG_URL
    assert needs_badge(page) == "1" and "Printer" in page and "“Scale”" not in page


def test_dismissing_by_htmx_removes_only_the_card(agent_client, arn_manager):
    need = raise_and_answer(agent_client, arn_manager)
    url = reverse("touchpoints:need_seen", args=[need.pk])
    response = agent_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.startswith('<span id="needs-badge" class="badge news" hx-swap-oob="true"')
    assert response.text.endswith(" hidden>0</span>")
    assert Need.objects.get().answer_seen_at is not None


def test_a_later_answer_is_news_again(agent_client, arn_manager):
    need = raise_and_answer(agent_client, arn_manager, status="acknowledged")
    agent_client.get(NEEDS_URL)
    answer_need(need, arn_manager, "provided", "Ordered, arrives Friday")
    page = agent_client.get(LOG_URL).text
    assert needs_badge(page) == "1" and "Ordered, arrives Friday" in page


def test_someone_cannot_mark_another_persons_answer_seen(client, agent_client, arn_manager, org):
    from tests.conftest import PASSWORD, make_user
    from touchpoints.models import Role

    need = raise_and_answer(agent_client, arn_manager)
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    client.login(username=colleague.username, password=PASSWORD)
    client.post(reverse("touchpoints:need_seen", args=[need.pk]))
    assert Need.objects.get().answer_seen_at is None


def test_the_badges_poll_counts_unseen_answers(agent_client, arn_manager):
    raise_and_answer(agent_client, arn_manager)
    response = agent_client.get(reverse("feedback:badges"), HTTP_HX_REQUEST="true")
    assert 'id="needs-badge" class="badge news" hx-swap-oob="true"' in response.text
    assert ">1</span>" in response.text.split('id="needs-badge"')[1]
