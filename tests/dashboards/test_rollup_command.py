"""`manage.py rollup`: rebuilding a range of days by hand, with progress and a summary."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from dashboards.models import DailyRollup
from tests.conftest import calendar_days_ago
from tests.dashboards.test_rollup import add_moment, add_need
from touchpoints.models import DirtyDay


def rollup(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rollup", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rollup_rebuilds_a_range_and_reports_what_it_counted(agent, jfk_agent, org):
    days = [
        add_moment(agent, org["desk"], occurred_at=calendar_days_ago(org["arn"], n)).local_date
        for n in (1, 2, 3)
    ]
    add_moment(jfk_agent, org["desk"], occurred_at=calendar_days_ago(org["arn"], 2))
    add_need(agent, raised_at=calendar_days_ago(org["arn"], 1))
    DailyRollup.objects.all().delete()

    out, err = rollup("--since", str(min(days)), "--until", str(max(days)), "--chunk-days", "2")

    assert DailyRollup.objects.aggregate(Sum("moments"))["moments__sum"] == 4
    assert not DirtyDay.objects.exists()
    assert "Rebuilt 3 days × 2 locations" in out
    assert "4 moments, 0 answers, 1 need," in out
    assert "2/3 days" in err and "3/3 days" in err


def test_rollup_of_one_location_leaves_the_others_alone(agent, jfk_agent, org):
    arn = add_moment(agent, org["desk"], occurred_at=calendar_days_ago(org["arn"], 1))
    add_moment(jfk_agent, org["desk"], occurred_at=calendar_days_ago(org["arn"], 1))
    DailyRollup.objects.all().delete()

    out, _ = rollup("--since", str(arn.local_date - timedelta(days=1)), "--location", "arn")

    assert list(DailyRollup.objects.values_list("location__code", "moments")) == [("ARN", 1)]
    assert "× 1 location " in out


def test_rollup_names_the_known_codes_when_a_location_is_unknown(org):
    with pytest.raises(CommandError, match="Unknown location XYZ; known codes: ARN, JFK"):
        rollup("--since", "2026-01-01", "--location", "XYZ")


def test_rollup_refuses_a_range_that_ends_before_it_starts(org):
    with pytest.raises(CommandError, match="--since 2026-02-01 is after --until 2026-01-01"):
        rollup("--since", "2026-02-01", "--until", "2026-01-01")


def test_rollup_explains_how_to_write_a_day(org):
    with pytest.raises(CommandError, match="'1 March' is not a day; write it as YYYY-MM-DD"):
        rollup("--since", "1 March")
