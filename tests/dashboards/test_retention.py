"""The nightly pruning: each class of personal data goes after its period, on PostgreSQL with
the dates moved; the figures of a pruned month stay, and no rebuild crosses the seal."""

import csv
import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dashboards.models import DailyRollup, RetentionPolicy, RollupSeal
from dashboards.retention import prune_expired
from dashboards.rollup import rebuild_dirty, rebuild_range
from feedback.models import Answer, CustomerRequest, Recovery
from feedback.themes.models import ThemeSuggestion
from feedback.webhook_events import answer_data
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from tests.touchpoints.remedy_steps import give_an_apology
from touchpoints.api_keys import ApiKey, ApiWrite
from touchpoints.customers import hash_ref
from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import (
    AccessRecord,
    AuditEntry,
    Moment,
    MomentCorrection,
    Remedy,
    RemedyCorrection,
    SignInAddress,
    UndoRecord,
)
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.usefixtures("postgres")
NOW = timezone.now()


@pytest.fixture(autouse=True)
def ask_the_same_customer_each_time(settings):
    """These moments share one customer: the over-survey limit (feedback/invitations.py)
    would hold back every invitation after the first, and with it the answers kept here."""
    settings.INVITE_SAME_CUSTOMER_DAYS = 0


def days_ago(days: int):
    return NOW - timedelta(days=days)


def old_moment(agent, org, days: int, comment="Call me on 0701234567", **fields):
    return add_moment(
        agent,
        org["desk"],
        outcome=2,
        answer={"csat": 2, "nps": 5, "comment": comment},
        occurred_at=days_ago(days),
        note="Mr Berg, seat 3C",
        customer_ref_hash=hash_ref("XK7P2Q"),
        **fields,
    )


# -- each class, with the dates moved --------------------------------------------------------


def test_comments_and_notes_are_blanked_after_their_period_and_the_scores_stay(agent, org):
    old, recent = old_moment(agent, org, 400), old_moment(agent, org, 300)
    Answer.objects.filter(invitation__moment=old).update(answered_at=days_ago(400))
    Recovery.objects.filter(answer__invitation__moment=old).update(
        note="Rebooked Mr Berg", opened_at=days_ago(400)
    )
    prune_expired(NOW)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.note, old.invitation.answer.comment, old.invitation.answer.csat) == ("", "", 2)
    assert old.invitation.answer.recovery.note == ""
    assert recent.note == "Mr Berg, seat 3C" and recent.invitation.answer.comment


def test_blanked_comments_and_notes_still_count_when_their_day_is_rolled_up_again(agent, org):
    old = old_moment(agent, org, 400)
    Answer.objects.filter(invitation__moment=old).update(answered_at=days_ago(400))
    add_moment(agent, org["desk"], occurred_at=days_ago(400), extra={"flight": "SK1"})
    roll_up_everything()
    counted = list(DailyRollup.objects.values_list("moments", "comments", "notes"))
    prune_expired(NOW)
    # Kept raw for 730 days, so not sealed: a correction or a backfill may rebuild the day.
    rebuild_range(old.local_date, old.local_date)
    assert counted == [(2, 1, 1)]
    assert list(DailyRollup.objects.values_list("moments", "comments", "notes")) == counted


def test_why_a_remedy_went_over_its_limit_is_blanked_after_the_comments_period(agent, org):
    old, recent = old_moment(agent, org, 400), old_moment(agent, org, 300)
    for moment, days in ((old, 400), (recent, 300)):
        remedy = give_an_apology(agent, moment)
        Remedy.objects.filter(pk=remedy.pk).update(
            over_limit=True, reason="Mr Berg missed his son's wedding", given_at=days_ago(days)
        )
        RemedyCorrection.objects.create(
            remedy=remedy,
            corrected_by=agent,
            before={"amount": "0", "reason": "Mr Berg"},
            after={"amount": "0", "reason": "Mr Berg, wedding"},
        )
        RemedyCorrection.objects.filter(remedy=remedy).update(corrected_at=days_ago(days))
    prune_expired(NOW)
    reasons = dict(Remedy.objects.values_list("moment", "reason"))
    assert reasons == {old.pk: "", recent.pk: "Mr Berg missed his son's wedding"}
    copies = {c.remedy.moment_id: (c.before, c.after) for c in RemedyCorrection.objects.all()}
    assert copies[old.pk] == ({"amount": "0", "reason": ""}, {"amount": "0", "reason": ""})
    assert copies[recent.pk][1]["reason"] == "Mr Berg, wedding"
    assert Remedy.objects.get(moment=old).over_limit  # the count of remedies over limit stays


