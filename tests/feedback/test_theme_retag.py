"""Tagging in the worker: new answers after they are saved, staff notes, and the re-tag of
the history after a catalogue change, with the figures following."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from dashboards.models import NoteThemeDailyRollup, ThemeDailyRollup
from dashboards.rollup import rebuild_dirty
from feedback.models import Answer, AnswerTheme, MomentTheme, Theme
from feedback.themes import catalogue, retag
from feedback.themes.catalogue import state
from tests.conftest import add_moment, moment_post, roll_up_everything
from touchpoints.models import Moment

# The walk's budget: `run` returns as soon as the walk is done, so a generous one costs
# nothing, and a loaded machine (two test workers beside their browsers) cannot cut it short.
WALK_SECONDS = 60

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


def theme_named(name: str) -> Theme:
    return Theme.objects.get(name_en=name)


def tagged(answer) -> set[str]:
    ids = AnswerTheme.objects.filter(answer=answer).values_list("theme", flat=True)
    return set(Theme.objects.filter(pk__in=ids).values_list("name_en", flat=True))


def settled() -> None:
    """Comments old enough for the walk (it leaves the last minute to late commits)."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Answer.objects.update(answered_at=an_hour_ago)
    Moment.objects.update(created_at=an_hour_ago)


def comments_in_rollup(theme: Theme, model=ThemeDailyRollup) -> int:
    return model.objects.filter(theme=theme).aggregate(n=Sum("comments"))["n"] or 0


def answered(agent, org, comment: str, csat: int = 2, **fields):
    moment = add_moment(agent, org["bag_drop"], answer={"csat": csat, "comment": comment}, **fields)
    return moment.invitation.answer


def test_an_answer_is_tagged_once_it_is_saved(agent, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = answered(agent, org, "Väskan kom aldrig och kön var lång")
    assert tagged(answer) == {"Baggage", "Queue and waiting"}


def test_an_answer_without_a_comment_asks_for_no_tagging(
    agent, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        answered(agent, org, "")
    assert not any("request_tagging" in repr(callback) for callback in callbacks)


def test_a_comment_whose_prompt_tagging_was_lost_is_tagged_by_the_walk(agent, org):
    answer = answered(agent, org, "The food was cold")  # no commit: the task never ran
    assert tagged(answer) == set()
    settled()
    assert retag.run(seconds=WALK_SECONDS)
    assert tagged(answer) == {"Food"}


def test_the_walk_leaves_the_last_minute_for_transactions_still_committing(agent, org):
    answer = answered(agent, org, "The food was cold")
    retag.run(seconds=WALK_SECONDS)
    assert tagged(answer) == set()
    assert state().answers_done_to < answer.pk


def test_a_staff_note_is_tagged_apart_from_customers_comments(agent, org):
    add_moment(agent, org["desk"], note="Customer angry about the long queue")
    settled()
    retag.run(seconds=WALK_SECONDS)
    roll_up_everything()
    queue = theme_named("Queue and waiting")
    assert MomentTheme.objects.filter(theme=queue).count() == 1
    assert comments_in_rollup(queue, NoteThemeDailyRollup) == 1
    assert comments_in_rollup(queue) == 0


def staff_say(theme_name: str) -> int:
    return comments_in_rollup(theme_named(theme_name), NoteThemeDailyRollup)


def test_a_corrected_note_is_tagged_again_and_the_figures_follow(client, agent, org):
    moment = add_moment(agent, org["desk"], note="Customer angry about the long queue")
    retag.run(seconds=WALK_SECONDS, settle=timedelta(0))
    roll_up_everything()
    assert (staff_say("Queue and waiting"), staff_say("Baggage")) == (1, 0)
    client.force_login(agent)
    data = moment_post(org["desk"], note="Customer angry that her suitcase never came")
    data.pop("uuid")
    data["occurred_at"] = moment.occurred_at.isoformat()
    client.post(reverse("touchpoints:correct", args=[moment.uuid]), data)
    rebuild_dirty()  # the correction's own mark, before the walk re-tags the note
    retag.run(seconds=WALK_SECONDS, settle=timedelta(0))
    rebuild_dirty()
    assert (staff_say("Queue and waiting"), staff_say("Baggage")) == (0, 1)


def test_an_undone_moment_takes_its_notes_themes_out_of_the_figures(client, agent, org):
    client.force_login(agent)
    data = moment_post(org["desk"], note="Customer angry about the long queue")
    client.post(reverse("touchpoints:log"), data, headers=JSON)
    retag.run(seconds=WALK_SECONDS, settle=timedelta(0))
    roll_up_everything()
    assert staff_say("Queue and waiting") == 1
    client.post(reverse("touchpoints:undo", args=[data["uuid"]]), headers=JSON)
    rebuild_dirty()
    assert staff_say("Queue and waiting") == 0
    assert not MomentTheme.objects.exists()


def test_a_catalogue_change_retags_the_history_and_the_figures_follow(agent, org):
    answers = [answered(agent, org, "Lukewarm coffee and a cold gate area") for _ in range(3)]
    settled()
    retag.run(seconds=WALK_SECONDS)
    roll_up_everything()
    food = theme_named("Food")
    assert comments_in_rollup(food) == 3
    temperature = Theme.objects.create(name="Temperature", words_en="cold\nlukewarm\nwarm")
    catalogue.changed()
    assert state().retagging
    retag.run(seconds=WALK_SECONDS)
    rebuild_dirty()
    assert not state().retagging and state().retag_done == state().retag_total == 3
    assert all(tagged(answer) == {"Food", "Temperature"} for answer in answers)
    assert comments_in_rollup(temperature) == 3
    assert comments_in_rollup(food) == 3


def test_a_change_during_a_retag_restarts_it_without_double_counting(agent, org, monkeypatch):
    answers = [answered(agent, org, f"My bag number {n} was lost") for n in range(5)]
    settled()
    catalogue.changed()
    monkeypatch.setattr(retag, "BATCH", 2)
    retag.step()
    assert state().answers_done_to == answers[1].pk
    Theme.objects.filter(name="Baggage").update(words_en="bag\nlost")
    catalogue.changed()  # the admin changes it mid-way: back to the start
    assert state().answers_done_to == 0
    retag.run(seconds=WALK_SECONDS)
    rebuild_dirty()
    assert state().retag_done == state().retag_total == 5
    assert AnswerTheme.objects.filter(theme=theme_named("Baggage")).count() == 5
    assert comments_in_rollup(theme_named("Baggage")) == 5


def test_merging_two_themes_counts_a_comment_of_both_once(agent, org):
    both = answered(agent, org, "Long queue and rude staff", csat=1)
    answered(agent, org, "The queue was long", csat=4)
    answered(agent, org, "Rude staff", csat=2)
    settled()
    retag.run(seconds=WALK_SECONDS)
    roll_up_everything()
    queue, attitude = theme_named("Queue and waiting"), theme_named("Staff attitude")
    catalogue.merge(queue, [attitude])
    rebuild_dirty()
    rows = ThemeDailyRollup.objects.filter(theme=queue).aggregate(
        n=Sum("comments"), csat=Sum("csat_sum")
    )
    assert rows == {"n": 3, "csat": 1 + 4 + 2}
    assert comments_in_rollup(attitude) == 0
    attitude.refresh_from_db()
    assert not attitude.active and attitude.merged_into == queue
    assert tagged(both) == {"Queue and waiting"}
