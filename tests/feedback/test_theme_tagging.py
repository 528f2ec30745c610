"""The tagger on the starting catalogue: per language, stemming, phrases, negation, mixed
languages and the comments that must never break it."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from feedback.themes.catalogue import current_tagger
from feedback.themes.models import Theme
from feedback.themes.tagging import Tagger

pytestmark = pytest.mark.django_db


def themes_of(text: str, language: str) -> set[str]:
    ids = current_tagger().tag(text, language)
    return set(Theme.objects.filter(pk__in=ids).values_list("name_en", flat=True))


@pytest.mark.parametrize(
    "language, text, theme",
    [
        ("en", "We queued for forty minutes", "Queue and waiting"),
        ("sv", "Väntetiden vid disken var orimlig", "Queue and waiting"),
        ("da", "Vi ventede i en evighed", "Queue and waiting"),
        ("nb", "Køen gikk sakte", "Queue and waiting"),
        ("en", "Both flights were delayed", "Delay and cancellation"),
        ("sv", "Flyget blev försenat två timmar", "Delay and cancellation"),
        ("da", "Afgangen blev aflyst", "Delay and cancellation"),
        ("nb", "Flyet ble innstilt uten forklaring", "Delay and cancellation"),
        ("sv", "Resväskan kom aldrig fram", "Baggage"),
        ("da", "Kufferten var væk", "Baggage"),
        ("nb", "Bagasjebåndet stod stille", "Baggage"),
        ("en", "The kiosks kept freezing", "Check-in machines"),
        ("sv", "Incheckningsautomaten var trasig", "Check-in machines"),
        ("nb", "Rullestolen kom for sent frem", "Special assistance"),
    ],
)
def test_each_language_finds_its_themes_through_inflections(language, text, theme):
    assert theme in themes_of(text, language)


def test_praise_and_complaint_count_alike():
    assert "Staff attitude" in themes_of("The agent was not friendly at all", "en")
    assert "Staff attitude" in themes_of("The agent was very friendly", "en")
    assert "Staff attitude" in themes_of("Personalen var inte trevlig", "sv")


def test_a_stem_that_means_something_else_does_not_tag():
    # Snowball makes "friendly" "friend": the catalogue matches the word exactly instead.
    assert themes_of("I travelled with a friend", "en") == set()


def test_a_phrase_needs_its_words_in_a_row():
    assert "Refund and compensation" in themes_of("I finally got my money back", "en")
    assert "Refund and compensation" not in themes_of("Money was never the issue, back home", "en")


def test_a_mixed_comment_is_read_in_both_languages():
    found = themes_of("Lovely staff, men kön var alldeles för lång", "en")
    assert {"Staff attitude", "Queue and waiting"} <= found


def test_a_word_of_another_language_does_not_tag_a_plain_english_comment():
    # "mad" is Danish for food; an English comment saying it is not about food.
    assert "Food" not in themes_of("I was mad about the whole thing", "en")


@pytest.mark.parametrize(
    "text", ["", "   ", "😀🙈✈️", "!!!???", "🧳" * 500, "kö " * 3400, "x" * 10_000, "\x00\u200b"]
)
def test_awkward_comments_are_tagged_without_error(text):
    themes_of(text, "sv")


def test_an_unknown_language_tries_them_all():
    assert "Baggage" in themes_of("Kufferten var væk", "")


def test_tagging_costs_under_two_milliseconds_a_comment():
    tagger = current_tagger()
    comments = ["Long queue at bag drop, the staff were friendly but slow and my bag was late"]
    comments += ["Väntetiden var lång och personalen otrevlig, maten var kall och dyr"] * 9
    tagger.tag(comments[0], "en")  # compiled and stems remembered, as in a worker
    started = time.perf_counter()
    for _ in range(20):
        for text in comments:
            tagger.tag(text, "sv")
    per_comment = (time.perf_counter() - started) / (20 * len(comments))
    assert per_comment < 0.002


def test_tag_comment_prints_english_names_one_a_line():
    out = StringIO()
    call_command("tag_comment", "Kön var lång och väskan försvann", language="sv", stdout=out)
    assert out.getvalue().splitlines() == ["Baggage", "Queue and waiting"]


def test_tag_comment_prints_nothing_when_no_theme_applies():
    out = StringIO()
    call_command("tag_comment", "Thank you", language="en", stdout=out)
    assert out.getvalue() == ""


def test_an_archived_theme_no_longer_tags():
    Theme.objects.filter(name="Food").update(active=False)
    from feedback.themes.catalogue import changed

    changed()
    assert themes_of("The food was cold", "en") == set()


def test_a_tagger_built_from_words_alone_matches_prefixes_and_suffixes():
    tagger = Tagger([(1, {"sv": ["bagage*", "*väska"]}), (2, {"sv": ["*kaffe*"]})])
    assert tagger.tag("Bagagebandet och resväska, kaffekoppen", "sv") == {1, 2}


def test_the_fast_path_finds_exactly_the_themes_the_highlighting_finds():
    from pathlib import Path

    from feedback.themes.quality import read_labelled

    tagger = current_tagger()
    data = Path(__file__).resolve().parent.parent / "data"
    for row in read_labelled(data) + read_labelled(data, "heldout_comments.tsv"):
        spans = {match.theme_id for match in tagger.matches(row.text, row.language)}
        assert tagger.tag(row.text, row.language) == spans, row.text
