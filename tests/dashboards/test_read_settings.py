"""The dashboard's aggregates are planned for their own dates, the save's statements keep
their generic plans, and a page's reads share one transaction (docs/performance.md,
"Prepared statements")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import figures

# Real transactions: inside a test's own transaction a setting local to it would outlive
# the read.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_the_dashboards_aggregates_are_planned_for_their_own_dates_each_time():
    with figures.read_settings():
        inside = {name: setting(name) for name in figures.READ_SETTINGS}
    assert inside == figures.READ_SETTINGS
    assert inside["plan_cache_mode"] == "force_custom_plan"


def test_other_statements_keep_the_connections_generic_plans():
    with figures.read_settings():
        pass
    assert setting("plan_cache_mode") == "auto"
    assert setting("enable_sort") == "on"


def test_reads_inside_one_another_share_one_transaction_and_one_set_of_settings():
    with CaptureQueriesContext(connection) as captured, figures.read_settings():
        with figures.read_settings():
            setting("jit")
        setting("jit")
    statements = [query["sql"] for query in captured]
    assert sum("set_config" in sql for sql in statements) == 1
    assert statements.count("BEGIN") <= 1 and not any("SAVEPOINT" in sql for sql in statements)


def test_the_short_lists_are_planned_as_written_for_their_own_values_and_only_they():
    with figures.list_settings():
        inside = {name: setting(name) for name in figures.LIST_SETTINGS}
    assert inside == figures.LIST_SETTINGS
    assert inside["join_collapse_limit"] == inside["from_collapse_limit"] == "1"
    assert inside["plan_cache_mode"] == "force_custom_plan"
    assert setting("join_collapse_limit") == setting("from_collapse_limit") == "8"  # the default
    assert setting("plan_cache_mode") == "auto"
