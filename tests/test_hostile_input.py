"""No input makes any URL answer 5xx, whoever sends it.

Every URL pattern the resolver knows, the configuration site's included, gets hostile
values in its path (and real ids), in its query string and in every field of the forms
that post to it, repeated parameters, and every method, from each role. It runs on
PostgreSQL: NUL bytes only fail there.
"""

import logging
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from config.celery import app as celery_app
from dashboards.models import ExportJob, RetentionPolicy
from feedback.invitations import invitation_for, record_answer
from feedback.models import Answer, CustomerRequest, FeedbackSettings, Theme, ThemeSuggestion
from tests.conftest import add_moment, make_user
from tests.desk_steps import register_desk
from tests.hostile import (
    HOSTILE,
    NUL,
    RAW_NAMES,
    RAW_QUERY,
    all_nul,
    encoded,
    link_params,
    page_forms,
    rotated,
    routes,
)
from tests.shared_world import admin_user, agent, arn_manager, org  # noqa: F401
from tests.touchpoints.remedy_steps import give_an_apology
from touchpoints.api_keys import create_key, record_write
from touchpoints.configuration import audit
from touchpoints.models import AccessRecord, Role, Team
from touchpoints.moments import undo_moment
from touchpoints.needs import raise_need
from touchpoints.people.roles import set_data_protection
from touchpoints.webhooks import Event, WebhookEndpoint, emit

# The world is built once for the module (tests/shared_world.py); each role's test rolls back.
pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
OFF_SITE = "https://evil.example/phish"
HTMX_IN_NO_LANGUAGE = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": f"{NUL};q=x,{'x' * 600}"}
ROLES = [
    "anonymous", "frontline", "frontline without a team", "manager", "admin", "data protection"
]  # fmt: skip
# Values that may pass a form's checks and so reach what runs after them.
# (No huge number: in an admin formset's TOTAL_FORMS it builds a thousand forms, slowly.)
PASSABLE = [NUL, HOSTILE[3], "-1", "x" * 5000, "' OR 1=1 --"]


@pytest.fixture(scope="module")
def world(org, agent, arn_manager, admin_user, tmp_path_factory):
    """A user in every role, and a real object of every kind a URL names: built once for the
    six roles, since every request of the sweep rolls back (and so does each test)."""
    export_dir = tmp_path_factory.mktemp("exports")
    # Tasks run in-process while it is built, as tests/conftest.py has them for each test.
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        with override_settings(ROLLUP_REQUEST_SECONDS=0):
            built = build_world(org, agent, arn_manager, admin_user, export_dir)
    finally:
        celery_app.conf.task_always_eager = eager
    with override_settings(EXPORT_DIR=export_dir):
        yield built


