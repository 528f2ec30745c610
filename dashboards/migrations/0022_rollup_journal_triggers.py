"""The triggers that journal changes for the sweep (dashboards/journal.py), on PostgreSQL.

Marks made before them asked for their buckets to be recomputed whole, which is what they
become. Stop beat and the workers while this runs: a sweep of the old code would count
journaled moments from the raw rows and then again as differences.
"""

from django.db import migrations

from dashboards import journal


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(journal.install())
    schema_editor.execute("UPDATE touchpoints_dirtyday SET whole = true")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(journal.remove())


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0021_rollup_journal"),
        ("touchpoints", "0026_dirty_day_whole"),
        ("feedback", "0015_answer_comment_blanked"),
    ]

    operations = [migrations.RunPython(install, remove)]
