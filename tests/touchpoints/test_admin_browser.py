"""An admin sets up a new airport in a browser, and its first person logs a moment there."""

import pytest

from tests.conftest import PASSWORD, log_in
from touchpoints.models import AuditEntry, Location, Moment, Role, TouchpointType, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"viewport": {"width": 1280, "height": 900}}
PEOPLE = (
    b"username,first_name,last_name,role,location,team\noline,Oline,Berg,frontline,OSL,Lounge\n"
)


@pytest.fixture
def desk(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, **DESK)
    page = context.new_page()
    yield page
    context.close()


def add_airport_with_a_team(page) -> None:
    page.get_by_role("link", name="Add the location").click()
    page.fill("#id_name", "Oslo Gardermoen")
    page.fill("#id_code", "osl")
    page.select_option("#id_timezone", "Europe/Oslo")
    page.fill("#id_teams-0-name", "Lounge")
    page.click("input[name=_save]")
    page.get_by_text("was added successfully").wait_for()


def add_type_with_an_extra_field(page, stage_name: str) -> None:
    page.goto("/admin/touchpoints/touchpointtype/add/")
    page.fill("#id_name_en", "Lounge welcome")
    page.select_option("#id_stage", label=stage_name)
    page.get_by_role("radio", name="Lounge", exact=True).check()
    for channel in ("phone", "chat", "email"):
        page.uncheck(f"input[name=channels][value={channel}]")
    page.get_by_role("button", name="Add another Extra field on the log screen").click()
    page.fill("#id_extra_fields-0-label_en", "Lounge area")
    page.select_option("#id_extra_fields-0-kind", "choice")
    page.fill("#id_extra_fields-0-choices_en", "North\nSouth")
    page.check("#id_extra_fields-0-required")
    page.click("input[name=_save]")
    page.get_by_text("was added successfully").wait_for()


def import_people_and_set_a_password(page) -> None:
    page.goto("/admin/touchpoints/user/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE}]
    )
    page.click("input[name=check]")
    page.get_by_text("Dry run: nothing is written yet.").wait_for()
    page.click("input[name=apply]")
    page.get_by_text("1 people created").wait_for()
    page.get_by_role("link", name="oline").click()
    page.get_by_role("link", name="Set password").click()
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("input[name=set-password]")
    page.get_by_text("Password changed successfully").wait_for()


def test_an_admin_sets_up_an_airport_and_its_first_person_logs_a_moment(
    desk, tablet, org, role_admin
):
    log_in(desk, role_admin.username)
    add_airport_with_a_team(desk)
    add_type_with_an_extra_field(desk, stage_name="Check-in")
    import_people_and_set_a_password(desk)

    oline = User.objects.get(username="oline")
    assert oline.role == Role.FRONTLINE and oline.team.location.code == "OSL"
    log_in(tablet, "oline")
    lounge = TouchpointType.objects.get(name="Lounge welcome")
    assert lounge.icon == "sofa"
    tile = tablet.locator(".tile", has_text="Lounge welcome")
    assert tile.locator("use").get_attribute("href").endswith("#sofa")
    tile.tap()
    tablet.select_option(f"#id_extra_{lounge.pk}_lounge_area", "South")
    tablet.locator(".face", has=tablet.get_by_text("Good", exact=True)).tap()
    tablet.get_by_role("button", name="Resolved", exact=True).tap()
    tablet.locator(".saved-title", has_text="Saved: Lounge welcome").wait_for()

    moment = Moment.objects.get()
    assert moment.location == Location.objects.get(code="OSL")
    assert moment.extra == {"lounge_area": "South"}
    assert AuditEntry.objects.filter(actor=role_admin).count() >= 5
