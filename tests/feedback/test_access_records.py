"""Who saw what: each view or export of customers' data is recorded in one insert (who, when,
which selection), and only the data protection officer can browse the records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.invitations import invitation_for
from tests.conftest import PASSWORD, add_moment, make_user, moment_post, roll_up_everything
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import answer_and_leave_contact
from touchpoints.access_records import AccessRecord
from touchpoints.customers import hash_ref
from touchpoints.models import Role
from touchpoints.people.roles import set_data_protection


def inserts_of_records(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith('INSERT INTO "touchpoints_accessrecord"'))


def recorded(client, method: str, url: str, data=None, **extra):
    """The request's response and the access records it made (in one insert at most)."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **extra)
    assert inserts_of_records(queries.captured_queries) <= 1
    return response, list(AccessRecord.objects.order_by("pk"))


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def test_a_customer_history_on_the_tablet_is_recorded_by_hash_never_the_reference(
    client, agent, org
):
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("touchpoints:log"), moment_post(org["desk"], customer_ref="XK7P2Q"))
    _response, records = recorded(
        client, "post", reverse("touchpoints:customer"), {"customer_ref": "xk7p2q"}
    )
    [record] = records
    assert (record.person, record.what) == (agent, "customer_history")
    assert record.selection == {"customer": hash_ref("XK7P2Q"), "moments_shown": 1}


def test_the_moments_with_comments_a_manager_opens_are_recorded_with_the_filters(
    manager, arn_manager, agent, org
):
    add_moment(agent, org["desk"], answer={"csat": 2, "comment": "Slow"})
    url = reverse("dashboards:journey_moments", args=[org["desk"].pk])
    response, [record] = recorded(manager, "get", url, {"period": "7"})
    assert response.status_code == 200
    assert (record.person, record.what) == (arn_manager, "moments")
    assert record.selection == {"period": "7", "touchpoint_type": org["desk"].pk}


@pytest.mark.parametrize(
    ("name", "file_format"), [("export_moments", "csv"), ("export_moments_xlsx", "xlsx")]
)
def test_each_moments_export_is_recorded(manager, arn_manager, org, name, file_format):
    _response, [record] = recorded(manager, "get", reverse(f"dashboards:{name}"), {"period": "30"})
    assert record.what == "moments_export"
    assert record.selection == {"period": "30", "format": file_format}


def test_the_dashboard_showing_customers_words_is_recorded(manager, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5, "comment": "Wonderful help"})
    roll_up_everything()
    response, records = recorded(manager, "get", reverse("dashboards:dashboard"))
    assert "Wonderful help" in response.text
    assert [r.what for r in records] == ["moments"]


def test_recoveries_with_contact_details_on_the_queue_are_recorded(client, agent, org):
    invitation = invitation_for(make_moment(agent, org["desk"]))
    answer_and_leave_contact(client, invitation, phone="+46701234567")
    client.login(username=agent.username, password=PASSWORD)
    response, [record] = recorded(client, "get", reverse("feedback:queue"))
    assert "+46701234567" in response.text
    assert record.what == "recoveries" and record.person == agent
    assert record.selection["recoveries"] == [invitation.answer.recovery.pk]


def test_a_queue_without_contact_details_records_nothing(client, agent, org):
    client.login(username=agent.username, password=PASSWORD)
    _response, records = recorded(client, "get", reverse("feedback:queue"))
    assert records == []


def test_only_the_data_protection_officer_browses_the_records(client, role_admin, org, agent):
    AccessRecord.objects.create(person=agent, what="moments", selection={"period": "7"})
    url = reverse("admin:touchpoints_accessrecord_changelist")
    client.login(username=role_admin.username, password=PASSWORD)
    assert client.get(url).status_code == 403
    officer = make_user("dora", Role.MANAGER)
    set_data_protection(officer, True)
    client.login(username=officer.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200 and "anna" in response.text
