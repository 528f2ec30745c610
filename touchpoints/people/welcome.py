"""The welcome email: a new person's one-time link to set their password (and desk PIN).

Sent when an admin creates a person with an email address, for each such person a CSV
import creates, and again whenever an admin asks from the person's page. Each sending is
in the audit trail. The link is `links.welcome_tokens`: it works once, and for
WELCOME_LINK_TIMEOUT seconds.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from ..models import Role, User
from .language import language_of
from .links import welcome_tokens


def site_url(request: HttpRequest) -> str:
    """Where links point: PUBLIC_BASE_URL when set, else the host the admin used."""
    return (settings.PUBLIC_BASE_URL or request.build_absolute_uri("/")).rstrip("/")


def welcome_url(person: User, base_url: str) -> str:
    path = reverse(
        "people:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": welcome_tokens.make_token(person),
        },
    )
    return base_url + path


def has_something_to_set(person: User) -> bool:
    """A password, while password sign-in is on; a desk PIN, for the front line. Without
    either (password sign-in off, not frontline) the airline's sign-in is all they need."""
    return settings.PASSWORD_SIGN_IN or person.has_role(Role.FRONTLINE)


def send_welcome(person: User, base_url: str) -> bool:
    """Email `person` their welcome link; False (nothing sent) without an email address or
    anything to set."""
    if not person.email or not has_something_to_set(person):
        return False
    context = {
        "person": person,
        "url": welcome_url(person, base_url),
        "asks_for_password": settings.PASSWORD_SIGN_IN,
        "provider": settings.OIDC_PROVIDER_NAME,
        "asks_for_pin": person.has_role(Role.FRONTLINE),
        "valid_until": timezone.now() + timedelta(seconds=settings.WELCOME_LINK_TIMEOUT),
    }
    # In the person's language when an admin set one (People → language), else the default.
    with override(language_of(person)):
        subject = render_to_string("registration/welcome_email_subject.txt", context)
        body = render_to_string("registration/welcome_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [person.email])
    return True
