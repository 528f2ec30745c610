import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Theme
from touchpoints.models import Channel, Location, RemedyKind, Team, TouchpointType


class CountedSums(models.Model):
    """The additive counts and sums every moment roll-up holds, declared once: a coarser
    roll-up is the finer one's columns summed, so it stays exact."""

    moments = models.PositiveIntegerField(default=0)
    resolved_on_spot = models.PositiveIntegerField(default=0)
    resolution_recorded = models.PositiveIntegerField(
        default=0, help_text="Moments whose staff member chose resolved or not yet."
    )
    # How the staff member said it went, one count per face.
    outcome_1 = models.PositiveIntegerField(default=0)
    outcome_2 = models.PositiveIntegerField(default=0)
    outcome_3 = models.PositiveIntegerField(default=0)
    outcome_4 = models.PositiveIntegerField(default=0)
    outcome_5 = models.PositiveIntegerField(default=0)
    invitations = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    csat_answers = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0, help_text="CSAT 4–5.")
    nps_answers = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0, help_text="NPS 9–10.")
    detractors = models.PositiveIntegerField(default=0, help_text="NPS 0–6.")
    effort_answers = models.PositiveIntegerField(default=0)
    effort_sum = models.PositiveIntegerField(default=0)
    # Σ effort², for the spread of the scores and so the mean's interval (docs/metrics.md).
    effort_squares = models.PositiveIntegerField(default=0, db_default=0)
    low_answers = models.PositiveIntegerField(default=0, help_text="Below the thresholds.")
    recoveries_opened = models.PositiveIntegerField(default=0)
    recoveries_closed = models.PositiveIntegerField(
        default=0, help_text="Closed before they lapsed."
    )
    recovery_seconds = models.PositiveBigIntegerField(
        default=0, help_text="Summed over closed before they lapsed."
    )
    # Nobody took them in time; a late close since does not make them recovered.
    recoveries_lapsed = models.PositiveIntegerField(default=0, db_default=0)
    gap_staff_good_customer_low = models.PositiveIntegerField(default=0)
    gap_staff_bad_customer_high = models.PositiveIntegerField(default=0)
    # The denominators of the themes' shares: comments customers wrote, notes staff wrote.
    comments = models.PositiveIntegerField(default=0, db_default=0, help_text="With a comment.")
    notes = models.PositiveIntegerField(default=0, db_default=0, help_text="With a staff note.")
    rolled_at = models.DateTimeField()

    class Meta:
        abstract = True


class DailyRollup(CountedSums):
    """Additive counts and sums for one bucket: a location's local day, team, type and channel.

    Only counts and sums live here, so any period, team or location is summed exactly;
    rates are computed from the sums in `dashboards.metrics`, never stored.
    """

    local_date = models.DateField()
    # Derived rows, rebuilt from moments that the database already checks: no constraint or
    # index per key column, which would cost a lookup and an index write on every row a full
    # rebuild writes. Django still refuses (PROTECT) deleting a location, team or type in use.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "location", "team", "touchpoint_type", "channel"],
                name="rollup_bucket_unique",
            )
        ]
        indexes = [models.Index(fields=["location", "local_date"], name="rollup_location_day")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} {self.team_id} {self.touchpoint_type_id}"


class LocationDayRollup(CountedSums):
    """`DailyRollup` summed per location and local day: the same columns, one row a day.

    Written in the same transaction as the DailyRollup rows it sums, so the two always agree.
    A view that filters by nothing finer than location (the headline figures and series of
    a whole company) reads one row per location and day here instead of every team, type
    and channel.
    """

    local_date = models.DateField()
    # Derived rows, as DailyRollup's; the unique key below is the index by location.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                # Location first: also the index a window's days of some locations are read by.
                fields=["location", "local_date"],
                name="location_day_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date}"


class TypeDayRollup(CountedSums):
    """`DailyRollup` summed over channels: one row per location, local day, team and type.

    Written in the same transaction as the DailyRollup rows it sums. The journey, team and
    gap tables group a period by (type, team) and never by channel; reading them from here
    reads a quarter of the rows at SAS volume (four channels, every one used).
    """

    local_date = models.DateField()
    # Derived rows, as DailyRollup's; the unique key below is the index by location.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                # Location and day first: the index a window's days of some locations are read by.
                fields=["location", "local_date", "team", "touchpoint_type"],
                name="type_day_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} {self.team_id} {self.touchpoint_type_id}"


