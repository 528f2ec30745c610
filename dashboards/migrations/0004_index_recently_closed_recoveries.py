"""The dashboard's "put right lately" list: the newest closed recoveries, by an index walk."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_indexes_for_dashboard_lists")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX dash_recovery_closed_newest ON feedback_recovery (closed_at DESC)"
            " WHERE closed_at IS NOT NULL",
            reverse_sql="DROP INDEX dash_recovery_closed_newest",
        )
    ]
