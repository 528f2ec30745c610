"""The configuration site's own messages in the admin's language: refusals, warnings and the
people import's dry run, with the language's plurals and digit grouping."""

from django.urls import reverse

from tests.conftest import add_moment
from touchpoints.models import Location

IMPORT_URL = reverse("admin:touchpoints_user_import")


def admin_reading(client, role_admin, code: str):
    role_admin.language = code
    role_admin.save()
    client.force_login(role_admin)
    return client


def test_a_refused_bulk_delete_says_why_in_swedish(client, org, agent, role_admin):
    add_moment(agent, org["desk"])
    add_moment(agent, org["desk"])
    data = {"action": "delete_selected", "_selected_action": [org["arn"].pk], "post": "yes"}
    page = admin_reading(client, role_admin, "sv").post(
        reverse("admin:touchpoints_location_changelist"), data, follow=True
    )
    assert (
        "Inget raderades: ”Stockholm Arlanda” används av 1 team och 2 möten. Att radera skulle"
        " förlora den historiken. Arkivera dem i stället med ”Arkivera valda platser (historiken"
        " finns kvar)”."
    ) in page.text
    assert Location.objects.filter(code="ARN").exists()


def test_the_delete_page_counts_in_norwegian(client, org, agent, role_admin):
    add_moment(agent, org["desk"])
    page = admin_reading(client, role_admin, "nb").get(
        reverse("admin:touchpoints_team_delete", args=[org["arn_desk"].pk])
    )
    assert page.status_code == 409
    assert "1 person og 1 møte" in page.text


def test_archiving_an_airport_with_open_teams_warns_in_danish(client, org, role_admin):
    page = admin_reading(client, role_admin, "da").post(
        reverse("admin:touchpoints_location_archive", args=[org["jfk"].pk]), follow=True
    )
    assert "1 team er stadig aktivt på New York JFK: arkivér det også" in page.text


def test_an_import_with_row_errors_says_what_is_wrong_in_danish(client, org, role_admin):
    csv = "username,email,role,location,team\nbo,bo@@x,chef,XYZ,Gate\n,,frontline,ARN,\n"
    page = admin_reading(client, role_admin, "da").post(IMPORT_URL, {"csv_text": csv, "check": "1"})
    for words in [
        "Intet blev gemt.",
        "“bo@@x” er ikke en e-mailadresse.",
        "Rollen “chef” findes ikke",
        "Der er intet sted med koden “XYZ”.",
        "Brugernavnet er tomt.",
        '<td class="import-status">fejl</td>',
    ]:
        assert words in page.text
