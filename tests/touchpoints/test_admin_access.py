"""Only people with the admin role reach configuration: every page, every action."""

import re
import uuid
from datetime import date

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse

from dashboards.models import RetentionPolicy
from feedback.models import CustomerRequest, FeedbackSettings, Theme, ThemeSuggestion
from tests.conftest import make_user
from tests.desk_steps import register_desk
from tests.shared_world import agent, arn_manager, org  # noqa: F401
from tests.touchpoints.remedy_steps import remedy_kinds
from touchpoints.api_keys import ApiKey, ApiWrite, create_key, record_write
from touchpoints.configuration import audit
from touchpoints.configuration.site import site
from touchpoints.models import (
    AccessRecord,
    AuditEntry,
    Desk,
    JourneyStage,
    Location,
    RemedyKind,
    Role,
    Team,
    TouchpointType,
    UndoRecord,
    User,
)
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

DATA_PROTECTION_PAGES = re.compile(r"/(customerrequest|accessrecord)/")
ARCHIVABLE = [
    Location,
    Team,
    TouchpointType,
    User,
    Desk,
    ApiKey,
    WebhookEndpoint,
    Theme,
    RemedyKind,
]


@pytest.fixture(scope="module")
def config_objects(org, agent):
    """One object of every model the configuration site shows: built once for the module's
    tests, each of which rolls back what it writes (tests/shared_world.py)."""
    entry = audit.record(None, org["arn"], AuditEntry.Action.CHANGED, {"name": ["a", "b"]})
    undo = UndoRecord.objects.create(
        moment_uuid=uuid.uuid4(),
        undone_by=agent,
        location=org["arn"],
        local_date=date.today(),
        moment={},
    )
    key = create_key("Contact centre", [org["arn"]])[0]
    endpoint = WebhookEndpoint.objects.create(url="https://k7.se/w")
    return {
        Location: org["arn"],
        Team: org["arn_desk"],
        TouchpointType: org["bag_drop"],
        JourneyStage: org["bag_drop"].stage,
        User: agent,
        AuditEntry: entry,
        FeedbackSettings: FeedbackSettings.current(),
        UndoRecord: undo,
        AccessAttempt: AccessAttempt.objects.create(username="anna", failures_since_start=1),
        Desk: register_desk(org["arn"])[0],
        ApiKey: key,
        ApiWrite: record_write(key, "created moments", []),
        WebhookEndpoint: endpoint,
        WebhookDelivery: endpoint.deliveries.create(
            message_id="msg_1", event="need.raised", payload={}
        ),  # fmt: skip
        Theme: Theme.objects.get(name_en="Baggage"),
        ThemeSuggestion: ThemeSuggestion.objects.create(
            term="e-gate",
            language="en",
            period_start=date.today(),
            period_end=date.today(),
            count=9,
            previous_count=0,
            g2=20.0,
        ),
        CustomerRequest: CustomerRequest.objects.create(kind="search", named_by="reference"),
        RetentionPolicy: RetentionPolicy.current(),
        AccessRecord: AccessRecord.objects.create(person=agent, what="moments"),
        RemedyKind: remedy_kinds()["meal"],
    }


def config_urls(objects: dict) -> list[str]:
    """Every configuration URL: the site, each model's pages, archiving and the import."""
    assert set(site._registry) == set(objects), "a new config page needs a row in this test"
    urls = [reverse("admin:index"), reverse("admin:touchpoints_user_import")]
    urls += [reverse("admin:touchpoints_user_import_template")]
    urls += [reverse("admin:touchpoints_desk_register")]
    urls += [
        reverse("admin:touchpoints_webhookendpoint_rotate", args=[objects[WebhookEndpoint].pk])
    ]
    urls += [reverse("admin:feedback_customerrequest_find")]
    apps = ("touchpoints", "feedback", "dashboards")
    urls += [reverse("admin:app_list", args=[app]) for app in apps]
    for model, obj in objects.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        urls += [reverse(f"{name}_{view}", args=[obj.pk]) for view in ("change", "history")]
        urls += [reverse(f"{name}_delete", args=[obj.pk])]
        if model in ARCHIVABLE:
            urls.append(reverse(f"{name}_archive", args=[obj.pk]))
    urls.append(reverse("admin:auth_user_password_change", args=[objects[User].pk]))
    return urls


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_config_url(
    client, config_objects
):
    for url in config_urls(config_objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.MANAGER])
def test_frontline_and_managers_get_403_on_every_config_url(client, org, config_objects, role):
    client.force_login(make_user("someone", role, team=org["arn_desk"]))
    for url in config_urls(config_objects):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url


def test_a_staff_flag_without_the_admin_role_does_not_open_configuration(
    client, org, config_objects
):
    client.force_login(make_user("staffer", Role.MANAGER, is_staff=True))
    for url in config_urls(config_objects):
        assert client.get(url).status_code == 403, url


def test_a_refused_person_is_told_why_rather_than_shown_a_second_login(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 403
    assert "Only admins configure Moments" in response.text
    assert client.get(reverse("admin:login")).status_code == 403


def test_posting_to_config_as_a_manager_changes_nothing(client, org, arn_manager):
    client.force_login(arn_manager)
    location = org["arn"]
    archive = reverse("admin:touchpoints_location_archive", args=[location.pk])
    delete = reverse("admin:touchpoints_location_delete", args=[location.pk])
    assert client.post(archive).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    location.refresh_from_db()
    assert location.active


def test_the_admin_role_alone_opens_every_config_page(client, role_admin, config_objects):
    assert not role_admin.is_staff and not role_admin.is_superuser
    # The audit trail, the undo records, the one settings row, failed sign-ins (unlocked
    # by an action) and suggested themes (found each night) are never added or deleted,
    # even by admins.
    never = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
        for model in (
            AuditEntry,
            FeedbackSettings,
            UndoRecord,
            AccessAttempt,
            ApiWrite,
            WebhookDelivery,
            ThemeSuggestion,
            RetentionPolicy,
        )  # fmt: skip
        for view, args in (("add", []), ("delete", [config_objects[model].pk]))
    ]
    never.append(reverse("admin:touchpoints_desk_add"))  # registered from the tablet itself
    # Customers' data requests are the data-protection duty's, not every admin's.
    never += [url for url in config_urls(config_objects) if DATA_PROTECTION_PAGES.search(url)]
    client.force_login(role_admin)
    for url in config_urls(config_objects):
        response = client.get(url)
        assert (response.status_code == 403) == (url in never), url
        assert not response.get("Location", "").startswith("/login/"), url


def test_admins_land_on_configuration_after_signing_in(client, role_admin):
    client.force_login(role_admin)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert "Configure the organisation" in response.text


def test_taking_the_admin_role_away_closes_configuration(client, role_admin):
    role_admin.groups.set([Group.objects.get(name=Role.MANAGER)])
    client.force_login(role_admin)
    assert client.get(reverse("admin:index")).status_code == 403


def test_the_data_protection_duty_alone_opens_only_its_own_screens(client, org, config_objects):
    officer = make_user("dora", Role.FRONTLINE, team=org["arn_desk"])
    officer.groups.add(Group.objects.get(name="data_protection"))
    client.force_login(officer)
    for url in config_urls(config_objects):
        own = DATA_PROTECTION_PAGES.search(url) and not url.endswith(("/add/", "/delete/"))
        apps = ("/feedback/", "/touchpoints/")  # the app pages list the screens it may open
        opens = url == reverse("admin:index") or url.endswith(apps) or bool(own)
        assert (client.get(url).status_code == 200) == opens, url