class ThemeSums(models.Model):
    """The additive sums of one theme: how many comments speak of it, and the CSAT of the
    answers they belong to (summed, so a theme's CSAT of any selection is exact)."""

    comments = models.PositiveIntegerField(default=0, help_text="Comments (or notes) with it.")
    csat_answers = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveBigIntegerField(default=0, help_text="Σ CSAT 1–5.")
    satisfied = models.PositiveIntegerField(default=0, help_text="CSAT 4–5.")
    rolled_at = models.DateTimeField()

    class Meta:
        abstract = True


class ThemeBucketSums(ThemeSums):
    """The theme sums of one bucket of `DailyRollup` and one theme, declared once for what
    customers say and what staff say."""

    local_date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, db_index=False, db_constraint=False, related_name="+"
    )

    class Meta:
        abstract = True


class ThemeDailyRollup(ThemeBucketSums):
    """What customers say: per bucket of `DailyRollup` and theme, the answers whose comment
    speaks of the theme. A comment of two themes counts once in each; summed over themes it
    is no count of comments (that is `CountedSums.comments`)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "local_date", "team", "touchpoint_type", "channel", "theme"],
                name="theme_rollup_bucket_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} theme {self.theme_id}"


class ThemeLocationDayRollup(ThemeSums):
    """`ThemeDailyRollup` summed per location, day and theme, for selections of locations
    only; written in the same transaction as the rows it sums."""

    local_date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, db_index=False, db_constraint=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "local_date", "theme"], name="theme_location_day_unique"
            )
        ]
        # A whole company's period is a range of days: read by the date, not every row.
        indexes = [models.Index(fields=["local_date"], name="theme_location_day_by_day")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} theme {self.theme_id}"


class NoteThemeDailyRollup(ThemeBucketSums):
    """What staff say: per bucket and theme, the moments whose staff note speaks of it, and
    the CSAT their customers gave (the perception gap, for themes)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "local_date", "team", "touchpoint_type", "channel", "theme"],
                name="note_theme_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} note theme {self.theme_id}"


class NeedSums(models.Model):
    """The additive counts of needs every need roll-up holds, declared once (as CountedSums).
    A need is in exactly one status; the ones still open are raised minus the other three."""

    raised = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    provided = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    provide_seconds = models.PositiveBigIntegerField(default=0, help_text="Summed over provided.")
    rolled_at = models.DateTimeField()

    class Meta:
        abstract = True


class NeedRollup(NeedSums):
    """Additive counts of what the front line asked management for, by the day it was raised.

    Needs have a kind rather than a touchpoint type (many are raised on their own), so they
    get a roll-up of their own keyed by (local date, location, team, kind).
    """

    local_date = models.DateField()
    # Derived rows, rebuilt from needs, as DailyRollup's: no constraint or index per key
    # column (a full rebuild checked each row's two keys at commit: a tenth of its time).
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    kind = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "location", "team", "kind"], name="need_rollup_bucket_unique"
            )
        ]
        indexes = [models.Index(fields=["location", "local_date"], name="need_rollup_location_day")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} {self.team_id} {self.kind}"


class LocationNeedRollup(NeedSums):
    """`NeedRollup` summed per location and local day, for the views that filter by nothing
    finer than location (a whole company's needs series reads a row a station a day, not one
    per team and kind). Written in the same transaction as the rows it sums."""

    local_date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "local_date"], name="location_need_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date}"


