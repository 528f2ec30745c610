"""The touchpoint type list on a 1024 px screen: every column in view, Active included."""

import pytest
from django.urls import reverse

from dashboards.demo import KINDS
from tests.conftest import log_in, screenshot
from touchpoints.models import JourneyStage, TouchpointType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1024, "height": 768}

# Where the list's last column ends, against the scrolling box that holds the table.
FIT = """() => {
    const box = document.querySelector('#changelist .results');
    const active = document.querySelector('#result_list th.column-active');
    return {overflow: box.scrollWidth - box.clientWidth,
            beyond: active.getBoundingClientRect().right - box.getBoundingClientRect().right};
}"""


@pytest.fixture
def airline_types(org):
    """The demo airline's fourteen types, in its six stages (and the fixture's Boarding)."""
    for order, kind in enumerate(KINDS):
        stage, _ = JourneyStage.objects.get_or_create(name=kind.stage, defaults={"order": order})
        TouchpointType.objects.update_or_create(
            name=kind.name, defaults={"stage": stage, "icon": kind.icon, "order": order}
        )


def test_the_type_list_fits_1024_px_with_the_active_column_in_view(
    chromium, live_server, role_admin, airline_types
):
    context = chromium.new_context(base_url=live_server.url, viewport=SCREEN)
    page = context.new_page()
    log_in(page, role_admin.username)
    page.goto(reverse("admin:touchpoints_touchpointtype_changelist"))
    fit = page.evaluate(FIT)
    screenshot(page, "admin-type-list-1024", full_page=True)
    context.close()
    assert fit["overflow"] <= 0 and fit["beyond"] <= 0, fit
