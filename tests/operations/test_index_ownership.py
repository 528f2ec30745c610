"""Each app owns the indexes on its tables: declared in the model's Meta, made by that app's
migrations, and an upgraded database ends with one copy of each under the new name (on
PostgreSQL in test_upgrade_round_trip.py, with the other upgrades; on SQLite in
test_embedded_default.py, whose process migrates SQLite anyway)."""

from importlib import import_module

from django.core.management import call_command

from feedback.models import Answer, Recovery
from touchpoints.models import Moment, Need

ADOPTED = {
    "moment_type_newest": ("dash_moment_type_newest", Moment),
    "need_open_oldest": ("dash_need_open_oldest", Need),
    "answer_praise_newest": ("dash_answer_praise_newest", Answer),
    "recovery_open_oldest": ("dash_recovery_open_oldest", Recovery),
    "recovery_closed_newest": ("dash_recovery_closed_newest", Recovery),
}


def test_each_dashboard_index_is_declared_by_the_model_that_owns_the_table():
    for name, (_old, model) in ADOPTED.items():
        assert name in {index.name for index in model._meta.indexes}


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_dashboards_migrations_no_longer_make_the_indexes():
    for name in ["0003_indexes_for_dashboard_lists", "0004_index_recently_closed_recoveries"]:
        migration = import_module(f"dashboards.migrations.{name}").Migration
        assert all(op.sql == "" for op in migration.operations), name
