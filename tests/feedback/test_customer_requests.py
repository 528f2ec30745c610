"""A customer's data found, exported and erased on request: everything linked, every figure
kept, the request registered and audited without the customer's details."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dashboards.models import DailyRollup
from feedback import customer_data
from feedback.customer_requests import as_csv, serve
from feedback.models import CustomerRequest, Recovery, RecoveryContact
from feedback.themes.models import ThemeSuggestion
from feedback.webhook_events import answer_data, recovery_data
from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from touchpoints.customers import hash_ref
from touchpoints.models import AuditEntry, Moment, MomentCorrection, Role, UndoRecord
from touchpoints.people.roles import set_data_protection
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint

REF, OTHER = "XK7P2Q", "AB1234"
PHONE, EMAIL = "+46701234567", "eva@example.com"
FIND_URL = reverse("admin:feedback_customerrequest_find")


@pytest.fixture(autouse=True)
def ask_the_same_customer_each_time(settings):
    """These moments share one customer: the over-survey limit (feedback/invitations.py)
    would hold back every invitation after the first, and with it the answers kept here."""
    settings.INVITE_SAME_CUSTOMER_DAYS = 0


def customer_moment(agent, org, ref=REF, comment="Rude agent, I am Eva Lindqvist", **fields):
    moment = add_moment(
        agent,
        org["desk"],
        outcome=2,
        answer={"csat": 1, "nps": 2, "comment": comment},
        customer_ref_hash=hash_ref(ref),
        note="Mrs Lindqvist, seat 14A",
        extra={"flight": "SK123"},
        **fields,
    )
    return moment


def leave_contact(moment, phone=PHONE, email=EMAIL) -> RecoveryContact:
    recovery = Recovery.objects.get(answer__invitation__moment=moment)
    return RecoveryContact.objects.create(
        recovery=recovery,
        phone=phone,
        email=email,
        consent_text="I agree",
        consent_version="2026-12",
        language="en",
        kept_days=30,
    )


@pytest.fixture
def customer(agent, org):
    """Eva: two moments under her booking code (one with her contact), a correction and an
    undone moment that kept copies of her reference; and another customer's moment."""
    first = customer_moment(agent, org)
    second = customer_moment(agent, org, comment="Still no bag")
    leave_contact(second)
    MomentCorrection.objects.create(
        moment=first,
        corrected_by=agent,
        before={"note": "Eva, 14A", "customer_ref_hash": hash_ref(REF), "outcome": 3},
        after={"note": "Mrs Lindqvist, seat 14A", "customer_ref_hash": hash_ref(REF)},
    )
    UndoRecord.objects.create(
        moment_uuid=first.uuid,
        undone_by=agent,
        location=org["arn"],
        local_date=first.local_date,
        moment={"note": "Eva again", "customer_ref_hash": hash_ref(REF), "corrections": []},
    )
    other = customer_moment(agent, org, ref=OTHER, comment="Lovely staff")
    roll_up_everything()
    return {"first": first, "second": second, "other": other}


def figures() -> list[tuple]:
    return sorted(
        DailyRollup.objects.values_list(
            "touchpoint_type",
            "moments",
            "answers",
            "low_answers",
            "recoveries_opened",
            "recoveries_closed",
            "recovery_seconds",
            "comments",
            "notes",
        )
    )


