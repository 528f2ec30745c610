"""CSV exports: the figures of the current filters and the raw moments, safe to open
(the XLSX exports are in test_xlsx_exports.py)."""

import csv
import io

import pytest
from django.urls import reverse

from dashboards.exports import safe_cell
from tests.conftest import PASSWORD, add_moment, roll_up_everything


def rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)"])
def test_a_comment_that_looks_like_a_formula_is_neutralised(manager, agent, org, text):
    add_moment(agent, org["desk"], note=text, answer={"csat": 1, "comment": text})
    roll_up_everything()
    exported = rows(manager.get(reverse("dashboards:export_moments")))
    header, row = exported[0], exported[1]
    assert row[header.index("customer_comment")] == "'" + text
    assert row[header.index("note")] == "'" + text


def test_numbers_stay_numbers_even_when_negative():
    assert safe_cell(-12.5) == -12.5
    assert safe_cell("Great, thanks") == "Great, thanks"


def test_raw_export_has_every_moment_of_the_period_and_nothing_outside_the_filters(
    manager, agent, org
):
    for _ in range(3):
        add_moment(agent, org["desk"], channel="phone")
    add_moment(agent, org["bag_drop"], channel="in_person")
    exported = rows(manager.get(reverse("dashboards:export_moments"), {"channel": "phone"}))
    assert len(exported) == 1 + 3
    assert {row[exported[0].index("channel_code")] for row in exported[1:]} == {"phone"}


def test_figures_export_matches_the_page_for_the_same_filters(manager, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5, "nps": 10})
    add_moment(agent, org["desk"], answer={"csat": 4, "nps": 3})
    add_moment(agent, org["bag_drop"], resolved=False)
    roll_up_everything()
    exported = rows(manager.get(reverse("dashboards:export_figures"), {"period": "7"}))
    header = exported[0]
    period = dict(zip(header, exported[1], strict=True))
    desk = next(r for r in exported if r[:2] == ["touchpoint type", "Check-in desk"])
    assert (period["moments"], period["csat_pct"], period["nps"]) == ("3", "100.0", "0.0")
    assert dict(zip(header, desk, strict=True))["moments"] == "2"


def test_export_file_is_named_after_the_period(manager, org):
    response = manager.get(reverse("dashboards:export_figures"), {"period": "1"})
    today = org["arn"].today()
    assert f'filename="moments-figures-{today}-{today}.csv"' in response["Content-Disposition"]


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_swedish(manager, agent, org):
    add_moment(agent, org["desk"], note="Behövde hjälp med väskan")
    content = b"".join(manager.get(reverse("dashboards:export_moments")).streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\xef\xbb\xbf") == 1
    assert "Behövde hjälp med väskan" in content.decode("utf-8-sig")


def test_csv_moments_have_labels_beside_codes_and_local_times(manager, agent, org):
    add_moment(agent, org["desk"], channel="in_person", outcome=2, resolved=True)
    exported = rows(manager.get(reverse("dashboards:export_moments")))
    row = dict(zip(exported[0], exported[1], strict=True))
    assert (row["channel"], row["channel_code"]) == ("In person", "in_person")
    assert (row["staff_outcome"], row["staff_outcome_score"]) == ("Bad", "2")
    assert (row["resolved_on_spot"], row["invited"]) == ("yes", "no")
    assert row["time_zone"] == "Europe/Stockholm"
    assert row["occurred_at"].endswith(("+01:00", "+02:00"))
