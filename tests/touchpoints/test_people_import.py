"""Importing people and teams from CSV: a dry run first, then all or nothing, and idempotent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from touchpoints.configuration.people_import import Status, apply_import, plan_import, template_csv
from touchpoints.models import AuditEntry, Role, Team, User

IMPORT_URL = reverse("admin:touchpoints_user_import")

CLEAN = """username,first_name,last_name,email,role,location,team,managed_locations,managed_teams
lena,Lena,Falk,lena@example.com,frontline,ARN,Gate,,
omar,Omar,Haddad,,frontline,ARN,Check-in desk,,
pia,Pia,Lund,,manager,,,ARN;JFK,ARN:Gate
"""

MIXED = """username,first_name,role,location,team
lena,Lena,frontline,ARN,Gate
bo,Bo,pilot,ARN,Gate
cai,Cai,frontline,XXX,Gate
lena,Lena again,frontline,ARN,Gate
dora,Dora,frontline,,
"""


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_a_dry_run_with_bad_rows_names_each_problem_and_writes_nothing(client, org, role_admin):
    client.force_login(role_admin)
    people_before = User.objects.count()
    response = client.post(IMPORT_URL, {"file": upload(MIXED)})

    assert response.status_code == 200
    text = response.text
    assert "Role “pilot” is not one of frontline, manager, admin." in text
    assert "There is no location with code “XXX”." in text
    assert "“lena” appears more than once in the file." in text
    assert "A frontline person needs a team to log moments." in text
    assert "Nothing was written." in text
    assert 'name="apply"' not in text
    assert User.objects.count() == people_before
    assert not Team.objects.filter(name="Gate").exists()
    assert not AuditEntry.objects.exists()


def test_the_dry_run_says_row_by_row_what_would_change(org, agent):
    plan = plan_import(
        "username,first_name,role,location,team\n"
        "anna,Anna,frontline,ARN,Check-in desk\n"
        "anna2,Anna,frontline,ARN,Check-in desk\n"
        "jack,Jack,manager,JFK,\n"
    )
    assert [row.status for row in plan.rows] == [Status.UNCHANGED, Status.CREATE, Status.CREATE]
    assert plan.rows[2].changes["role"] == [None, "manager"]
    assert not plan.has_errors


def test_a_clean_file_imports_people_teams_and_what_managers_manage(client, org, role_admin):
    client.force_login(role_admin)
    dry = client.post(IMPORT_URL, {"file": upload(CLEAN)})
    assert "Dry run: nothing is written yet." in dry.text
    assert "new teams: Gate (ARN)" in dry.text
    assert not User.objects.filter(username="lena").exists()

    applied = client.post(IMPORT_URL, {"csv_text": CLEAN, "apply": "Import"}, follow=True)
    assert "3 people created" in applied.text
    lena, pia = User.objects.get(username="lena"), User.objects.get(username="pia")
    assert lena.role == Role.FRONTLINE and str(lena.team) == "Gate (ARN)"
    assert not lena.has_usable_password()
    assert pia.role == Role.MANAGER
    assert {loc.code for loc in pia.managed_locations.all()} == {"ARN", "JFK"}
    assert [str(team) for team in pia.managed_teams.all()] == ["Gate (ARN)"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).count() == 4


def test_importing_the_same_file_twice_changes_nothing(org, role_admin):
    apply_import(CLEAN, role_admin)
    entries = AuditEntry.objects.count()
    people = list(User.objects.order_by("pk").values())

    again = apply_import(CLEAN, role_admin)
    assert {row.status for row in again.rows} == {Status.UNCHANGED}
    assert not again.new_teams
    assert list(User.objects.order_by("pk").values()) == people
    assert AuditEntry.objects.count() == entries


def test_a_file_that_went_bad_after_its_dry_run_is_not_half_imported(org, role_admin):
    org["arn"].active = False
    org["arn"].save()
    plan = apply_import(CLEAN, role_admin)
    assert plan.has_errors
    assert not User.objects.filter(username__in=["lena", "omar", "pia"]).exists()


def test_an_update_changes_only_the_columns_in_the_file(org, agent, role_admin):
    agent.email = "anna@example.com"
    agent.save()
    apply_import("username,role,team,location\nanna,frontline,Check-in desk,JFK\n", role_admin)
    agent.refresh_from_db()
    assert agent.team == org["jfk_desk"]
    assert agent.email == "anna@example.com" and agent.first_name == "Anna"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,role\nx,frontline\n", "missing: username"),
        ("username,role,shoe_size\nx,frontline,42\n", "Unknown column shoe_size"),
        ("username,role\n", "no people in it"),
    ],
)
def test_a_file_with_the_wrong_columns_is_explained(org, text, message):
    plan = plan_import(text)
    assert plan.has_errors
    assert message in " ".join(plan.file_errors)


def test_a_file_that_is_not_utf8_is_refused_with_a_hint(client, role_admin):
    client.force_login(role_admin)
    latin1 = SimpleUploadedFile("p.csv", "username,role\nsjöberg,manager\n".encode("latin-1"))
    response = client.post(IMPORT_URL, {"file": latin1})
    assert response.status_code == 422
    assert "Save it as “CSV UTF-8”" in response.text


def test_the_template_can_be_downloaded_and_imports_cleanly(client, org, role_admin):
    client.force_login(role_admin)
    response = client.get(reverse("admin:touchpoints_user_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == template_csv()
    assert not plan_import(template_csv()).has_errors


def test_checking_without_a_file_asks_for_one(client, role_admin):
    client.force_login(role_admin)
    response = client.post(IMPORT_URL, {"check": "Check"})
    assert response.status_code == 422
    assert "Choose a CSV file to check." in response.text
