"""Once made the indexes for the dashboard's raw-row lists on touchpoints' and feedback's
tables, with raw SQL. Those indexes now belong to the models that own the tables
(touchpoints' and feedback's `indexes_owned_here` migrations, which take over the ones this
made in an existing database), so this creates nothing. Going back still removes what it
once made, if it is there under its old name.
"""

from django.db import migrations

OLD_INDEXES = [
    "dash_moment_type_newest",
    "dash_answer_praise_newest",
    "dash_recovery_open_oldest",
    "dash_need_open_oldest",
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_digest_sent"),
        ("touchpoints", "0001_initial"),
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=f"DROP INDEX IF EXISTS {name}")
        for name in OLD_INDEXES
    ]
