"""XLSX exports: typed cells, labels, a frozen header, the filters on the first sheet, and
notes that look like formulas shown as text, never run."""

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.workbook import write_xlsx
from tests.conftest import PASSWORD, add_moment, roll_up_everything


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def download(client, name: str, **filters):
    response = client.get(reverse(f"dashboards:{name}"), filters)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(content(response)))


def table(sheet) -> list[dict]:
    """The sheet's rows as dicts of cells by header."""
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_moments_xlsx_has_typed_cells(manager, agent, org):
    moment = add_moment(agent, org["desk"], resolved=True,
                        answer={"csat": 4, "nps": 9})  # fmt: skip
    book = download(manager, "export_moments_xlsx")
    row = table(book["Moments"])[0]
    assert row["Staff's view (1–5)"].value == 4 and row["Staff's view (1–5)"].data_type == "n"
    assert row["CSAT (1–5)"].value == 4
    resolved = row["Resolved on the spot"]
    assert resolved.value is True and resolved.data_type == "b"
    assert row["Invited"].value is True
    assert row["Local date"].is_date and row["Local date"].value.date() == moment.local_date
    local = moment.occurred_at.astimezone(org["arn"].tz).replace(tzinfo=None, microsecond=0)
    assert row["Time"].is_date
    assert abs(row["Time"].value - local).total_seconds() < 1
    assert row["Time zone"].value == "Europe/Stockholm"


def test_moments_xlsx_shows_labels_with_codes_in_their_own_columns(manager, agent, org):
    add_moment(agent, org["desk"], channel="in_person", outcome=5)
    row = table(download(manager, "export_moments_xlsx")["Moments"])[0]
    assert (row["Channel"].value, row["Channel code"].value) == ("In person", "in_person")
    assert (row["Staff's view"].value, row["Staff's view (1–5)"].value) == ("Very good", 5)
    assert (row["Location"].value, row["Location code"].value) == ("Stockholm Arlanda", "ARN")
    assert row["Touchpoint"].value == "Check-in desk"


def test_xlsx_header_row_is_frozen_and_the_filters_are_on_the_first_sheet(manager, agent, org):
    add_moment(agent, org["desk"], channel="phone")
    book = download(manager, "export_moments_xlsx", period="30", channel="phone",
                    team=org["arn_desk"].pk)  # fmt: skip
    assert book.sheetnames == ["Filters", "Moments"]
    assert book["Moments"].freeze_panes == "A2"
    about = {name: value for name, value in book["Filters"].values}
    today = org["arn"].today()
    assert about["Period"] == "30 days"
    assert about["Last day"].date() == today
    assert (today - about["First day"].date()).days == 29
    assert about["Channel"] == "Phone"
    assert about["Team"] == str(org["arn_desk"])
    assert about["Location"] == "All of yours"


def test_figures_xlsx_has_numbers_and_dates(manager, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5, "nps": 10})
    add_moment(agent, org["desk"], answer={"csat": 2, "nps": 3})
    roll_up_everything()
    book = download(manager, "export_figures_xlsx", period="7")
    rows = table(book["Figures"])
    period = rows[0]
    assert (period["Section"].value, period["Moments"].value) == ("period", 2)
    assert period["CSAT %"].value == 50.0 and period["CSAT %"].data_type == "n"
    assert period["NPS"].value == 0.0
    days = [row for row in rows if row["Section"].value == "day"]
    assert days[-1]["Name"].is_date and days[-1]["Name"].value.date() == org["arn"].today()
    no_answers = next(row for row in rows if row["Section"].value == "previous period")
    assert no_answers["CSAT %"].value is None  # an empty cell, not a text "–" or ""


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)"])
def test_a_note_that_looks_like_a_formula_is_text_in_the_xlsx(manager, agent, org, text):
    add_moment(agent, org["desk"], note=text, answer={"csat": 1, "comment": text})
    response = manager.get(reverse("dashboards:export_moments_xlsx"))
    raw = content(response)
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        sheet_xml = package.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet_xml
    row = table(load_workbook(io.BytesIO(raw))["Moments"])[0]
    for column in ["Note", "Customer's comment"]:
        assert row[column].value == text
        assert row[column].data_type == "s"
        assert row[column].quotePrefix


def test_xlsx_file_is_named_after_the_period(manager, org):
    response = manager.get(reverse("dashboards:export_moments_xlsx"), {"period": "1"})
    today = org["arn"].today()
    assert f'filename="moments-raw-{today}-{today}.xlsx"' in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_longer_table_than_a_sheet_holds_continues_on_the_next_sheet():
    rows = [["n", "day"]] + [[n, date(2026, 1, n)] for n in range(1, 6)]
    book = load_workbook(write_xlsx([("Export", "Test")], "Data", rows, rows_per_sheet=2))
    assert book.sheetnames == ["Filters", "Data", "Data (2)", "Data (3)"]
    assert [[c.value for c in r] for r in book["Data (3)"].iter_rows()] == [
        ["n", "day"],
        [5, datetime(2026, 1, 5)],
    ]
    assert book["Data (2)"].freeze_panes == "A2"


