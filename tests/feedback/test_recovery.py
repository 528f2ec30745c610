"""A low answer opens a recovery on the moment's team, and the team closes it itself."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dashboards.metrics import Figures
from dashboards.models import DailyRollup
from dashboards.rollup import rebuild_dirty
from feedback.invitations import invitation_for
from feedback.models import Answer, FeedbackSettings, Recovery
from feedback.recovery import AlreadyClosed, AlreadyTaken, NotYourTeam, close, lapse_untaken, take
from tests.conftest import PASSWORD, make_user
from tests.feedback.conftest import make_moment
from touchpoints.models import DirtyDay, Role


def answer(client, invitation, **data):
    return client.post(reverse("feedback:answer", args=[invitation.token]), data)


@pytest.mark.parametrize(
    ("data", "opens"),
    [
        ({"csat": 1}, True),
        ({"csat": 2}, True),
        ({"csat": 3}, False),
        # Would-recommend opens none by default (docs/metrics.md, Low answer).
        ({"csat": 5, "nps": 6}, False),
        ({"csat": 4, "nps": 0}, False),
        ({"csat": 5, "nps": 10}, False),
    ],
)
def test_low_answers_open_a_recovery_by_default(client, invitation, data, opens):
    answer(client, invitation, **data)
    assert Recovery.objects.exists() is opens


def test_thresholds_are_configurable(client, invitation):
    settings_row = FeedbackSettings.current()
    settings_row.low_csat_at_most, settings_row.low_nps_at_most = 3, 4
    settings_row.recovery_opened_by = "both"
    settings_row.save()
    answer(client, invitation, csat=3, nps=5)
    assert Recovery.objects.get().answer.csat == 3


def test_recovery_belongs_to_the_team_that_served(client, invitation, agent):
    answer(client, invitation, csat=1)
    assert Recovery.objects.get().team == agent.team


def test_anyone_in_the_team_can_take_and_close_it(client, invitation, org):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    answer(client, invitation, csat=1)
    recovery = Recovery.objects.get()
    take(recovery.pk, colleague)
    closed = close(recovery.pk, colleague, action="called_back", result="recovered", note="ok")
    assert (closed.taken_by, closed.action, closed.result) == (
        colleague,
        "called_back",
        "recovered",
    )
    assert closed.closed_at is not None


def test_closing_keeps_the_time_since_the_answer(client, invitation, agent):
    answer(client, invitation, csat=1)
    Answer.objects.update(answered_at=timezone.now() - timedelta(hours=2))
    closed = close(Recovery.objects.get().pk, agent, action="apology", result="partly")
    assert 7190 <= closed.seconds_to_recover <= 7210


def test_another_team_cannot_touch_it(client, invitation, jfk_agent):
    answer(client, invitation, csat=1)
    with pytest.raises(NotYourTeam):
        take(Recovery.objects.get().pk, jfk_agent)


def test_closing_twice_keeps_the_first_close(client, invitation, agent):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    close(pk, agent, action="voucher", result="recovered")
    with pytest.raises(AlreadyClosed):
        close(pk, agent, action="other", result="not_recovered")
    assert Recovery.objects.get().action == "voucher"


def test_every_change_marks_the_moments_day_for_the_roll_up(client, invitation, agent, moment):
    answer(client, invitation, csat=1)
    DirtyDay.objects.all().delete()
    take(Recovery.objects.get().pk, agent)
    assert DirtyDay.objects.filter(location=moment.location, local_date=moment.local_date).exists()
    DirtyDay.objects.all().delete()
    close(Recovery.objects.get().pk, agent, action="rebooked", result="recovered")
    assert DirtyDay.objects.filter(location=moment.location, local_date=moment.local_date).exists()


def test_roll_up_counts_the_recovery_on_the_moments_day(client, invitation, agent, moment):
    answer(client, invitation, csat=1)
    Answer.objects.update(answered_at=timezone.now() - timedelta(minutes=30))
    close(Recovery.objects.get().pk, agent, action="called_back", result="recovered")
    rebuild_dirty()
    figures = Figures.of(DailyRollup.objects.filter(local_date=moment.local_date))
    assert (figures.low_answers, figures.recoveries_opened, figures.recoveries_closed) == (1, 1, 1)
    assert figures.recovery_rate == 100.0
    assert round(figures.hours_to_recover, 2) == 0.5


def test_take_through_the_panel_without_javascript(client, invitation, agent):
    answer(client, invitation, csat=1)
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:take", args=[Recovery.objects.get().pk]))
    assert response.status_code == 302
    assert Recovery.objects.get().taken_by == agent


def test_close_through_the_panel_with_htmx_returns_the_fresh_panel(client, invitation, agent):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    client.login(username=agent.username, password=PASSWORD)
    data = {f"r{pk}-action": "apology", f"r{pk}-result": "recovered", f"r{pk}-note": "Said sorry"}
    response = client.post(reverse("feedback:close", args=[pk]), data, HTTP_HX_REQUEST="true")
    assert "Nothing to put right" in response.text
    assert "Apology" in response.text  # listed under "Put right lately"
    assert Recovery.objects.get().note == "Said sorry"


def test_close_without_a_result_keeps_what_was_typed(client, invitation, agent):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    client.login(username=agent.username, password=PASSWORD)
    take(pk, agent)
    data = {f"r{pk}-action": "voucher", f"r{pk}-note": "200 SEK voucher"}
    response = client.post(reverse("feedback:close", args=[pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Choose how it ended." in response.text
    assert "200 SEK voucher" in response.text
    assert 'value="voucher" checked' in response.text
    assert Recovery.objects.get().closed_at is None


def test_staff_of_another_team_get_a_404(client, invitation, jfk_agent):
    answer(client, invitation, csat=1)
    client.login(username=jfk_agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:take", args=[Recovery.objects.get().pk]))
    assert response.status_code == 404
    assert Recovery.objects.get().taken_by is None


def test_managers_cannot_act_on_the_front_lines_recoveries(client, invitation, arn_manager):
    answer(client, invitation, csat=1)
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.post(reverse("feedback:take", args=[Recovery.objects.get().pk]))
    assert response.status_code == 403


def test_the_team_sees_how_long_putting_it_right_took(client, invitation, agent):
    answer(client, invitation, csat=1)
    Answer.objects.update(answered_at=timezone.now() - timedelta(minutes=95))
    close(Recovery.objects.get().pk, agent, action="called_back", result="recovered")
    client.login(username=agent.username, password=PASSWORD)
    response = client.get(reverse("feedback:queue"), HTTP_HX_REQUEST="true")
    assert "1 h 35 min after the answer" in response.text


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_store_one_answer_and_one_recovery(postgres, agent, org):
    invitation = invitation_for(make_moment(agent, org["desk"]))
    url = reverse("feedback:answer", args=[invitation.token])
    barrier = threading.Barrier(4)
    pages = []

    def send():
        barrier.wait()
        pages.append(Client().post(url, {"csat": 1, "comment": "twice"}).text)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (Answer.objects.count(), Recovery.objects.count()) == (1, 1)
    assert sorted("Thank you!" in page for page in pages) == [False, False, False, True]
    assert sum("We already have your answer" in page for page in pages) == 3


def test_a_recovery_nobody_took_for_fifteen_days_lapses(client, invitation, agent, moment):
    answer(client, invitation, csat=1)
    Recovery.objects.update(opened_at=timezone.now() - timedelta(days=15))
    DirtyDay.objects.all().delete()
    assert lapse_untaken() == 1
    recovery = Recovery.objects.get()
    assert recovery.status == Recovery.Status.LAPSED
    assert DirtyDay.objects.filter(location=moment.location, local_date=moment.local_date).exists()


def test_a_taken_or_young_recovery_does_not_lapse(client, agent, org):
    taken, young = (invitation_for(make_moment(agent, org["desk"])) for _ in range(2))
    answer(client, taken, csat=1)
    answer(client, young, csat=2)
    Recovery.objects.filter(answer__csat=1).update(opened_at=timezone.now() - timedelta(days=20))
    Recovery.objects.filter(answer__csat=2).update(opened_at=timezone.now() - timedelta(days=13))
    take(Recovery.objects.get(answer__csat=1).pk, agent)
    assert lapse_untaken() == 0
    assert not Recovery.objects.filter(lapsed_at__isnull=False).exists()


def test_the_lapse_window_is_the_admins(client, invitation):
    rules = FeedbackSettings.current()
    rules.recovery_lapse_days = 3
    rules.save()
    answer(client, invitation, csat=1)
    Recovery.objects.update(opened_at=timezone.now() - timedelta(days=4))
    assert lapse_untaken() == 1


def test_a_lapsed_recovery_counts_as_not_recovered_even_when_closed_late(
    client, invitation, agent, moment
):
    answer(client, invitation, csat=1)
    Recovery.objects.update(opened_at=timezone.now() - timedelta(days=15))
    lapse_untaken()
    rebuild_dirty()
    lapsed = Figures.of(DailyRollup.objects.filter(local_date=moment.local_date))
    closed = close(Recovery.objects.get().pk, agent, action="apology", result="recovered")
    rebuild_dirty()
    late = Figures.of(DailyRollup.objects.filter(local_date=moment.local_date))
    assert (lapsed.low_answers, lapsed.recoveries_lapsed, lapsed.recovery_rate) == (1, 1, 0.0)
    assert closed.closed_late and closed.closed_at is not None
    assert (late.recoveries_closed, late.recoveries_lapsed, late.recovery_rate) == (0, 1, 0.0)
    assert late.hours_to_recover is None


def test_the_lapse_job_runs_as_a_celery_task(client, invitation):
    from feedback.tasks import lapse_untaken_recoveries

    answer(client, invitation, csat=1)
    Recovery.objects.update(opened_at=timezone.now() - timedelta(days=15))
    assert lapse_untaken_recoveries.delay().get() == 1
    assert Recovery.objects.get().lapsed_at is not None


def test_the_lapse_job_is_on_beats_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "feedback.lapse_untaken_recoveries" in tasks


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_at_once_one_wins_and_the_other_is_told_who(postgres, agent, org):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo")
    invitation = invitation_for(make_moment(agent, org["desk"]))
    Client().post(reverse("feedback:answer", args=[invitation.token]), {"csat": 1})
    pk = Recovery.objects.get().pk
    barrier = threading.Barrier(2)
    outcomes = {}

    def tap(person):
        barrier.wait()
        try:
            outcomes[person.username] = take(pk, person, seen_taker_id=None).taken_by.username
        except AlreadyTaken as refused:
            outcomes[person.username] = f"refused: {refused.recovery.taken_by.username}"
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(person,)) for person in (agent, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = Recovery.objects.get().taken_by.username
    loser = ({"anna", "bo"} - {winner}).pop()
    assert outcomes == {winner: winner, loser: f"refused: {winner}"}
