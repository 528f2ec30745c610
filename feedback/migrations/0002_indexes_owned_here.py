"""The dashboard's indexes on answers and recoveries, now declared by the models that own
them. They were made by dashboards' 0003 and 0004 with raw SQL under dash_ names; an
existing database keeps each index, renamed (see AdoptIndex)."""

from django.db import migrations, models

from touchpoints.index_handover import AdoptIndex


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        AdoptIndex(
            model_name="answer",
            index=models.Index(
                fields=["-answered_at"],
                condition=models.Q(csat=5) & ~models.Q(comment=""),
                name="answer_praise_newest",
            ),
            old_name="dash_answer_praise_newest",
        ),
        AdoptIndex(
            model_name="recovery",
            index=models.Index(
                fields=["opened_at"],
                condition=models.Q(closed_at__isnull=True),
                name="recovery_open_oldest",
            ),
            old_name="dash_recovery_open_oldest",
        ),
        AdoptIndex(
            model_name="recovery",
            index=models.Index(
                fields=["-closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="recovery_closed_newest",
            ),
            old_name="dash_recovery_closed_newest",
        ),
    ]
