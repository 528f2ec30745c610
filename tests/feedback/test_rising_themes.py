"""Rising words no theme covers, found by a log-likelihood test, suggested to the admin,
and made a theme with one click."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer, Theme, ThemeSuggestion
from feedback.themes import rising
from feedback.themes.catalogue import state
from tests.conftest import add_moment

pytestmark = pytest.mark.django_db

ORDINARY = [
    "Nice flight, thank you",
    "Everything went well today",
    "The crew made us laugh",
    "Landed early, lovely trip",
]
PLANTED = [
    "The new e-gate would not read my passport",
    "e-gate broken again",
    "Had to try the e-gate four times",
    "The e-gate rejected us twice",
    "Nobody near the e-gate when it failed",
    "e-gate said error",
    "Why is the e-gate so picky",
    "e-gate flashed red for no reason",
    "Stuck at the e-gate with a screaming toddler",
    "The e-gate photo never matched",
    "Please fix the e-gate at the far end",
    "e-gate took my card and kept it",
    "Half of us got through the e-gate, half did not",
    "Lovely staff helped at the e-gate",
    "The e-gate is slower than a person",
]


def answered(agent, org, text: str, days_ago: int) -> None:
    add_moment(agent, org["boarding"], answer={"csat": 3, "comment": text, "language": "en"})
    Answer.objects.filter(comment=text).update(
        answered_at=timezone.now() - timedelta(days=days_ago)
    )


@pytest.fixture
def planted(agent, org):
    for days_ago in range(8, 15):
        for text in ORDINARY:
            answered(agent, org, text, days_ago)
    for days_ago in range(1, 8):
        for text in ORDINARY:
            answered(agent, org, text, days_ago)
    for n, text in enumerate(PLANTED):
        answered(agent, org, text, 1 + n % 5)


def test_g2_is_zero_without_change_and_grows_with_it():
    assert rising.g2(10, 100, 10, 100) == pytest.approx(0.0)
    assert rising.g2(20, 100, 5, 100) > rising.g2(10, 100, 5, 100) > 0
    # 15 of 43 comments against none of 28 (the planted rise below): well past the threshold.
    assert rising.g2(15, 43, 0, 28) == pytest.approx(17.60, abs=0.01)


def test_a_planted_rise_is_suggested_with_examples(planted):
    found = rising.find_rising(until=timezone.localdate())
    terms = [suggestion.term for suggestion in found]
    assert terms[0] == "e-gate"
    egate = found[0]
    assert (egate.count, egate.previous_count, egate.language) == (15, 0, "en")
    assert egate.g2 >= rising.G2_THRESHOLD
    assert len(egate.examples) == 5 and all("e-gate" in text for text in egate.examples)


def test_words_a_theme_covers_or_that_did_not_rise_are_not_suggested(planted, agent, org):
    for days_ago in (1, 2, 3):
        answered(agent, org, "My bag was lost", days_ago)
    terms = {suggestion.term for suggestion in rising.find_rising(until=timezone.localdate())}
    assert not {"bag", "lost", "flight", "crew"} & terms


def test_one_click_makes_a_suggestion_a_theme(client, role_admin, planted):
    egate = rising.find_rising(until=timezone.localdate())[0]
    client.force_login(role_admin)
    listed = client.get(reverse("admin:feedback_themesuggestion_changelist"))
    assert "e-gate" in listed.text
    page = client.get(reverse("admin:feedback_themesuggestion_change", args=[egate.pk]))
    assert "The new e-gate would not read my passport" in page.text or "e-gate" in page.text
    version = state().version
    response = client.post(reverse("admin:feedback_themesuggestion_make_theme", args=[egate.pk]))
    theme = Theme.objects.get(name="E-gate")
    assert response.status_code == 302 and theme.words("en") == ["e-gate"]
    assert state().version == version + 1
    egate.refresh_from_db()
    assert egate.status == ThemeSuggestion.Status.ACCEPTED and egate.theme == theme
