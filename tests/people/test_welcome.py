"""The welcome email: a new person's one-time link to their password and desk PIN."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from tests.people.conftest import link_in
from touchpoints.models import AuditEntry, Role, User
from touchpoints.people.links import welcome_tokens
from touchpoints.people.pins import check_pin, set_pin

IMPORT_URL = reverse("admin:touchpoints_user_import")
PEOPLE = """username,first_name,last_name,email,role,location,team
lena,Lena,Falk,lena@example.com,frontline,ARN,Check-in desk
omar,Omar,Haddad,,frontline,ARN,Check-in desk
pia,Pia,Lund,pia@example.com,manager,,
"""
PASSWORD = "a-long-new-password-4"


def add_person(client, **fields):
    data = {"usable_password": "false", "role": "frontline", **fields}
    return client.post(reverse("admin:touchpoints_user_add"), data, follow=True)


@pytest.fixture
def lena(client, org, role_admin, mailoutbox):
    """A frontline person an admin has just added, and the welcome email she got."""
    client.force_login(role_admin)
    add_person(
        client, username="lena", first_name="Lena", email="lena@example.com",
        team=org["arn_desk"].pk,
    )  # fmt: skip
    client.logout()
    return User.objects.get(username="lena")


def open_welcome(client, link: str):
    return client.get(link, follow=True)


def welcome_post(client, page, **fields):
    data = {"new_password1": PASSWORD, "new_password2": PASSWORD, "pin": "4826"}
    data["pin_again"] = fields.get("pin", data["pin"])
    data.update(fields)
    return client.post(page.request["PATH_INFO"], data, follow=True)


def test_a_person_added_in_the_configuration_gets_a_welcome_email(
    client, org, role_admin, mailoutbox
):
    client.force_login(role_admin)
    page = add_person(
        client, username="lena", email="lena@example.com", team=org["arn_desk"].pk
    ).content.decode()
    assert "A welcome email is on its way to lena@example.com" in page
    [message] = mailoutbox
    assert message.to == ["lena@example.com"] and message.subject == "Welcome to Moments"
    assert "Your username is lena" in message.body and "desk PIN" in message.body
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EMAILED)
    assert entry.actor == role_admin and entry.changes["welcome email"][1] == (
        "sent to lena@example.com"
    )


def test_a_person_added_without_an_email_address_is_named_and_gets_nothing(
    client, org, role_admin, mailoutbox
):
    client.force_login(role_admin)
    page = add_person(client, username="omar", team=org["arn_desk"].pk).content.decode()
    assert "Omar has no email address, so no welcome email was sent" in page
    assert mailoutbox == []


def test_people_imported_get_welcome_emails_and_those_without_an_address_are_named(
    client, org, role_admin, mailoutbox
):
    client.force_login(role_admin)
    page = client.post(IMPORT_URL, {"csv_text": PEOPLE, "apply": "Import"}, follow=True).text
    assert sorted(message.to[0] for message in mailoutbox) == [
        "lena@example.com",
        "pia@example.com",
    ]
    assert "Welcome emails are on their way to 2 new people" in page
    assert "No email address, so no welcome email: omar." in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EMAILED).count() == 2
    without = client.get(reverse("admin:touchpoints_user_changelist") + "?email=no").text
    assert "omar" in without and "lena" not in without


def test_the_welcome_page_sets_password_and_pin_and_signs_in(client, lena, mailoutbox):
    page = open_welcome(client, link_in(mailoutbox[0]))
    assert 'name="pin"' in page.text
    landed = welcome_post(client, page)
    assert landed.request["PATH_INFO"] == "/log/"
    lena.refresh_from_db()
    assert lena.check_password(PASSWORD) and check_pin(lena, "4826")


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("1234", "That PIN is one of the first anyone would try."),
        ("12", "A PIN is 4 to 6 digits."),
    ],
)
def test_a_refused_pin_says_why_and_keeps_nothing_secret(client, lena, mailoutbox, pin, reason):
    page = open_welcome(client, link_in(mailoutbox[0]))
    refused = welcome_post(client, page, pin=pin)
    assert reason in refused.text
    assert PASSWORD not in refused.text and f'value="{pin}"' not in refused.text
    lena.refresh_from_db()
    assert not lena.has_usable_password() and not lena.has_pin


def test_a_pin_someone_at_the_location_uses_is_refused(client, lena, agent, mailoutbox):
    set_pin(agent, "4826")
    page = open_welcome(client, link_in(mailoutbox[0]))
    assert "Someone at your location already uses that PIN" in welcome_post(client, page).text


def test_the_welcome_link_is_dead_after_use(client, lena, mailoutbox):
    link = link_in(mailoutbox[0])
    welcome_post(client, open_welcome(client, link))
    client.logout()
    again = open_welcome(client, link)
    assert "This link has already been used" in again.text
    assert 'name="new_password1"' not in again.text


def test_a_pin_set_elsewhere_kills_the_welcome_link(client, lena, mailoutbox):
    set_pin(lena, "5927")
    assert "This link has already been used" in open_welcome(client, link_in(mailoutbox[0])).text


def test_an_expired_welcome_link_says_so(client, org, role_admin, mailoutbox, monkeypatch):
    four_days_ago = datetime.now() - timedelta(days=4)
    monkeypatch.setattr(welcome_tokens, "_now", lambda: four_days_ago)
    client.force_login(role_admin)
    add_person(client, username="lena", email="lena@example.com", team=org["arn_desk"].pk)
    client.logout()
    monkeypatch.undo()
    page = open_welcome(client, link_in(mailoutbox[0]))
    assert "This link has expired: links work for 72 hours." in page.text


def test_a_manager_is_asked_for_a_password_only(client, org, role_admin, mailoutbox):
    client.force_login(role_admin)
    add_person(client, username="pia", email="pia@example.com", role="manager")
    client.logout()
    page = open_welcome(client, link_in(mailoutbox[0]))
    assert 'name="pin"' not in page.text
    landed = client.post(
        page.request["PATH_INFO"],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert landed.request["PATH_INFO"] == "/dashboard/"
    assert User.objects.get(username="pia").role == Role.MANAGER


def test_an_admin_resends_the_welcome_email_from_the_persons_page(
    client, lena, role_admin, mailoutbox
):
    client.force_login(role_admin)
    person_page = client.get(reverse("admin:touchpoints_user_change", args=[lena.pk])).text
    resend = reverse("admin:touchpoints_user_welcome", args=[lena.pk])
    assert resend in person_page
    page = client.post(resend, follow=True).text
    assert "A new welcome email is on its way to lena@example.com" in page
    assert len(mailoutbox) == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EMAILED).count() == 2
    client.logout()
    welcome_post(client, open_welcome(client, link_in(mailoutbox[1])))
    lena.refresh_from_db()
    assert lena.check_password(PASSWORD)


def test_a_mail_server_that_does_not_answer_is_said_and_the_person_is_kept(
    client, org, role_admin, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    settings.EMAIL_TIMEOUT = 2
    client.force_login(role_admin)
    page = add_person(client, username="lena", email="lena@example.com", team=org["arn_desk"].pk)
    assert page.status_code == 200
    assert "The welcome email to lena@example.com could not be sent" in page.text
    assert User.objects.filter(username="lena").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EMAILED).exists()


def test_sending_the_welcome_form_again_from_the_back_button_says_the_link_was_used(
    client, lena, mailoutbox
):
    page = open_welcome(client, link_in(mailoutbox[0]))
    welcome_post(client, page)
    client.logout()
    again = welcome_post(client, page, new_password1="x-another-password-5")
    assert "This link has already been used" in again.text
    lena.refresh_from_db()
    assert lena.check_password(PASSWORD)


def test_without_password_sign_in_the_welcome_page_asks_only_for_the_pin(
    client, org, role_admin, mailoutbox, settings
):
    settings.PASSWORD_SIGN_IN = False
    client.force_login(role_admin)
    add_person(client, username="lena", email="lena@example.com", team=org["arn_desk"].pk)
    client.logout()
    assert "Sign in with your airline" in mailoutbox[0].body
    page = open_welcome(client, link_in(mailoutbox[0]))
    assert 'name="pin"' in page.text and 'name="new_password1"' not in page.text
    landed = client.post(
        page.request["PATH_INFO"], {"pin": "4826", "pin_again": "4826"}, follow=True
    )
    assert landed.request["PATH_INFO"] == "/log/"
    lena = User.objects.get(username="lena")
    assert check_pin(lena, "4826") and not lena.has_usable_password()


def test_without_password_sign_in_a_manager_gets_no_welcome_email(
    client, org, role_admin, mailoutbox, settings
):
    settings.PASSWORD_SIGN_IN = False
    client.force_login(role_admin)
    page = add_person(client, username="pia", email="pia@example.com", role="manager")
    assert "Pia signs in through the airline&#x27;s provider" in page.text
    assert mailoutbox == []


def test_the_welcome_email_is_in_the_persons_language_and_the_notice_in_the_admins(
    client, lena, role_admin, mailoutbox
):
    lena.language = "da"
    lena.save()
    role_admin.language = "sv"
    role_admin.save()
    client.force_login(role_admin)
    page = client.post(reverse("admin:touchpoints_user_welcome", args=[lena.pk]), follow=True)
    assert "Ett nytt välkomstmejl är på väg till lena@example.com" in page.text
    assert mailoutbox[-1].subject == "Velkommen til Moments"