class DigestSent(models.Model):
    """One manager's morning digest for one local day, claimed before it is sent: the claim
    is what keeps it to once. A claim never marked sent means the process stopped while
    sending; it is not sent again (see `dashboards.digest`)."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        UNKNOWN = "unknown", "Maybe not sent"

    manager = models.ForeignKey(
        "touchpoints.User", on_delete=models.CASCADE, related_name="digests_sent"
    )
    local_date = models.DateField(help_text="The manager's local day the digest was sent on.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["manager", "local_date"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.manager_id} on {self.local_date}"


class NeedEmailSent(models.Model):
    """One hourly email about new needs to one manager, covering the needs raised after
    `since` up to `until`; claimed before it is sent, like `DigestSent`, so that each span is
    mailed once (see `dashboards.need_emails`)."""

    manager = models.ForeignKey(
        "touchpoints.User", on_delete=models.CASCADE, related_name="need_emails_sent"
    )
    since = models.DateTimeField(help_text="Needs raised after this are in the email.")
    until = models.DateTimeField(help_text="…up to this; the next email starts here.")
    needs = models.PositiveIntegerField(default=0, help_text="How many needs it lists.")
    status = models.CharField(
        max_length=8, choices=DigestSent.Status.choices, default=DigestSent.Status.SENDING
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Two runs that read the same last email start the same span: one claim wins.
            models.UniqueConstraint(fields=["manager", "since"], name="need_email_span_once")
        ]
        indexes = [models.Index(fields=["manager", "-until"], name="need_email_latest")]

    def __str__(self) -> str:
        return f"Need email for {self.manager_id} up to {self.until}"


class RollupSeal(models.Model):
    """The day before which a location's roll-ups are final (the sealed boundary).

    Raw moments before it may have been pruned (dashboards/retention.py): rebuilding such
    a day from what is left would wipe its figures. So every rebuild, reconciliation and
    range alike, starts at this day (dashboards/rollup.py), and a mark on a sealed day is
    dropped unread. It only moves forward, and always before the raw rows go.
    """

    location = models.OneToOneField(
        Location, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    final_before = models.DateField()

    def __str__(self) -> str:
        return f"{self.location} final before {self.final_before}"


class RollupGeneration(models.Model):
    """Which state a location's roll-ups are in: a new number each time anything writes them
    (a sweep, a range rebuild, the nightly reconciliation, a retention prune's last roll-up,
    a repair), in the same transaction as the roll-ups themselves. Figures computed from
    the roll-ups are cached under it (dashboards/figure_cache.py).

    It lives here, not in Redis: Redis may lose a key (a restart, an eviction) while the
    figures cached under it live on in another process, and a counter started again from
    nothing would then name old figures as current. For the same reason the number is
    random, not counted up: a rolled-back transaction, a test's rollback or a restored
    backup brings back an older number together with the very roll-ups it named, and never
    hands out one already used for other sums.
    """

    location = models.OneToOneField(
        Location, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    generation = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.location} roll-ups at {self.generation}"

    @classmethod
    def renew(cls, location_ids: Iterable[int]) -> None:
        """Give each location a new generation: call where its roll-ups are written, in
        that transaction. One statement; locations in id order, as the roll-up locks are."""
        cls.objects.bulk_create(
            [
                cls(location_id=pk, generation=secrets.randbits(63))
                for pk in sorted(set(location_ids))
            ],
            update_conflicts=True,
            unique_fields=["location"],
            update_fields=["generation"],
        )

    @classmethod
    def of(cls, location_ids: Iterable[int]) -> dict[int, int]:
        """Each location's generation; one never rolled up has none (0)."""
        ids = sorted(set(location_ids))
        found = dict(
            cls.objects.filter(location_id__any_of=ids).values_list("location", "generation")
        )
        return {pk: found.get(pk, 0) for pk in ids}


# The nightly reconciliation re-rolls this many recent local days (dashboards/tasks.py); a
# retention period for raw moments must be longer, or it would rebuild pruned days.
RECONCILE_DAYS = 7


def at_least_the_reconciliation_window(days: int) -> None:
    if days < RECONCILE_DAYS + 1:
        raise ValidationError(
            _(
                "Keep raw moments and answers for at least %(least)d days. Every night the "
                "roll-ups of the last %(window)d days are checked against the raw moments; "
                "pruning them sooner would leave those days with nothing to check against."
            )
            % {"least": RECONCILE_DAYS + 1, "window": RECONCILE_DAYS}
        )