def test_control_characters_from_a_tablet_do_not_break_the_xlsx():
    book = load_workbook(write_xlsx([], "Data", [["note"], ["bell\x07 and tab\t"]]))
    assert book["Data"]["A2"].value == "bell and tab\t"


def test_an_empty_period_still_gives_a_header_row(manager, org):
    book = download(manager, "export_moments_xlsx", period="1")
    assert [cell.value for cell in book["Moments"][1]][:3] == ["Time", "Time zone", "Local date"]
    assert book["Moments"].max_row == 1


def test_a_manager_exports_only_the_moments_of_their_own_locations(client, jfk_manager, agent,
                                                                    jfk_agent, org):  # fmt: skip
    add_moment(agent, org["desk"], note="At Arlanda")
    add_moment(jfk_agent, org["desk"], note="At JFK")
    client.login(username=jfk_manager.username, password=PASSWORD)
    rows = table(download(client, "export_moments_xlsx")["Moments"])
    assert [row["Note"].value for row in rows] == ["At JFK"]


def test_the_dashboard_offers_each_export_as_xlsx_and_csv_with_its_filters(manager, org):
    page = manager.get(reverse("dashboards:dashboard"), {"period": "30"}).text
    for name in ["export_figures", "export_figures_xlsx", "export_moments", "export_moments_xlsx"]:
        assert f'href="{reverse(f"dashboards:{name}")}?period=30' in page


@pytest.mark.parametrize("screen", ["dashboard", "journey_type", "journey_moments"])
def test_open_in_excel_is_the_workbook_and_the_csv_is_labelled_for_tools(manager, org, screen):
    args = [] if screen == "dashboard" else [org["desk"].pk]
    page = manager.get(reverse(f"dashboards:{screen}", args=args), {"period": "30"}).text
    export = r'<a class="button[^"]*" href="([^"?]+/export/[^"?]+)\?[^"]*"(?: download)?>(.+?)</a>'
    links = dict(re.findall(export, page))
    assert links == {
        reverse("dashboards:export_figures_xlsx"): "Open in Excel",
        reverse("dashboards:export_figures"): "CSV for tools",
        reverse("dashboards:export_moments_xlsx"): "Open in Excel",
        reverse("dashboards:export_moments"): "CSV for tools",
    }
    assert 'aria-labelledby="export-figures"' in page and 'aria-labelledby="export-moments"' in page


@pytest.mark.parametrize(("code", "heads"), [
    ("sv", ["Tid", "Tidszon", "Lokalt datum", "Plats", "Platskod", "Team", "Resesteg"]),
    ("da", ["Tid", "Tidszone", "Lokal dato", "Sted", "Stedkode", "Team", "Rejsetrin"]),
    ("nb", ["Tid", "Tidssone", "Lokal dato", "Sted", "Stedskode", "Team", "Reisetrinn"]),
])  # fmt: skip
def test_the_workbook_is_in_the_managers_language_and_the_csv_keeps_its_names(
    client, arn_manager, agent, org, code, heads
):
    add_moment(agent, org["desk"], answer={"csat": 4, "nps": 9})
    roll_up_everything()
    arn_manager.language = code
    arn_manager.save()
    client.force_login(arn_manager)
    moments = download(client, "export_moments_xlsx")
    figures = download(client, "export_figures_xlsx")
    csv = content(client.get(reverse("dashboards:export_moments"))).decode()
    assert [cell.value for cell in moments.worksheets[1][1]][:7] == heads
    assert "Filters" not in moments.sheetnames and "Moments" not in moments.sheetnames
    section, name, moments_head = [cell.value for cell in figures.worksheets[1][1]][:3]
    assert (section, name, moments_head) == {"sv": ("Avsnitt", "Namn", "Möten"),
                                             "da": ("Afsnit", "Navn", "Møder"),
                                             "nb": ("Del", "Navn", "Møter")}[code]  # fmt: skip
    previous = [row[1].value for row in figures.worksheets[1].iter_rows(min_row=3, max_row=3)]
    assert previous != ["same length before"]
    assert csv.lstrip("\ufeff").startswith("occurred_at,time_zone,local_date,location,")


def test_text_that_xml_would_read_otherwise_is_shown_as_typed():
    typed = ["x<y & z>", "  indented", "ends with a space ", "Åsa"]
    book = load_workbook(write_xlsx([], "Data", [["note"], *[[text] for text in typed]]))
    assert [row[0].value for row in book["Data"].iter_rows(min_row=2)] == typed


def test_a_remedys_cost_is_a_number_in_the_xlsx(manager, agent, org):
    """So that a spreadsheet sums it: the database gives it as a decimal, never text."""
    from decimal import Decimal

    from tests.touchpoints.remedy_steps import give_an_apology
    from touchpoints.models import Remedy

    moment = add_moment(agent, org["desk"], outcome=1)
    Remedy.objects.filter(pk=give_an_apology(agent, moment).pk).update(amount=Decimal("149.50"))
    row = table(download(manager, "export_moments_xlsx")["Moments"])[0]
    cost = row["Remedy cost"]
    assert (cost.value, cost.data_type) == (149.5, "n")