def build_world(org, agent, arn_manager, admin_user, export_dir):
    answered = add_moment(agent, org["desk"], outcome=1)
    record_answer(invitation_for(answered), Answer(csat=1, comment="Cold coffee"))
    waiting = add_moment(agent, org["bag_drop"])
    need = raise_need(agent, "tool", "A printer", waiting.uuid)
    audit.record_change(admin_user, org["arn_desk"], None)
    undo_moment(agent, add_moment(agent, org["boarding"]).uuid)
    Client().post("/login/", {"username": "someone-else", "password": "wrong"})
    FeedbackSettings.current()
    RetentionPolicy.current()
    CustomerRequest.objects.create(kind="search", named_by="reference")
    AccessRecord.objects.create(person=agent, what="moments")
    register_desk(org["arn"])
    # The API's key and what it wrote; a webhook endpoint and one delivery.
    key, _plain = create_key("Contact centre", [org["arn"]], write=True)
    record_write(key, "created moments", [str(waiting.uuid)])
    WebhookEndpoint.objects.create(url="https://k7.se/w")
    emit(Event.NEED_RAISED, {"id": need.pk})
    today = date.today()
    ThemeSuggestion.objects.create(
        term="e-gate",
        language="en",
        period_start=today,
        period_end=today,
        count=9,
        previous_count=0,
        g2=20.0,
        examples=["The e-gate <b>broke</b>"],
    )
    (export_dir / "moments-raw-1.csv").write_text("occurred_at\n")
    job = ExportJob.objects.create(
        requested_by=arn_manager,
        file_format="csv",
        state="done",
        file_name="moments-raw-1.csv",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    real = {
        "job_id": job.pk,
        "moment_uuid": waiting.uuid,
        "remedy_uuid": give_an_apology(agent, waiting).uuid,
        "token": invitation_for(waiting).token,
        "recovery_id": answered.invitation.answer.recovery.pk,
        "type_id": org["desk"].pk,
        "theme_id": Theme.objects.get(name_en="Baggage").pk,
        "need_id": need.pk,
        "person_id": agent.pk,
        "content_type_id": ContentType.objects.get_for_model(Team).pk,
        "app_label": "touchpoints",
        "url": "touchpoints/nothing/",
        "malformed": "cut-off",
        "digest": "0" * 16,
        # Reset and welcome links: a real person, with `token` above as a wrong token.
        "uidb64": urlsafe_base64_encode(force_bytes(agent.pk)),
        # The API (its own sweep with a key is tests/api/test_hostile_api.py).
        "uuid": waiting.uuid,
        "rest": "no-such-endpoint",
    }
    officer = make_user("dora", Role.MANAGER)
    set_data_protection(officer, True)
    users = {
        "anonymous": None,
        "frontline": agent,
        "frontline without a team": make_user("lone", Role.FRONTLINE),
        "manager": arn_manager,
        "admin": admin_user,
        "data protection": officer,
    }
    return real, users


def real_path(route, real: dict) -> str:
    """The route's path naming real objects: the configuration site's object pages name
    the first object of the model in their path."""
    values = dict(real)
    parts = route.template.split("/")
    if parts[0] == "admin" and {"object_id", "id"} & set(route.params):
        model = Team if parts[1] == "r" else apps.get_model(parts[1], parts[2])
        values["object_id"] = values["id"] = model._base_manager.order_by("pk").first().pk
    missing = set(route.params) - set(values)
    assert not missing, f"{route.name}: give the sweep a real value for {missing} in `world`"
    return route.path(values)


class Sweep:
    """One role's browser: sends requests, each rolled back, and notes every 5xx and every
    redirect that leaves the site."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.failures: dict[str, str] = {}
        if user is not None:
            self.client.force_login(user)
        # One savepoint for the whole sweep: ROLLBACK TO keeps it for the next request, one
        # round trip where an atomic block per request costs three (SAVEPOINT, ROLLBACK TO,
        # RELEASE), on thousands of requests.
        self.savepoint = transaction.savepoint()
        assert self.savepoint is not None, "the sweep runs inside the test's transaction"

    def send(self, method: str, path: str, query: str = "", body: str = "", **headers):
        url = f"{path}?{query}" if query else path
        session = self.client.cookies.get("sessionid")
        response, statements = None, []
        callbacks = len(connection.run_on_commit)
        try:
            with connection.execute_wrapper(counting(statements)):
                response = self.client.generic(method, url, body, FORM, **headers)
        except Exception as exc:  # noqa: BLE001  the 500 this test is here to find
            self._note(method, path, f"{type(exc).__name__}: {exc}", query, body)
        else:
            if response.status_code >= 500:
                self._note(method, path, f"status {response.status_code}", query, body)
            if leaves_site(response.get("Location", "")):
                self._note(method, path, f"redirects to {response['Location']}", query, body)
        finally:
            # A POST that saved, deleted or locked something leaves the next request the
            # same world; the session lives in the database so it rolls back too. A request
            # refused before any statement (a NUL byte, a PUT) changed nothing to undo.
            if statements:
                self._roll_back(callbacks)
        if self.user is not None and self.client.cookies.get("sessionid") != session:
            # A logout or a login replaced the session; its row is back in the database,
            # as it was, so the old cookie signs in again.
            self.client.cookies["sessionid"] = session
        return response

    def _roll_back(self, callbacks: int) -> None:
        """Back to the sweep's savepoint, as leaving an atomic block that failed would."""
        transaction.savepoint_rollback(self.savepoint)
        connection.needs_rollback = False
        del connection.run_on_commit[callbacks:]  # what the request left to run on commit

    def _note(self, method, path, what, query, body):
        where = f"{method} {path[:100]}: {what[:200]}"
        self.failures.setdefault(where, f"query {query[:300]!r} body {body[:300]!r}")


def counting(statements: list):
    """An execute wrapper noting each statement sent, whether or not it succeeds."""

    def wrapper(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def leaves_site(location: str) -> bool:
    # Not Django's url_has_allowed_host_and_scheme: that also refuses a long, harmless path.
    parts = urlsplit(location.replace("\\", "/"))
    return parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http", "https")


def let_in(response) -> bool:
    """The role may use the page: it exists, and the role is neither refused nor sent
    to log in first."""
    if response is None or response.status_code in (403, 404, 405):
        return False
    return not (response.status_code == 302 and "/login/" in response.get("Location", ""))


def sweep_route(sweep: Sweep, route, path: str, page, forms: dict, links: set) -> None:
    fields, query_fields = forms.get(("POST", path), {}), forms.get(("GET", path), {})
    # The form as the page offers it reaches what runs after it, such as a redirect.
    sent = sweep.send("POST", path, body=encoded({**fields, "next": OFF_SITE}))
    entered = let_in(page) or let_in(sent)
    # A role refused here, by GET and by POST, is refused whatever the path holds and
    # however it asks: one hostile path by GET shows it. (By POST too it cost a rendered
    # refusal more for each of some 130 configuration pages, per role.)
    for hostile_path in route.hostile_paths()[: None if entered else 1]:
        sweep.send("GET", hostile_path)
        if entered:
            sweep.send("POST", hostile_path, body=encoded(fields))
    names = [*RAW_NAMES, *sorted((links | set(fields) | set(query_fields)) - set(RAW_NAMES))]
    rounds = [all_nul(names), dict.fromkeys(names, ""), rotated(names, 1)]
    rounds = rounds if entered else rounds[:1]
    for number, values in enumerate(rounds):
        headers = HTMX_IN_NO_LANGUAGE if number % 2 else {}
        sweep.send("GET", path, encoded({**query_fields, **values}), **headers)
        sweep.send("POST", path, encoded(values), encoded({**fields, **values}), **headers)
    for method in ("PUT", "PATCH", "DELETE", "OPTIONS"):
        sweep.send(method, path, encoded(all_nul(names)), encoded(fields))
    if not entered:
        return
    repeated = {name: [value or "1", "2"] for name, value in fields.items()}
    sweep.send("GET", path, encoded(dict.fromkeys(names, ["1", "2"]), RAW_QUERY))
    sweep.send("POST", path, RAW_QUERY, encoded(repeated, RAW_QUERY))
    # One at a time, the rest as the page offered it: a value a form lets through reaches
    # what runs after the form, and a bad filter cannot hide a bad search behind it.
    for name in sorted(links | set(query_fields)):
        sweep.send("GET", path, encoded({**query_fields, name: NUL}))
    send_each_field_hostile(sweep, path, fields, together=names_its_refusals(page))


def send_each_field_hostile(sweep: Sweep, path: str, fields: dict, together: bool) -> None:
    """Each field with a value that may pass its form's checks, the rest as the page offered
    them. A configuration-site form names each field it refuses, so there the values go
    together first: the fields refused are then sent one at a time (a check that fails only
    when one field is missing must not be hidden by another field missing too), and the
    rest go on together until the form lets all of them through. One request instead of
    one per field, for each form's fields that pass."""
    hostile = {name: PASSABLE[number % len(PASSABLE)] for number, name in enumerate(fields)}
    # A NUL anywhere refuses the whole request before any view (config/nul_bytes.py).
    alone = [name for name, value in hostile.items() if NUL in value] if together else []
    pending = {name: value for name, value in hostile.items() if name not in alone}
    while together and len(pending) > 1:
        refused = refused_fields(sweep.send("POST", path, body=encoded({**fields, **pending})))
        if refused is None:  # the answer did not say which: each on its own, as elsewhere
            break
        if not refused & pending.keys():
            pending = {}  # all through the form, to what runs after it
            break
        alone += [name for name in pending if name in refused]
        pending = {name: value for name, value in pending.items() if name not in refused}
    for name in [*alone, *pending]:
        sweep.send("POST", path, body=encoded({**fields, name: hostile[name]}))


def names_its_refusals(page) -> bool:
    """The page is a configuration-site form (add, change, password): refused, it shows
    itself again with an error on each field it refused."""
    return page is not None and page.context is not None and "adminform" in page.context


def refused_fields(response) -> set[str] | None:
    """The names, as posted, of the fields a configuration-site form refused: none when it
    saved and redirected; None when the answer does not say (another answer, or an error
    that is the whole form's or a whole inline's)."""
    if response is not None and response.status_code == 302:
        return set()
    if not (response is not None and response.status_code == 200 and names_its_refusals(response)):
        return None
    forms, refused = [response.context["adminform"].form], set()
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        if len(inline.formset.non_form_errors()) > (0 if management.is_valid() else 1):
            return None
        refused |= {management.add_prefix(name) for name in management.errors}
        forms += inline.formset.forms
    for form in forms:
        if NON_FIELD_ERRORS in form.errors:
            return None
        refused |= {form.add_prefix(name) for name in form.errors}
    return refused


@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_any_url_answer_5xx_or_redirect_off_site(role, world, postgres, settings):
    # Sessions roll back with each request: they live in the database (config/sessions.py,
    # the engine every request uses). The cache is the test's own: the public page's rate
    # limits would otherwise stop the sweep from reaching its form.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"hostile-{role}",
        }
    }
    settings.FEEDBACK_RATE_LIMITS = dict.fromkeys(settings.FEEDBACK_RATE_LIMITS, (10**9, 600))
    real, users = world
    sweep = Sweep(users[role])
    before = rows_of_every_model()
    every_route = routes()
    paths = {route: real_path(route, real) for route in every_route}
    pages, forms, links = {}, {}, {}
    logging.disable(logging.CRITICAL)  # thousands of 4xx; the failures say what matters
    try:
        for path in paths.values():
            pages[path] = page = sweep.send("GET", path, encoded({"next": OFF_SITE}))
            links[path] = link_params(page) if page is not None else set()
            for target, fields in (page_forms(path, page) if page is not None else {}).items():
                forms.setdefault(target, {}).update(fields)
        for route, path in paths.items():
            sweep_route(sweep, route, path, pages[path], forms, links[path])
    finally:
        logging.disable(logging.NOTSET)
    assert len(every_route) > 80  # the walk found the configuration site's pages too
    assert not sweep.failures, "\n".join(f"{k}\n    {v}" for k, v in sweep.failures.items())
    # Every request was rolled back, and the role stayed signed in to the end.
    assert rows_of_every_model() == before
    if users[role] is not None:
        assert sweep.client.session["_auth_user_id"] == str(users[role].pk)


def rows_of_every_model() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}
