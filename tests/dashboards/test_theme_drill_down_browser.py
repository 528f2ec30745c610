"""A manager on a phone goes from the top themes to the comments behind one, in Danish,
with the words that gave the theme marked; the page passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Answer
from feedback.themes import retag
from feedback.themes.catalogue import load_starting_themes
from tests.conftest import add_moment, log_in, roll_up_everything, serious_accessibility_violations
from touchpoints.models import Moment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def danish_comments(org, agent, arn_manager):
    # The data migration's starting themes are gone after an earlier transactional test's
    # flush in this worker: put them back.
    load_starting_themes()
    for text in ["Min kuffert kom aldrig frem", "Bagagen var væk i tre dage"]:
        add_moment(agent, org["bag_drop"], answer={"csat": 1, "comment": text, "language": "da"})
    add_moment(agent, org["desk"], answer={"csat": 5, "comment": "Søde og venlige folk"})
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Answer.objects.update(answered_at=an_hour_ago)
    Moment.objects.update(created_at=an_hour_ago)
    retag.run(seconds=10)
    roll_up_everything()
    return arn_manager


def test_a_manager_reads_a_theme_s_comments_with_the_words_marked(phone, danish_comments):
    log_in(phone, danish_comments.username)
    phone.goto("/dashboard/")
    themes = phone.locator("table.themes")
    expect(themes.locator("tr", has_text="Baggage")).to_contain_text("2")
    themes.get_by_role("link", name="Baggage").click()
    expect(phone.locator("h1")).to_contain_text("Comments about Baggage")
    marked = phone.locator(".theme-comments mark")
    expect(marked).to_have_text(["Bagagen", "kuffert"])
    assert serious_accessibility_violations(phone) == []
