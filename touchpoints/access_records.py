"""Who saw what: each view or export of customers' data, kept for its own period.

Recorded where the data is shown: the dashboard's moments with comments and its moments
export (dashboards/views.py), a customer's history on the tablet (touchpoints/views.py), and
the team's recoveries with contact details (feedback/views.py). One insert per request, no
read. The data-protection duty browses them on the configuration site; the nightly pruning
deletes them after `RetentionPolicy.access_days` (dashboards/retention.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRecord(models.Model):
    class What(models.TextChoices):
        MOMENTS = "moments", _("Moments with comments")
        MOMENTS_EXPORT = "moments_export", _("Moments export")
        CUSTOMER_HISTORY = "customer_history", _("Customer history on the tablet")
        RECOVERIES = "recoveries", _("Recoveries with contact details")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    what = models.CharField(_("what"), max_length=20, choices=What.choices)
    # The filters or the team as the screen had them; a customer's history names the
    # customer by the hashed reference only, as moments store it.
    selection = models.JSONField(_("which selection"), default=dict)

    class Meta:
        app_label = "touchpoints"
        ordering = ["-at"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")

    def __str__(self) -> str:
        return f"{self.what} by {self.person_id} at {self.at:%Y-%m-%d %H:%M}"


def record_access(request, what: str, selection: dict) -> None:
    """One insert: who (the signed-in person), now, what, which selection."""
    AccessRecord.objects.create(person_id=request.user.pk, what=what, selection=selection)
