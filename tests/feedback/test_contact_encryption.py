"""Customers' contact details are encrypted at rest: a dump shows none, and keys rotate."""

import io
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from feedback.contact_keys import ContactKeyMismatch, stored_contacts_open
from feedback.invitations import invitation_for
from feedback.models import RecoveryContact
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import answer_and_leave_contact

PHONE, EMAIL = "+46701234567", "eva.lindqvist@example.com"


def leave_contact(client, agent, org, **fields) -> RecoveryContact:
    invitation = invitation_for(make_moment(agent, org["desk"]))
    answer_and_leave_contact(client, invitation, **fields)
    return RecoveryContact.objects.get(recovery__answer__invitation=invitation)


def stored_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, email FROM feedback_recoverycontact ORDER BY id")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_raw_pg_dump_holds_no_contact_detail_in_clear(client, agent, org, postgres):
    leave_contact(client, agent, org, phone=PHONE, email=EMAIL)
    db = connection.settings_dict
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--host", db["HOST"], "--port", str(db["PORT"] or 5432)]
        + ["--username", db["USER"], db["NAME"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "feedback_recoverycontact" in dump
    assert "eva.lindqvist" not in dump and "example.com" not in dump
    assert "701234567" not in dump and "1234567" not in dump


def test_the_team_still_reads_the_details_it_was_given(client, agent, org):
    contact = leave_contact(client, agent, org, phone=PHONE, email=EMAIL)
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == (PHONE, EMAIL)
    phone, email = stored_columns()[0]
    assert phone.startswith("gAAAAA") and email.startswith("gAAAAA")


def test_an_empty_way_stays_empty_so_that_one_way_is_still_required(client, agent, org):
    leave_contact(client, agent, org, phone=PHONE, email="")
    assert stored_columns()[0][1] == ""


def test_rotating_the_key_keeps_every_detail_readable_under_the_new_key_alone(
    client, agent, org, settings
):
    old, new = settings.CONTACT_KEYS[0], Fernet.generate_key().decode()
    leave_contact(client, agent, org, phone=PHONE, email=EMAIL)
    leave_contact(client, agent, org, phone="+4520123456", email="")
    settings.CONTACT_KEYS = [new, old]  # the overlap: new first, old still opens
    call_command("rotate_contact_key", stdout=io.StringIO())
    settings.CONTACT_KEYS = [new]  # the old key dropped
    phones = sorted(RecoveryContact.objects.values_list("phone", flat=True))
    assert phones == ["+4520123456", PHONE]
    assert sorted(RecoveryContact.objects.values_list("email", flat=True)) == ["", EMAIL]


def test_details_under_a_dropped_key_are_refused_never_shown_as_ciphertext(
    client, agent, org, settings
):
    leave_contact(client, agent, org, phone=PHONE, email=EMAIL)
    settings.CONTACT_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ContactKeyMismatch, match="None of CONTACT_KEYS can read"):
        RecoveryContact.objects.get()


def test_the_start_up_check_stops_on_a_wrong_key(client, agent, org, settings):
    leave_contact(client, agent, org, phone=PHONE, email=EMAIL)
    assert stored_contacts_open(databases=["default"]) == []
    settings.CONTACT_KEYS = [Fernet.generate_key().decode()]
    errors = stored_contacts_open(databases=["default"])
    assert [error.id for error in errors] == ["feedback.E001"]
