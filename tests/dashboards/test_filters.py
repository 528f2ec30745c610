"""Filters live in the URL, update by htmx, and refuse bad input with a clear message."""

import re

import pytest
from django.urls import reverse

from dashboards.charts import line_chart, sparkline
from tests.conftest import PASSWORD, add_moment, roll_up_everything

DASHBOARD_URL = reverse("dashboards:dashboard")


@pytest.fixture
def manager(client, arn_manager, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 4})
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def test_htmx_filter_change_returns_only_the_view_with_the_filters_selected(manager, org):
    response = manager.get(DASHBOARD_URL, {"period": "30", "team": org["arn_desk"].pk},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.text.lstrip().startswith('<div id="view"')
    assert '<option value="30" selected>' in response.text
    assert f'<option value="{org["arn_desk"].pk}" selected>' in response.text


def test_back_button_restore_gets_the_whole_page(manager):
    response = manager.get(DASHBOARD_URL, {"period": "30"}, HTTP_HX_REQUEST="true",
                           HTTP_HX_HISTORY_RESTORE_REQUEST="true")  # fmt: skip
    assert "<html" in response.text


def test_drill_down_links_keep_the_filters(manager, org):
    page = manager.get(DASHBOARD_URL, {"period": "30", "channel": "in_person"}).text
    assert f"/dashboard/journey/{org['desk'].pk}/?period=30&amp;channel=in_person" in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "custom", "start": "2026-05-02"}, "Choose the first and the last day"),
        ({"period": "custom", "start": "2026-05-02", "end": "2026-05-01"}, "comes before"),
        ({"period": "custom", "start": "2024-01-01", "end": "2026-01-01"}, "at most a year"),
        ({"period": "custom", "start": "2026-13-01", "end": "2026-05-01"}, "valid date"),
    ],
)
def test_a_bad_custom_period_is_refused_with_a_message_and_keeps_what_was_typed(
    manager, params, message
):
    response = manager.get(DASHBOARD_URL, params)
    assert response.status_code == 422
    assert message in response.text
    if "start" in params:
        assert f'value="{params["start"]}"' in response.text


def test_an_unknown_team_is_a_clear_error_not_a_crash(manager):
    response = manager.get(DASHBOARD_URL, {"team": "99999"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.text


def test_trend_numbers_are_on_the_page_as_a_table_too(manager):
    page = manager.get(DASHBOARD_URL).text
    assert "The same numbers as a table" in page
    assert "<caption" in page


def test_chart_labels_are_escaped():
    from datetime import date

    svg = line_chart([date(2026, 1, 1)], [50.0], "<script>x</script>")
    assert "<script>" not in svg


def test_a_day_without_data_is_a_gap_in_the_line():
    svg = sparkline([50.0, 60.0, None, 70.0, 80.0])
    assert svg.count("<polyline") == 2


def test_switching_to_custom_shows_the_last_30_days_to_adjust_from(manager, org):
    response = manager.get(DASHBOARD_URL, {"period": "custom"})
    assert response.status_code == 200
    assert f'value="{org["arn"].today().isoformat()}"' in response.text


def test_volume_axis_has_a_few_round_ticks_however_busy():
    from datetime import date, timedelta

    from dashboards.charts import bar_chart

    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(30)]
    svg = bar_chart(days, [130_000 + n for n in range(30)], "Moments per day")
    ticks = re.findall(r'class="tick y"[^>]*>([^<]*)<', svg)
    assert ticks == ["0", "50\u202f000", "100\u202f000", "150\u202f000"]
