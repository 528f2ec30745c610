"""The roll-up journal: which moments and needs changed since the sweep last counted them,
and what each of them was counted as then (its pre-image), on PostgreSQL.

Triggers on the raw tables write these rows (dashboards/journal.py); the sweep takes them
and adds to the roll-ups the difference between each moment's contribution now and its
pre-image (dashboards/rollup_delta.py), so that its cost follows what changed, not the size
of the days it changed. On SQLite there are no triggers and these tables stay empty.

The rows are derived and short-lived: plain ids, no foreign keys, so that neither a save
nor a sweep checks or locks another table for them. Imported by dashboards.models.
"""

from django.db import models

from .models import CountedSums, NeedSums, ThemeSums


class MomentJournal(models.Model):
    """A moment changed (or logged) since the last sweep that took it; one row a moment.

    `location` is the moment's location when it was first touched: the sweep of that
    location's group takes the row. A writer that touches a journaled moment locks its row
    until it commits, so a sweep taking the row waits for it (docs/scaling.md)."""

    moment_id = models.BigIntegerField(primary_key=True)
    location_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"moment {self.moment_id}"


class NeedJournal(models.Model):
    """A need raised or changed since the last sweep that took it, as `MomentJournal`."""

    need_id = models.BigIntegerField(primary_key=True)
    location_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"need {self.need_id}"


class MomentBucketKey(models.Model):
    """The key of a `DailyRollup` row, as plain columns, and the moment it was counted for."""

    moment_id = models.BigIntegerField(db_index=True)
    local_date = models.DateField()
    location_id = models.BigIntegerField()
    team_id = models.BigIntegerField()
    touchpoint_type_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"moment {self.moment_id} as counted on {self.local_date}"


class DailyPreImage(MomentBucketKey, CountedSums):
    """A journaled moment's `DailyRollup` row as it was counted."""


class ThemePreImage(MomentBucketKey, ThemeSums):
    """A journaled moment's `ThemeDailyRollup` rows (what its customer said) as counted."""

    theme_id = models.BigIntegerField()


class NoteThemePreImage(MomentBucketKey, ThemeSums):
    """A journaled moment's `NoteThemeDailyRollup` rows (what its note said) as counted."""

    theme_id = models.BigIntegerField()


class RemedyPreImage(MomentBucketKey):
    """A journaled moment's `RemedyRollup` rows as counted."""

    kind_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    remedies = models.PositiveIntegerField()
    remedy_cost = models.DecimalField(max_digits=16, decimal_places=2)
    over_limit = models.PositiveIntegerField()
    on_low_moments = models.PositiveIntegerField()
    cost_on_low_moments = models.DecimalField(max_digits=16, decimal_places=2)
    rolled_at = models.DateTimeField()


class LowMomentPreImage(MomentBucketKey):
    """A journaled moment's `LowMomentRollup` row as counted (when it was a low moment)."""

    remedied = models.BooleanField()
    low_moments = models.PositiveIntegerField()
    csat_answers = models.PositiveIntegerField()
    satisfied = models.PositiveIntegerField()
    nps_answers = models.PositiveIntegerField()
    promoters = models.PositiveIntegerField()
    detractors = models.PositiveIntegerField()
    rolled_at = models.DateTimeField()


class NeedPreImage(NeedSums):
    """A journaled need's `NeedRollup` row as it was counted."""

    need_id = models.BigIntegerField(db_index=True)
    local_date = models.DateField()
    location_id = models.BigIntegerField()
    team_id = models.BigIntegerField()
    kind = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"need {self.need_id} as counted on {self.local_date}"
