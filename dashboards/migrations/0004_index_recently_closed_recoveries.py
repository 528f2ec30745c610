"""Once made the "put right lately" index on feedback's recoveries with raw SQL; it now
belongs to feedback's Recovery model (see 0003), so this creates nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_indexes_for_dashboard_lists")]

    operations = [
        migrations.RunSQL(
            migrations.RunSQL.noop,
            reverse_sql="DROP INDEX IF EXISTS dash_recovery_closed_newest",
        )
    ]
