"""What a log screen left open needs from the server to follow the admin's type changes: the
types' version in the navigation's poll (no query of its own), the tiles alone, and a save
refused for its type told apart from any other refusal."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import LoggableTypesVersion, TouchpointType

LOG_URL = reverse("touchpoints:log")
BADGES_URL = reverse("feedback:badges")
HTMX = {"HX-Request": "true"}


def archive(touchpoint_type) -> None:
    touchpoint_type.active = False
    touchpoint_type.save()


def polled_version(client) -> str:
    response = client.get(BADGES_URL, headers=HTMX)
    return json.loads(response["HX-Trigger"])["typesVersion"]


def test_the_navigations_poll_names_the_types_version_at_no_extra_query(agent_client, org):
    before = polled_version(agent_client)
    archive(org["bag_drop"])
    with CaptureQueriesContext(connection) as queries:
        after = polled_version(agent_client)
    reads = [q["sql"] for q in queries if "loggabletypesversion" in q["sql"]]
    assert before != after == LoggableTypesVersion.current()
    assert len(reads) == 1 and '"touchpoints_user"' in reads[0]  # with the person, as ever


def test_the_log_screen_carries_the_version_its_tiles_were_drawn_at(agent_client, org):
    page = agent_client.get(LOG_URL).text
    version = LoggableTypesVersion.current()
    assert f'id="type-tiles" data-types-version="{version}"' in page


def test_the_tiles_alone_are_todays_with_the_extra_fields_out_of_band(agent_client, org):
    archive(org["bag_drop"])
    TouchpointType.objects.create(name="Kiosk help", stage=org["bag_drop"].stage, icon="monitor")
    response = agent_client.get(LOG_URL, {"part": "types"}, headers=HTMX)
    part = response.text
    assert response.status_code == 200 and "<html" not in part
    assert part.lstrip().startswith('<fieldset class="types" id="type-tiles"')
    assert f'data-types-version="{LoggableTypesVersion.current()}"' in part
    assert "Kiosk help" in part and "Bag drop" not in part and "Boarding" in part
    assert '<div id="extra-fields" hx-swap-oob="true">' in part


def test_a_save_refused_for_its_archived_type_alone_says_so(agent_client, org):
    archive(org["bag_drop"])
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 422
    assert response.json()["code"] == "type_unavailable"


def test_a_save_refused_for_more_than_its_type_is_not_sent_back_for_a_type(agent_client, org):
    archive(org["bag_drop"])
    data = moment_post(org["bag_drop"], outcome=None)
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 422 and "code" not in response.json()


def test_a_plain_save_refused_for_its_type_keeps_all_the_rest(agent_client, org):
    archive(org["bag_drop"])
    data = moment_post(
        org["bag_drop"], channel="phone", outcome=2, note="Printer jammed", customer_ref="XK7P2Q"
    )
    page = agent_client.post(LOG_URL, data).text
    assert "That touchpoint type is not available. Choose one of the tiles." in page
    assert 'name="channel" value="phone" checked' in page
    assert 'name="outcome" value="2" checked' in page
    assert "Printer jammed</textarea>" in page and 'value="XK7P2Q"' in page
    assert f'touchpoint_type" value="{org["bag_drop"].pk}"' not in page  # only the type
