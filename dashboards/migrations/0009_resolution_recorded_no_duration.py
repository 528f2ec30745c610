from django.db import migrations, models
from django.db.models import F


def every_moment_so_far_was_recorded(apps, schema_editor):
    """Before, every moment was saved resolved or not: all of them count as recorded, so
    the rate over old days is what it was. `manage.py rollup` would give the same."""
    for name in ("DailyRollup", "LocationDayRollup"):
        apps.get_model("dashboards", name).objects.update(resolution_recorded=F("moments"))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0008_effort_squares"),
        ("touchpoints", "0004_resolution_recorded_no_duration"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyrollup",
            name="resolution_recorded",
            field=models.PositiveIntegerField(
                default=0, help_text="Moments whose staff member chose resolved or not yet."
            ),
        ),
        migrations.AddField(
            model_name="locationdayrollup",
            name="resolution_recorded",
            field=models.PositiveIntegerField(
                default=0, help_text="Moments whose staff member chose resolved or not yet."
            ),
        ),
        migrations.RunPython(every_moment_so_far_was_recorded, migrations.RunPython.noop),
        migrations.RemoveField(model_name="dailyrollup", name="duration_sum"),
        migrations.RemoveField(model_name="dailyrollup", name="timed_moments"),
        migrations.RemoveField(model_name="locationdayrollup", name="duration_sum"),
        migrations.RemoveField(model_name="locationdayrollup", name="timed_moments"),
    ]
