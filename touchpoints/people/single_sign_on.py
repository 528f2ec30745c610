"""Single sign-on with the airline's identity provider, by OpenID Connect.

mozilla-django-oidc runs the code flow (state, nonce, PKCE, the token's signature). This
module adds what Moments needs around it:

- the provider's endpoints come from its discovery document when the first sign-in needs
  them, not when the app starts: a provider that is down never stops Moments, and the
  person gets `ProviderDown`'s page instead;
- the id token must be for us (audience) and from the configured issuer, which the library
  leaves unchecked;
- each sign-in creates or updates the person from the claims, their role and places from
  the groups (`group_roles`); groups that give no role are refused before anything is
  written (`SignInRefused`), so a stranger never gets an account.
"""

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..models import Location, Role, Team, User
from .group_roles import GroupRole
from .roles import assign_role
from .sign_in import person

log = logging.getLogger(__name__)
DISCOVERY_SECONDS = 3600
ROLE_ORDER = [Role.ADMIN, Role.MANAGER, Role.FRONTLINE]


class ProviderDown(Exception):
    """The identity provider did not answer, or answered with an error of its own."""


class SignInRefused(Exception):
    """The provider vouched for someone Moments will not let in; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


NO_ROLE = _(
    "Your account at your airline is not in any group that gives access to Moments. "
    "Ask your administrator to add you to the right group, then try again."
)
NO_USERNAME = _("Your airline's sign-in did not say who you are. Ask your administrator.")
DEACTIVATED = _("Your Moments account is deactivated. Ask an admin to reactivate it.")
NOT_VERIFIED = _("Your airline's sign-in could not be verified. Try again.")


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    userinfo: str
    jwks: str


_discovered: dict[str, tuple[float, Endpoints]] = {}


def endpoints() -> Endpoints:
    """The provider's endpoints: those set in the environment, else discovered (and kept
    for an hour). ProviderDown when discovery is needed and the provider does not answer."""
    if settings.OIDC_OP_AUTHORIZATION_ENDPOINT and settings.OIDC_OP_TOKEN_ENDPOINT:
        return Endpoints(
            settings.OIDC_ISSUER,
            settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
            settings.OIDC_OP_TOKEN_ENDPOINT,
            settings.OIDC_OP_USER_ENDPOINT,
            settings.OIDC_OP_JWKS_ENDPOINT,
        )
    url = settings.OIDC_DISCOVERY_URL
    found = _discovered.get(url)
    if found is None or found[0] < time.monotonic():
        found = (time.monotonic() + DISCOVERY_SECONDS, _discover(url))
        _discovered[url] = found
    return found[1]


def _discover(url: str) -> Endpoints:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        return Endpoints(
            document["issuer"],
            document["authorization_endpoint"],
            document["token_endpoint"],
            document.get("userinfo_endpoint", ""),
            document["jwks_uri"],
        )
    except (requests.RequestException, ValueError, KeyError) as exc:
        log.warning("OIDC discovery at %s failed: %s", url, exc)
        raise ProviderDown from exc


@dataclass
class Grant:
    """What a person's groups give them."""

    role: Role
    team: Team | None
    managed_locations: list[Location]
    managed_teams: list[Team]


def grant_for(groups: object) -> Grant | None:
    """The role and places `groups` give under OIDC_GROUP_ROLES; None when no role."""
    if isinstance(groups, str):
        groups = [groups]
    names = {str(name) for name in groups or [] if isinstance(name, str | int)}
    entries = [entry for entry in settings.OIDC_GROUP_ROLES if entry.group in names]
    places = {entry: _place(entry) for entry in entries}
    usable = [entry for entry in entries if places[entry] is not False]
    if not usable:
        return None
    role = min((Role(entry.role) for entry in usable), key=ROLE_ORDER.index)
    teams = [places[entry] for entry in usable if entry.role == Role.FRONTLINE]
    managed = [places[entry] for entry in usable if entry.role == Role.MANAGER]
    return Grant(
        role=role,
        team=teams[0] if role == Role.FRONTLINE else None,
        managed_locations=[place for place in managed if isinstance(place, Location)],
        managed_teams=[place for place in managed if isinstance(place, Team)],
    )


def _place(entry: GroupRole) -> Location | Team | None | bool:
    """The entry's location or team; None for an admin; False when it is not (or no longer)
    in Moments, so that the entry gives nothing."""
    if not entry.location_code:
        return None
    at = Q(location__code__iexact=entry.location_code, location__active=True)
    if entry.team_name:
        place = Team.objects.filter(at, name__iexact=entry.team_name, active=True).first()
    else:
        place = Location.objects.filter(code__iexact=entry.location_code, active=True).first()
    if place is None:
        log.warning("OIDC_GROUP_ROLES: %s names no active place in Moments", entry)
        return False
    return place


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Signs in the person the provider vouches for; answers nothing to any other sign-in."""

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, password ones included: the
        # endpoints are looked up only when an OIDC sign-in comes back (`authenticate`).
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs) -> User | None:
        if request is None or "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        found = endpoints()
        # The issuer configured, when it is: a discovery document can be wrong or spoofed.
        self.issuer = settings.OIDC_ISSUER or found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token
        self.OIDC_OP_USER_ENDPOINT = found.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks
        try:
            return super().authenticate(request, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ProviderDown from exc
        except requests.HTTPError as exc:
            if exc.response is None or exc.response.status_code >= 500:
                raise ProviderDown from exc
            log.warning("OIDC provider refused the code: %s", exc)
            raise SignInRefused(NOT_VERIFIED) from exc

    def verify_token(self, token, **kwargs) -> dict:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id token is for another client.")
        if self.issuer and payload.get("iss") != self.issuer:
            raise SuspiciousOperation("The id token is from another issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload) -> dict:
        """The id token's claims, with the userinfo endpoint's on top when there is one
        (Entra ID puts groups in the token, Keycloak and Okta in either)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo is about someone else.")
            claims.update(userinfo)
        return claims

    def get_or_create_user(self, access_token, id_token, payload) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        username = str(claims.get(settings.OIDC_USERNAME_CLAIM) or "")[:150]
        if not username:
            raise SignInRefused(NO_USERNAME)
        grant = grant_for(claims.get(settings.OIDC_GROUPS_CLAIM))
        if grant is None:
            log.info("OIDC sign-in of %s refused: no group gives a role", username)
            raise SignInRefused(NO_ROLE)
        with transaction.atomic():
            found = User.objects.filter(username=username).first()
            if found is not None and not found.is_active:
                raise SignInRefused(DEACTIVATED)
            found = found or User.objects.create_user(username)  # no usable password
            _update(found, claims, grant)
        return found

    def get_user(self, user_id) -> User | None:
        # The same one-query person as a password sign-in gets (sign_in.PersonBackend).
        found = person(user_id)
        return found if found is not None and self.user_can_authenticate(found) else None


def _update(found: User, claims: dict, grant: Grant) -> None:
    found.first_name = str(claims.get("given_name") or found.first_name)[:150]
    found.last_name = str(claims.get("family_name") or found.last_name)[:150]
    found.email = str(claims.get("email") or found.email)[:254]
    if grant.team is not None:
        found.team = grant.team
    found.save()
    assign_role(found, grant.role)
    found.managed_locations.set(grant.managed_locations)
    found.managed_teams.set(grant.managed_teams)