def test_customer_references_and_their_copies_go_after_their_period(agent, org, settings):
    old, recent = old_moment(agent, org, 400), old_moment(agent, org, 300)
    MomentCorrection.objects.create(
        moment=old,
        corrected_by=agent,
        before={"note": "Berg", "customer_ref_hash": "abc"},
        after={"note": "Mr Berg", "customer_ref_hash": "abc"},
    )
    MomentCorrection.objects.update(corrected_at=days_ago(400))
    prune_expired(NOW)
    assert Moment.objects.get(pk=old.pk).customer_ref_hash == ""
    assert Moment.objects.get(pk=recent.pk).customer_ref_hash == hash_ref("XK7P2Q")
    assert MomentCorrection.objects.get().before == {"note": "", "customer_ref_hash": ""}


def test_raw_moments_and_answers_are_deleted_after_their_period(agent, org):
    old_moment(agent, org, 800)
    kept = old_moment(agent, org, 700)
    prune_expired(NOW)
    assert list(Moment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Answer.objects.count() == 1 and Recovery.objects.count() == 1


def test_audit_access_and_sign_in_records_and_sessions_go_after_their_periods(agent, org):
    AuditEntry.objects.create(content_type_id=1, object_id="1", object_repr="x", action="changed")
    AuditEntry.objects.update(at=days_ago(800))
    AccessRecord.objects.create(person=agent, what="moments", at=days_ago(400))
    AccessRecord.objects.create(person=agent, what="moments", at=days_ago(10))
    AccessAttempt.objects.create(username="anna", failures_since_start=1, ip_address="10.0.0.1")
    AccessAttempt.objects.update(attempt_time=days_ago(100))
    SignInAddress.objects.create(username="anna", address="10.0.0.1", last_signed_in=days_ago(100))
    Session.objects.create(session_key="old", session_data="", expire_date=days_ago(1))
    Session.objects.create(session_key="live", session_data="", expire_date=NOW + timedelta(1))
    CustomerRequest.objects.create(kind="search", named_by="reference")
    CustomerRequest.objects.update(at=days_ago(800))
    counts = prune_expired(NOW)
    assert not AuditEntry.objects.exists() and not CustomerRequest.objects.exists()
    assert counts["audit"] == 2
    assert AccessRecord.objects.count() == 1
    assert not AccessAttempt.objects.exists() and not SignInAddress.objects.exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_a_pruning_stopped_halfway_is_finished_by_the_next_run(agent, org, monkeypatch):
    from dashboards import retention

    for _ in range(3):
        old_moment(agent, org, 800)
    monkeypatch.setattr(retention, "BATCH", 1)

    def stop():
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        retention.prune_raw(730, NOW, pause=stop)
    assert Moment.objects.count() == 2
    prune_expired(NOW)
    assert not Moment.objects.exists()


def test_a_raw_period_shorter_than_the_reconciliation_window_is_refused(org):
    policy = RetentionPolicy.current()
    policy.raw_days = 5
    with pytest.raises(ValidationError, match="at least 8 days.*last 7 days are checked"):
        policy.full_clean()


def test_the_configuration_page_explains_a_refused_period(client, role_admin):
    client.login(username=role_admin.username, password=PASSWORD)
    url = reverse("admin:dashboards_retentionpolicy_change", args=[RetentionPolicy.current().pk])
    data = {
        "comments_days": 365,
        "customer_refs_days": 365,
        "raw_days": 3,
        "audit_days": 730,
        "access_days": 365,
        "sign_in_days": 90,
        "leavers_days": 365,
    }
    response = client.post(url, data)
    assert "Keep raw moments and answers for at least 8 days" in response.text
    assert RetentionPolicy.current().raw_days == 730


# -- figures outlive raw rows ----------------------------------------------------------------


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def month_figures(manager, first, last) -> tuple:
    """The month on the dashboard (its headline figures, trend and journey) and in the
    figures export, as a manager reads them."""
    period = {"period": "custom", "start": first.isoformat(), "end": last.isoformat()}
    page = manager.get(reverse("dashboards:dashboard"), period)
    export = manager.get(reverse("dashboards:export_figures"), period)
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    exported = [row for row in csv.reader(io.StringIO(text)) if row and row[0] != "Exported at"]
    cards = page.context["key_headlines"] + page.context["more_headlines"]
    shown = (
        [(h.label, h.current, h.series) for h, _spark in cards],
        page.context["trend"]["rows"],
        [(str(row.subject), row.figures) for row in page.context["journey"]],
    )
    return shown, exported


def test_a_pruned_months_figures_are_the_same_before_and_after_pruning(manager, agent, org):
    for days in (800, 801, 805):
        old_moment(agent, org, days)
    add_moment(agent, org["bag_drop"], occurred_at=days_ago(802), answer={"csat": 5})
    roll_up_everything()
    first, last = (NOW - timedelta(days=810)).date(), (NOW - timedelta(days=795)).date()
    before = month_figures(manager, first, last)
    assert sum(f.moments for _day, f in before[0][1]) == 4  # the month before pruning
    prune_expired(NOW)
    assert not Moment.objects.filter(occurred_at__lt=days_ago(790)).exists()
    assert month_figures(manager, first, last) == before


def test_a_rebuild_across_the_sealed_boundary_leaves_the_sealed_days_alone(manager, agent, org):
    for days in (800, 801):
        old_moment(agent, org, days)
    recent = old_moment(agent, org, 3)
    roll_up_everything()
    first, last = (NOW - timedelta(days=810)).date(), (NOW - timedelta(days=795)).date()
    before = month_figures(manager, first, last)
    assert sum(f.moments for _day, f in before[0][1]) == 2  # the month to be pruned
    prune_expired(NOW)
    seal = RollupSeal.objects.get(location=org["arn"]).final_before
    assert seal == org["arn"].local_date(NOW) - timedelta(days=730)
    rebuild_range(first, NOW.date())  # a range rebuild across the seal
    mark_day_dirty(org["arn"].pk, (NOW - timedelta(days=800)).date())
    rebuild_dirty()  # a late mark on a sealed day is dropped, not rebuilt to nothing
    assert month_figures(manager, first, last) == before
    assert Moment.objects.filter(pk=recent.pk).exists()


def test_undone_moments_and_needs_before_the_cut_go_with_the_raw_rows(agent, org):
    UndoRecord.objects.create(
        moment_uuid="00000000-0000-0000-0000-000000000001",
        undone_by=agent,
        location=org["arn"],
        local_date=(NOW - timedelta(days=800)).date(),
        moment={"note": "Berg"},
    )
    prune_expired(NOW)
    assert not UndoRecord.objects.exists()


# -- people who leave ------------------------------------------------------------------------


def test_a_leaver_keeps_their_moments_in_the_figures_and_becomes_a_pseudonym(manager, agent, org):
    moment = add_moment(agent, org["desk"], answer={"csat": 5, "comment": "Anna was lovely"})
    roll_up_everything()
    type(agent).objects.filter(pk=agent.pk).update(is_active=False, last_login=days_ago(400))
    # The week ending on the moment's own day at Arlanda: in the last hours of a UTC day
    # that is already the next one, and a week of UTC dates would hold nothing to compare.
    first, last = moment.local_date - timedelta(days=6), moment.local_date
    before = month_figures(manager, first, last)
    (_headlines, trend, _journey), _exported = before
    assert sum(figures.moments for _day, figures in trend) == 1
    assert "Anna," in manager.get(reverse("dashboards:dashboard")).text
    prune_expired(NOW)
    agent.refresh_from_db()
    assert agent.get_full_name() == f"Former colleague {agent.pk}"
    assert agent.username == f"former-{agent.pk}" and agent.email == ""
    page = manager.get(reverse("dashboards:dashboard")).text
    assert "Former colleague," in page and "Anna," not in page
    assert month_figures(manager, first, last) == before


def test_a_leaver_within_the_period_keeps_their_name(agent, org):
    type(agent).objects.filter(pk=agent.pk).update(is_active=False, last_login=days_ago(300))
    prune_expired(NOW)
    agent.refresh_from_db()
    assert agent.first_name == "Anna"


# -- copies of comments sent or suggested ----------------------------------------------------


def message(endpoint, moment, days: int, **fields) -> WebhookDelivery:
    """The answer.received message of `moment`, made `days` ago, as emit() writes it."""
    data = answer_data(moment.invitation.answer)
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=f"msg_{moment.pk}_{days}",
        event="answer.received",
        payload={"type": "answer.received", "timestamp": "", "data": data},
        created_at=days_ago(days),
        **fields,
    )