class RetentionPolicy(models.Model):
    """How long each class of personal data is kept; a single row, edited by admins.

    The nightly pruning (dashboards/retention.py) enforces it. Figures are never lost: the
    roll-ups outlive the raw rows behind them (`RollupSeal`). Contact details have their
    own period in the feedback settings (`contact_kept_days`), which their consent names.
    Defaults: docs/privacy.md.
    """

    comments_days = models.PositiveIntegerField(
        _("comments and notes (days)"),
        default=365,
        help_text=_("Customers' comments, staff notes on moments and recoveries, extra fields."),
    )
    customer_refs_days = models.PositiveIntegerField(
        _("customer references (days)"),
        default=365,
        help_text=_("The hashed booking code or loyalty number that links a customer's moments."),
    )
    raw_days = models.PositiveIntegerField(
        _("raw moments and answers (days)"),
        default=730,
        validators=[at_least_the_reconciliation_window],
        help_text=_("Then the moments, answers, recoveries and needs are deleted; figures stay."),
    )
    audit_days = models.PositiveIntegerField(
        _("audit entries (days)"), default=730, help_text=_("The configuration history.")
    )
    access_days = models.PositiveIntegerField(
        _("access records (days)"),
        default=365,
        help_text=_("Who viewed or exported customers' data."),
    )
    sign_in_days = models.PositiveIntegerField(
        _("sign-in records (days)"),
        default=90,
        help_text=_("Failed sign-ins (name typed, address, browser) and usual sign-in addresses."),
    )
    leavers_days = models.PositiveIntegerField(
        _("names of people who left (days)"),
        default=365,
        help_text=_(
            "A deactivated person's name is replaced by a pseudonym this long after they last"
            " signed in; their moments stay in the figures."
        ),
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policy")

    def __str__(self) -> str:
        return str(_("Retention policy"))

    @classmethod
    def current(cls) -> "RetentionPolicy":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class RemedyRollup(models.Model):
    """Remedies given and their cost, per the moment's local day, location, team, type, channel,
    kind and currency: additive, so any period, team or kind is summed exactly, and the currency
    is in the key, so amounts in different currencies are never added together."""

    local_date = models.DateField()
    # Derived rows, as DailyRollup's: no constraint or index per key column.
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    kind = models.ForeignKey(
        RemedyKind, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    currency = models.CharField(max_length=3)
    remedies = models.PositiveIntegerField(default=0)
    remedy_cost = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    over_limit = models.PositiveIntegerField(default=0, help_text="Given over a limit, with why.")
    on_low_moments = models.PositiveIntegerField(
        default=0, help_text="Moments the staff rated 1–2."
    )
    cost_on_low_moments = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    rolled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "location",
                    "local_date",
                    "team",
                    "touchpoint_type",
                    "channel",
                    "kind",
                    "currency",
                ],  # fmt: skip
                name="remedy_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} {self.kind_id} {self.currency}"


class LowMomentRollup(models.Model):
    """Low moments (the staff member chose 1 or 2) and what their customers answered, apart
    for those with a remedy given before the answer and those without: the comparison of
    what a remedy buys (docs/metrics.md, "Remedies")."""

    local_date = models.DateField()
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    remedied = models.BooleanField()
    low_moments = models.PositiveIntegerField(default=0)
    csat_answers = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0, help_text="CSAT 4–5: won back.")
    nps_answers = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    rolled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "location",
                    "local_date",
                    "team",
                    "touchpoint_type",
                    "channel",
                    "remedied",
                ],  # fmt: skip
                name="low_moment_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.local_date} remedied={self.remedied}"


class ExportJob(models.Model):
    """A big moments export, written by the worker (dashboards/export_jobs.py): who asked
    (a person, or an API key), the filters by the dashboard's names, and how far it got.
    The file and this row are removed once `expires_at` has passed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    requested_by = models.ForeignKey(
        "touchpoints.User", null=True, on_delete=models.CASCADE, related_name="+"
    )
    api_key = models.ForeignKey(
        "touchpoints.ApiKey", null=True, on_delete=models.CASCADE, related_name="+"
    )
    selection = models.JSONField(default=dict, help_text="The filters, by the form's names.")
    file_format = models.CharField(max_length=4, choices=Format.choices)
    # The XLSX's column heads are in the language of whoever asked.
    language = models.CharField(max_length=8, default="en")
    # The days the selection covered when asked for ("7 days" ended on that day's today),
    # so a job that runs after midnight still writes them; `window` is the same, per
    # location (their todays differ across time zones). Empty on jobs asked before these.
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)
    window = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    # Moved on with every chunk of rows written: a running job whose heartbeat stops lost
    # its worker (EXPORT_STALE_SECONDS).
    heartbeat_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    file_name = models.CharField(max_length=100, blank=True, help_text="Under EXPORT_DIR.")
    expires_at = models.DateTimeField(db_index=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="export_job_state")]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.file_format}, {self.state})"


# The roll-up journal's tables (PostgreSQL's incremental sweep), in a module of their own.
from .journal_models import (  # noqa: E402, F401
    DailyPreImage,
    LowMomentPreImage,
    MomentJournal,
    NeedJournal,
    NeedPreImage,
    NoteThemePreImage,
    RemedyPreImage,
    ThemePreImage,
)
