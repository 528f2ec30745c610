"""A customer's contact shows on their team's recovery card and nowhere else: no export, no
manager's page, no public page, no JSON answer, no configuration page, no audit entry."""

import io
import zipfile

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from config.celery import app as celery_app
from dashboards.models import ExportJob
from feedback.invitations import invitation_for
from feedback.models import Recovery, RecoveryContact, Theme
from feedback.recovery import close
from tests.conftest import PASSWORD, roll_up_everything
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import answer_and_leave_contact
from tests.hostile import routes
from tests.shared_world import admin_user, agent, arn_manager, org  # noqa: F401
from tests.touchpoints.remedy_steps import give_an_apology
from touchpoints.models import AuditEntry
from touchpoints.needs import raise_need

PHONE, EMAIL = "+46 70 987 65 43", "leak.check@example.org"
# How the details could show, whatever the formatting around them.
TRACES = ["709876543", "70 987 65 43", "leak.check"]
# The recoveries are built once for the module (tests/shared_world.py); each test rolls back.
pytestmark = pytest.mark.django_db

EXPORTS = ["export_moments", "export_figures", "export_moments_xlsx", "export_figures_xlsx"]


def body(response) -> str:
    """What the response says, unpacking a streamed file and an XLSX's zipped sheets."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return raw.decode("utf-8", "replace")


def traces_in(text: str) -> list[str]:
    return [trace for trace in TRACES if trace in text]


@pytest.fixture(scope="module")
def contact_left(agent, org):
    """One open recovery and one closed lately, each with the customer's phone and email.
    Built once for the module's tests, each of which rolls back what it writes."""
    # Tasks run in-process while it is built, as tests/conftest.py has them for each test.
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        with override_settings(ROLLUP_REQUEST_SECONDS=0):
            return leave_contact(agent, org)
    finally:
        celery_app.conf.task_always_eager = eager


def leave_contact(agent, org):
    client = Client()
    invitations = [invitation_for(make_moment(agent, org["desk"])) for _ in range(2)]
    for number, invitation in enumerate(invitations):
        answer_and_leave_contact(
            client,
            invitation,
            answer_data={"csat": 1, "comment": f"Lost bag {number}"},
            phone=PHONE,
            email=EMAIL,
        )
    closed = Recovery.objects.get(answer__invitation=invitations[1])
    close(closed.pk, agent, action="called_back", result="recovered")
    roll_up_everything()
    assert RecoveryContact.objects.count() == 2
    return invitations[0]


@pytest.mark.parametrize("name", EXPORTS)
def test_the_contact_is_in_no_export(client, arn_manager, contact_left, name):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(reverse(f"dashboards:{name}"))
    assert response.status_code == 200
    text = body(response)
    if "moments" in name:
        assert "Lost bag 0" in text  # the recovery's answer is exported; its contact is not
    assert traces_in(text) == []


def test_the_managers_pages_show_the_recovery_but_not_the_contact(
    client, arn_manager, contact_left
):
    client.login(username=arn_manager.username, password=PASSWORD)
    dashboard = client.get(reverse("dashboards:dashboard"))
    moments = client.get(
        reverse("dashboards:journey_moments", args=[contact_left.moment.touchpoint_type_id])
    )
    for page in (dashboard, moments):
        assert "Lost bag 0" in page.text
        assert traces_in(page.text) == []


def test_the_public_page_never_shows_it_again(client, contact_left):
    response = client.get(reverse("feedback:answer", args=[contact_left.token]))
    assert "We already have your answer" in response.text
    assert traces_in(response.text) == []


def test_the_page_that_takes_the_details_does_not_repeat_them(client, invitation):
    response = answer_and_leave_contact(client, invitation, phone=PHONE, email=EMAIL)
    assert "Thank you, we will be in touch" in response.text
    assert traces_in(response.text) == []


# Parameters of configuration-site pages about one object of another model (a user, a team);
# their lists and the site's index are swept.
UNFILLED = {"object_id", "id", "content_type_id", "url"}


def test_no_page_and_no_json_answer_shows_it_but_the_teams_card(
    contact_left, agent, arn_manager, admin_user, org, settings, tmp_path
):
    need = raise_need(agent, "tool", "A printer", contact_left.moment.uuid)
    # Every moments export a big one: the worker writes it (in this process, as tasks run in
    # tests), and its file is swept with the pages.
    settings.EXPORT_DIR, settings.EXPORT_JOB_ROWS = tmp_path, 0
    asker = Client()
    asker.force_login(arn_manager)
    asker.get(reverse("dashboards:export_moments"))
    job = ExportJob.objects.get(state=ExportJob.State.DONE)
    real = {
        "job_id": job.pk,
        "moment_uuid": contact_left.moment.uuid,
        "remedy_uuid": give_an_apology(agent, contact_left.moment).uuid,
        "token": contact_left.token,
        "recovery_id": contact_left.answer.recovery.pk,
        "type_id": org["desk"].pk,
        "theme_id": Theme.objects.get(name_en="Baggage").pk,
        "need_id": need.pk,
        "person_id": agent.pk,
        "app_label": "feedback",
        "malformed": "cut-off",
        "digest": "0" * 16,
        "uidb64": urlsafe_base64_encode(force_bytes(agent.pk)),
        "uuid": contact_left.moment.uuid,  # the API's moment: refused without a key
        "rest": "no-such-endpoint",
    }
    paths = []  # (route's name, path): the walk of the resolver, once for the four roles
    for route in routes():
        if UNFILLED & set(route.params):
            continue
        missing = set(route.params) - set(real)
        assert not missing, f"{route.name}: give this sweep a real value for {missing}"
        paths.append((route.name, route.path(real)))
    seen_on = []
    for role, user in {"anyone": None, "agent": agent, "manager": arn_manager,
                       "admin": admin_user}.items():  # fmt: skip
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        for name, path in paths:
            for headers in ({}, {"HTTP_ACCEPT": "application/json"}):
                if traces_in(body(visitor.get(path, **headers))):
                    seen_on.append((role, name))
    assert sorted(set(seen_on)) == [("agent", "feedback:queue")]
    assert not [e for e in AuditEntry.objects.all() if traces_in(str(e.changes))]