def test_webhook_messages_go_30_days_after_sending_and_waiting_ones_lose_the_comment(agent, org):
    endpoint = WebhookEndpoint.objects.create(url="https://k7.se/w")
    moment = old_moment(agent, org, 10)
    sent_long_ago = message(endpoint, moment, 40, delivered_at=days_ago(40))
    given_up = message(endpoint, moment, 31, failed_at=days_ago(30))
    sent_lately = message(endpoint, moment, 20, delivered_at=days_ago(20))
    waiting_a_year = message(endpoint, moment, 400, next_attempt_at=days_ago(1))
    waiting_a_month = message(endpoint, moment, 40, next_attempt_at=days_ago(1))
    prune_expired(NOW)
    kept = {d.pk: d.payload["data"] for d in WebhookDelivery.objects.all()}
    assert sent_long_ago.pk not in kept and given_up.pk not in kept
    assert kept[sent_lately.pk]["comment"] == kept[waiting_a_month.pk]["comment"] != ""
    assert kept[waiting_a_year.pk]["comment"] == "" and kept[waiting_a_year.pk]["csat"] == 2


def suggestion(days: int) -> ThemeSuggestion:
    end = timezone.localdate(days_ago(days))
    return ThemeSuggestion.objects.create(
        term=f"gate {days}",
        language="en",
        period_start=end - timedelta(days=6),
        period_end=end,
        count=7,
        previous_count=0,
        g2=20.0,
        examples=["Gate changed twice, Mr Berg here", "Gate far away"],
    )


def test_example_comments_of_suggested_themes_are_emptied_after_the_comments_period(org):
    old, recent = suggestion(400), suggestion(300)
    prune_expired(NOW)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.examples == [] and old.term == "gate 400" and old.count == 7
    assert recent.examples == ["Gate changed twice, Mr Berg here", "Gate far away"]


def test_the_apis_writes_go_with_the_audit_entries(agent, org):
    key = ApiKey.objects.create(name="Contact centre", prefix="mk_x", key_hash="h" * 64)
    old = ApiWrite.objects.create(key=key, key_name=key.name, action="moments", count=1)
    ApiWrite.objects.filter(pk=old.pk).update(at=days_ago(800))
    ApiWrite.objects.create(key=key, key_name=key.name, action="moments", count=1)
    prune_expired(NOW)
    assert ApiWrite.objects.count() == 1 and not ApiWrite.objects.filter(pk=old.pk).exists()
