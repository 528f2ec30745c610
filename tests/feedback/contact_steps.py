"""Steps the contact tests share: a customer answers, then leaves (or tries to leave) details."""

import re

from django.urls import reverse

from feedback.models import Invitation

KEY = re.compile(r'name="contact_key" value="([^"]+)"')


def answer(client, invitation: Invitation, **data):
    return client.post(reverse("feedback:answer", args=[invitation.token]), data)


def offered_key(response) -> str | None:
    """The offer key in a page, or None when the page offers no contact form."""
    found = KEY.search(response.text)
    return found.group(1) if found else None


def send_contact(client, invitation: Invitation, key: str, ticked=True, **fields):
    """The contact form sent; `ticked` ticks the consent box unless `fields` say otherwise."""
    data = {"contact_key": key, **fields}
    if ticked:
        data.setdefault("consent", "on")
    return client.post(reverse("feedback:answer", args=[invitation.token]), data)


def answer_and_leave_contact(client, invitation: Invitation, answer_data=None, **fields):
    """A low answer, then the thank-you page's contact form sent with consent."""
    thanks = answer(client, invitation, **(answer_data or {"csat": 1, "comment": "Lost bag"}))
    return send_contact(client, invitation, offered_key(thanks), **fields)
