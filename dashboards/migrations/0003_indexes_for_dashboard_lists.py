"""Indexes for the few raw-row lists the dashboard reads beside the roll-ups.

The dashboard owns these reads, so it owns their indexes; they live on touchpoints' and
feedback's tables and change nothing in those apps' models. Each makes one list a short
index walk however long the history: the drill-down's newest moments of a type, the
newest praise, the oldest open recoveries and the oldest open needs.
"""

from django.db import migrations

INDEXES = [
    (
        "dash_moment_type_newest",
        "touchpoints_moment (touchpoint_type_id, occurred_at DESC, id DESC)",
    ),
    (
        "dash_answer_praise_newest",
        "feedback_answer (answered_at DESC) WHERE csat = 5 AND comment <> ''",
    ),
    ("dash_recovery_open_oldest", "feedback_recovery (opened_at) WHERE closed_at IS NULL"),
    (
        "dash_need_open_oldest",
        "touchpoints_need (raised_at, location_id, team_id)"
        " WHERE status IN ('open', 'acknowledged')",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_digest_sent"),
        ("touchpoints", "0001_initial"),
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {definition}", reverse_sql=f"DROP INDEX {name}"
        )
        for name, definition in INDEXES
    ]
