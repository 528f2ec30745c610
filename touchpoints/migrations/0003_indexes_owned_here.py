"""The dashboard's indexes on moments and needs, now declared by the models that own them.

They were made by dashboards' 0003 with raw SQL as dash_moment_type_newest and
dash_need_open_oldest; an existing database keeps its index, renamed (see AdoptIndex).
"""

from django.db import migrations, models

from touchpoints.index_handover import AdoptIndex


class Migration(migrations.Migration):
    dependencies = [("touchpoints", "0002_undo_record")]

    operations = [
        AdoptIndex(
            model_name="moment",
            index=models.Index(
                fields=["touchpoint_type", "-occurred_at", "-id"], name="moment_type_newest"
            ),
            old_name="dash_moment_type_newest",
        ),
        AdoptIndex(
            model_name="need",
            index=models.Index(
                fields=["raised_at", "location", "team"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="need_open_oldest",
            ),
            old_name="dash_need_open_oldest",
        ),
    ]