def exported_figures(client) -> str:
    """The dashboard's figures export, as a manager downloads it."""
    response = client.get(reverse("dashboards:export_figures"), {"period": "7"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_a_reference_finds_moments_answers_contacts_and_kept_copies(customer):
    found = customer_data.find(customer_data.lookup("xk-7p 2q"))
    assert found.counts() == {
        "moments": 2,
        "answers": 2,
        "comments": 2,
        "recoveries": 2,
        "contacts": 1,
        "corrections": 1,
        "undone_moments": 1,
        "needs": 0,
    }


def test_a_phone_number_or_email_finds_the_same_customer_through_their_contact(customer):
    by_phone = customer_data.find(customer_data.lookup("0046 70 123 45 67"))
    by_email = customer_data.find(customer_data.lookup("EVA@example.com"))
    assert by_phone.counts()["moments"] == by_email.counts()["moments"] == 2


def test_the_access_export_holds_everything_as_json_and_csv(customer):
    out = io.StringIO()
    call_command("customer_data", REF, stdout=out)
    data = json.loads(out.getvalue())
    assert data["found"] is True
    comments = sorted(m["answer"]["comment"] for m in data["moments"])
    assert comments == ["Rude agent, I am Eva Lindqvist", "Still no bag"]
    assert data["contacts"][0]["phone"] == PHONE
    assert "Lovely staff" not in out.getvalue()
    csv_text = as_csv(customer_data.find(customer_data.lookup(REF)))
    assert "Still no bag" in csv_text and "'+46701234567" in csv_text


def test_erasure_removes_personal_data_and_keeps_every_figure(customer, client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    before, exported = figures(), exported_figures(client)
    call_command("erase_customer", REF, stdout=io.StringIO())
    first = Moment.objects.get(pk=customer["first"].pk)
    assert (first.note, first.extra, first.customer_ref_hash) == ("", {}, "")
    assert first.invitation.answer.comment == "" and first.invitation.answer.csat == 1
    assert not RecoveryContact.objects.exists()
    correction = MomentCorrection.objects.get()
    assert correction.before == {"note": "", "customer_ref_hash": "", "outcome": 3}
    assert UndoRecord.objects.get().moment["note"] == ""
    assert Moment.objects.get(pk=customer["other"].pk).invitation.answer.comment == "Lovely staff"
    roll_up_everything()  # even rebuilt from the raw rows, the figures are the same
    assert figures() == before
    # Her open recoveries, closed by the erasure, are not recovered: the rate stays.
    assert exported_figures(client) == exported


def test_an_open_recovery_is_closed_as_erased_on_request(customer):
    serve(REF, CustomerRequest.Kind.ERASURE, None)
    recovery = Recovery.objects.get(answer__invitation__moment=customer["first"])
    assert recovery.status == Recovery.Status.CLOSED
    assert recovery.get_action_display() == "Erased on request"


def test_erasure_is_idempotent_and_each_run_is_audited(customer):
    first, second = io.StringIO(), io.StringIO()
    call_command("erase_customer", REF, stdout=first)
    call_command("erase_customer", REF, stdout=second)
    assert json.loads(first.getvalue())["erased"]["comments"] == 2
    assert json.loads(second.getvalue())["found"] is False
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASED).count() == 2


def test_an_unknown_reference_says_nothing_was_found_and_the_search_is_recorded(org):
    out = io.StringIO()
    call_command("erase_customer", "NOSUCH1", stdout=out)
    assert "Nothing is held about this customer" in out.getvalue()
    request = CustomerRequest.objects.get()
    assert request.found["moments"] == 0 and request.finished_at is not None
    assert AuditEntry.objects.get().object_id == str(request.pk)


def test_the_register_and_audit_hold_no_personal_data(customer):
    serve(PHONE, CustomerRequest.Kind.ERASURE, None)
    stored = json.dumps(list(AuditEntry.objects.values()), default=str) + json.dumps(
        list(CustomerRequest.objects.values()), default=str
    )
    for detail in (PHONE, "701234567", EMAIL, REF, hash_ref(REF), "Lindqvist"):
        assert detail not in stored
    assert CustomerRequest.objects.get().named_by == "phone"


def test_an_erasure_that_crashed_between_batches_finishes_when_run_again(customer, monkeypatch):
    monkeypatch.setattr(customer_data, "BATCH", 1)
    before = figures()

    def crash():
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        serve(PHONE, CustomerRequest.Kind.ERASURE, None, between_batches=crash)
    assert CustomerRequest.objects.get().finished_at is None  # shows it did not finish
    assert RecoveryContact.objects.exists()  # what ties the rest to her is kept till last

    again = serve(PHONE, CustomerRequest.Kind.ERASURE, None)
    assert not again.nothing_found
    assert not RecoveryContact.objects.exists()
    assert not Moment.objects.filter(customer_ref_hash=hash_ref(REF)).exists()
    assert customer_data.find(customer_data.lookup(REF)).is_empty
    roll_up_everything()
    assert figures() == before


# -- the screen ----------------------------------------------------------------------------


@pytest.fixture
def officer(org):
    person = make_user("dora", Role.MANAGER)
    set_data_protection(person, True)
    return person


def test_an_admin_without_the_duty_cannot_open_the_screen(client, role_admin):
    client.login(username=role_admin.username, password=PASSWORD)
    assert client.get(FIND_URL).status_code == 403


def test_the_officer_sees_the_screen_but_no_configuration_page(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    assert client.get(FIND_URL).status_code == 200
    users = reverse("admin:touchpoints_user_changelist")
    assert client.get(users).status_code == 403


def test_the_officer_finds_exports_and_erases_on_the_screen(client, officer, customer):
    client.login(username=officer.username, password=PASSWORD)
    found = client.post(FIND_URL, {"customer": REF, "search": "1"})
    assert "Still no bag" in found.text and PHONE in found.text
    assert "Lovely staff" not in found.text
    export = client.post(FIND_URL, {"customer": REF, "export_csv": "1"})
    assert export["Content-Type"].startswith("text/csv") and "Still no bag" in export.text
    export = client.post(FIND_URL, {"customer": REF, "export_json": "1"})
    assert json.loads(export.content)["counts"]["moments"] == 2
    unconfirmed = client.post(FIND_URL, {"customer": REF, "erase": "1"})
    assert "Tick the box to confirm the erasure." in unconfirmed.text
    assert RecoveryContact.objects.exists()
    erased = client.post(FIND_URL, {"customer": REF, "erase": "1", "confirm": "on"}, follow=True)
    assert "Every figure is kept." in erased.text
    assert not RecoveryContact.objects.exists()
    kinds = list(CustomerRequest.objects.order_by("at").values_list("kind", "by"))
    assert kinds == [
        ("search", officer.pk),
        ("export", officer.pk),
        ("export", officer.pk),
        ("erasure", officer.pk),
    ]


def test_the_screen_says_nothing_was_found_for_an_unknown_reference(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    response = client.post(FIND_URL, {"customer": "NOSUCH1", "search": "1"}, follow=True)
    assert "Nothing is held about this customer. The search is recorded." in response.text
    assert CustomerRequest.objects.get().kind == "search"


# -- copies sent to other systems or kept as examples ----------------------------------------


def message(moment, event="answer.received", **fields) -> WebhookDelivery:
    """A webhook message about `moment`'s answer (or its recovery), as emit() writes it."""
    endpoint, _ = WebhookEndpoint.objects.get_or_create(url="https://crm.example.com/hook")
    answer = moment.invitation.answer
    data = recovery_data(answer.recovery) if event.startswith("recovery") else answer_data(answer)
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=f"msg_{event}_{moment.pk}",
        event=event,
        payload={"type": event, "timestamp": "", "data": data},
        **fields,
    )


def test_erasure_blanks_the_comment_in_webhook_messages_and_suggested_themes(customer):
    waiting = message(customer["first"])
    delivered = message(customer["first"], "recovery.opened", delivered_at=timezone.now())
    others = message(customer["other"])
    suggestion = ThemeSuggestion.objects.create(
        term="rude",
        language="en",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        count=5,
        previous_count=0,
        g2=16.0,
        examples=["Rude agent, I am Eva Lindqvist", "Lovely staff", "Still no bag"],
    )
    serve(REF, CustomerRequest.Kind.ERASURE, None)
    for sent in (waiting, delivered, others):
        sent.refresh_from_db()
    assert waiting.payload["data"]["comment"] == "" and waiting.payload["data"]["csat"] == 1
    assert delivered.payload["data"]["answer"]["comment"] == ""
    assert delivered.payload["data"]["answer"]["csat"] == 1
    assert others.payload["data"]["comment"] == "Lovely staff"
    suggestion.refresh_from_db()
    assert suggestion.examples == ["Lovely staff"]


def test_the_access_export_holds_the_webhook_messages_that_carried_their_data(customer):
    message(customer["first"], delivered_at=timezone.now())
    message(customer["other"])
    data = json.loads(call_command_output("customer_data", REF))
    sent = data["webhook_messages"]
    assert [(m["event"], m["sent_to"], m["data"]["comment"]) for m in sent] == [
        ("answer.received", "https://crm.example.com/hook", "Rude agent, I am Eva Lindqvist")
    ]
    assert sent[0]["delivered_at"]
    csv_text = as_csv(customer_data.find(customer_data.lookup(REF)))
    assert 'webhook_messages,1,data.comment,"Rude agent, I am Eva Lindqvist"' in csv_text


def call_command_output(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
