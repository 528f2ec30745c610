"""Forgot your password: Django's own views, one-time links, no hint of who has an account."""

from datetime import datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tests.people.conftest import link_in
from touchpoints.people.links import reset_tokens

NEW_PASSWORD = "a-new-long-password-9"


@pytest.fixture
def anna(agent):
    agent.email = "anna@example.com"
    agent.save()
    return agent


def ask_for_link(client, email: str):
    return client.post("/password-reset/", {"email": email}, follow=True)


def main_of(response) -> str:
    """What the person reads (the CSRF token in the page head differs on every answer)."""
    return response.content.decode().split('<main id="main">')[1]


def choose_password(client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": password, "new_password2": password},
        follow=True,
    ), form_page


def test_the_login_page_links_to_the_forgotten_password_page(client, org):
    page = client.get("/login/").content.decode()
    assert 'href="/password-reset/"' in page and "Forgot your password?" in page


def test_a_reset_link_sets_a_new_password(client, anna, mailoutbox):
    ask_for_link(client, "ANNA@example.com")
    assert [message.to for message in mailoutbox] == [["anna@example.com"]]
    done, _ = choose_password(client, link_in(mailoutbox[0]))
    assert "Your new password is saved" in done.content.decode()
    assert not client.login(username="anna", password=PASSWORD)
    assert client.login(username="anna", password=NEW_PASSWORD)


def test_a_used_reset_link_says_it_was_used(client, anna, mailoutbox):
    ask_for_link(client, "anna@example.com")
    link = link_in(mailoutbox[0])
    choose_password(client, link)
    again, _ = choose_password(client, link, "yet-another-password-7")
    page = again.content.decode()
    assert "This link has already been used" in page
    assert client.login(username="anna", password=NEW_PASSWORD)


def test_an_expired_reset_link_says_it_expired(client, anna, mailoutbox, monkeypatch, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 3600
    three_hours_ago = datetime.now() - timedelta(hours=3)
    monkeypatch.setattr(reset_tokens, "_now", lambda: three_hours_ago)
    ask_for_link(client, "anna@example.com")
    monkeypatch.undo()
    page = client.get(link_in(mailoutbox[0]), follow=True).content.decode()
    assert "This link has expired: links work for 2 hours." in page
    assert 'name="new_password1"' not in page


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, anna, mailoutbox):
    known = ask_for_link(client, "anna@example.com")
    unknown = ask_for_link(client, "nobody@example.com")
    assert unknown.redirect_chain == known.redirect_chain
    assert main_of(unknown) == main_of(known)
    assert len(mailoutbox) == 1


def test_the_form_sends_one_person_at_most_three_emails_an_hour(client, anna, mailoutbox):
    answers = {main_of(ask_for_link(client, "anna@example.com")) for _ in range(6)}
    assert len(mailoutbox) == 3
    assert len(answers) == 1  # the fourth ask reads like the first


def test_a_person_without_a_password_gets_no_reset_email(client, anna, mailoutbox):
    # Single sign-on people and people not yet welcomed: a reset would open a way in that
    # the airline's sign-in (or the admin's welcome email) is meant to be.
    anna.set_unusable_password()
    anna.save()
    ask_for_link(client, "anna@example.com")
    assert mailoutbox == []


def test_reset_links_point_at_the_public_address(client, anna, mailoutbox, settings):
    settings.PUBLIC_BASE_URL = "https://moments.example.com/"
    ask_for_link(client, "anna@example.com")
    assert "https://moments.example.com/password-reset/" in mailoutbox[0].body
