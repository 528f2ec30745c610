"""The theme catalogue an admin owns, the tags it gives, and the words suggested as themes.

A theme's words are kept per language as the admin types them, one word or phrase a line;
the tagger stems them when it compiles the catalogue (feedback/themes/tagging.py). Every
change of the catalogue bumps `ThemeCatalogue.version`, which restarts the re-tag.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Moment

# The languages themes have words in: those Moments is translated to.
THEME_LANGUAGES = ["en", "sv", "da", "nb"]
WORD_FIELDS = [f"words_{code}" for code in THEME_LANGUAGES]


class Theme(models.Model):
    """A topic comments speak of ("Baggage"), with the words that say it in each language."""

    # English: the name outside scripts rely on (`manage.py tag_comment`); the other
    # languages' names are columns beside it (feedback/translation.py).
    name = models.CharField(_("name"), max_length=80, unique=True)
    words_en = models.TextField(_("words in English"), blank=True, help_text=_("One a line."))
    words_sv = models.TextField(_("words in Swedish"), blank=True, help_text=_("One a line."))
    words_da = models.TextField(_("words in Danish"), blank=True, help_text=_("One a line."))
    words_nb = models.TextField(_("words in Norwegian"), blank=True, help_text=_("One a line."))
    active = models.BooleanField(_("active"), default=True)
    # Set when merged into another theme: its tags moved there, and it is archived.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    def words(self, language: str) -> list[str]:
        """The theme's words and phrases in `language`, as typed, without blanks or repeats."""
        lines = getattr(self, f"words_{language}", "").splitlines()
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))

    def clean(self):
        if not any(self.words(code) for code in THEME_LANGUAGES):
            raise ValidationError(_("A theme needs at least one word or phrase in some language."))


class ThemeCatalogue(models.Model):
    """One row: the catalogue's version and how far the re-tag of the history has come.

    The re-tag walks answers, then moments with notes, then corrections of moments, in id
    order; each batch locks this row, so batches, new tags and catalogue changes take turns.
    A change sets the version and the positions back to the start: the re-tag restarts, and
    since a batch replaces an answer's tags rather than adding to them, nothing is counted
    twice.
    """

    version = models.PositiveIntegerField(default=1)
    answers_done_to = models.BigIntegerField(default=0, help_text="Answer id the re-tag reached.")
    notes_done_to = models.BigIntegerField(default=0, help_text="Moment id the re-tag reached.")
    # Corrections are walked apart: a note corrected after the walk passed its moment would
    # keep the tags of what it said before. A catalogue change leaves this be (the notes'
    # walk re-tags every note anyway).
    corrections_done_to = models.BigIntegerField(
        default=0, help_text="Moment correction id the walk reached."
    )
    retag_total = models.PositiveBigIntegerField(default=0)
    retag_done = models.PositiveBigIntegerField(default=0)
    retag_started_at = models.DateTimeField(null=True, blank=True)
    retag_finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Theme catalogue version {self.version}"

    @property
    def retagging(self) -> bool:
        return self.retag_started_at is not None and self.retag_finished_at is None

    @property
    def retag_percent(self) -> int:
        if not self.retag_total:
            return 100 if not self.retagging else 0
        return min(100, self.retag_done * 100 // self.retag_total)


class AnswerTheme(models.Model):
    """A theme the customer's comment speaks of ("what customers say")."""

    answer = models.ForeignKey("feedback.Answer", on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "theme"], name="answer_theme_once")
        ]
        indexes = [models.Index(fields=["theme", "answer"], name="answer_theme_by_theme")]

    def __str__(self) -> str:
        return f"{self.theme_id} in answer {self.answer_id}"


class MomentTheme(models.Model):
    """A theme the staff member's note on a moment speaks of ("what staff say")."""

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["moment", "theme"], name="moment_theme_once")
        ]

    def __str__(self) -> str:
        return f"{self.theme_id} in the note of moment {self.moment_id}"


class ThemeSuggestion(models.Model):
    """A word or two-word phrase no theme covers that rose significantly (rising.py)."""

    class Status(models.TextChoices):
        NEW = "new", _("Suggested")
        ACCEPTED = "accepted", _("Made a theme")
        DISMISSED = "dismissed", _("Dismissed")

    term = models.CharField(_("word or phrase"), max_length=80)
    language = models.CharField(_("language"), max_length=8)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    count = models.PositiveIntegerField(_("comments in the period"))
    previous_count = models.PositiveIntegerField(_("comments in the period before"))
    g2 = models.FloatField(_("log-likelihood G²"))
    examples = models.JSONField(_("example comments"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-g2"]
        verbose_name = _("suggested theme")
        verbose_name_plural = _("suggested themes")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "language", "period_end"], name="suggestion_once_a_period"
            )
        ]

    def __str__(self) -> str:
        return self.term
