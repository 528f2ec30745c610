"""What the front line asked management for, and the manager's answer to each request.

The manager serves the front line: the queue is oldest first, and every answer is written
back on the need itself, where the staff member who raised it sees it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touchpoints.configuration.remedy_budgets import set_budget
from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import Need, RemedyBudget, Team, User
from touchpoints.repeated_fields import OneValueEach
from touchpoints.webhooks import Event, emit, need_data

STILL_OPEN = [Need.Status.OPEN, Need.Status.ACKNOWLEDGED]
ANSWERS = [Need.Status.ACKNOWLEDGED, Need.Status.PROVIDED, Need.Status.DECLINED]
QUEUE_LIMIT = 60  # the oldest; the page says how many more there are


class NeedAnswerForm(OneValueEach, forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ANSWERS],
        widget=forms.RadioSelect,
        label=_("Answer"),
        required=False,
    )
    # "More remedy budget" is answered by giving it: the new budget provides the need.
    monthly_budget = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Budget per month")
    )
    answer = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        label=_("What was provided, or why not"),
    )

    def clean(self):
        data = super().clean()
        if data.get("monthly_budget") is not None:
            data["status"] = Need.Status.PROVIDED
            return data
        if not data.get("status") and "status" not in self.errors:
            self.add_error("status", _("This field is required."))
        status = data.get("status")
        if status == Need.Status.PROVIDED and not data.get("answer", "").strip():
            self.add_error("answer", _("Say what was provided, so they know what to look for."))
        if status == Need.Status.DECLINED and not data.get("answer", "").strip():
            self.add_error("answer", _("Say why, so they understand the decision."))
        return data


class AskAnswerForm(NeedAnswerForm):
    """One answer to every need of an ask (the same ask from several teams)."""

    needs = forms.ModelMultipleChoiceField(
        Need.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": _(
                "One of these needs was answered meanwhile or is not from your teams."
                " Reload the page and answer again."
            ),
            "invalid_pk_value": _("That is not a need. Reload the page and answer again."),
        },
    )

    def __init__(self, data, scope_q: Q):
        super().__init__(data)
        self.fields["needs"].queryset = needs_in(scope_q & Q(status__in=STILL_OPEN))


def answer_needs(needs: list[Need], manager: User, status: str, answer: str) -> list[Need]:
    """The same answer on each need, all or none: every team that asked hears back."""
    with transaction.atomic():
        return [answer_need(need, manager, status, answer) for need in needs]


def answer_need(need: Need, manager: User, status: str, answer: str) -> Need:
    """Record the manager's answer; the staff member sees it on their needs screen."""
    now = timezone.now()
    with transaction.atomic():
        need = needs_in(Q()).select_for_update(of=("self",)).get(pk=need.pk)
        need.status = status
        need.answer = answer.strip()
        need.answered_by = manager
        need.answered_at = now
        provided = status == Need.Status.PROVIDED
        need.seconds_to_provide = (
            max(0, int((now - need.raised_at).total_seconds())) if provided else None
        )
        need.save()
        mark_day_dirty(need.location_id, need.local_date)
        emit(Event.NEED_ANSWERED, need_data(need), need.location_id)
    return need


@transaction.atomic
def answer_with_budget(need: Need, manager: User, monthly: Decimal, answer: str = "") -> Need:
    """Answer a need for more remedy budget by giving it, in one step: the team's monthly
    budget changes at once (audited) and the need is provided, with the new figure."""
    team = need.team
    current = RemedyBudget.objects.filter(team=team).first()
    set_budget(manager, team, monthly, current.per_moment if current else Decimal(0))
    said = answer.strip() or gettext(
        "Your remedy budget is now %(amount)s %(currency)s a month."
    ) % {
        "amount": f"{monthly:,.0f}",
        "currency": team.location.currency,
    }
    return answer_need(need, manager, Need.Status.PROVIDED, said)


def needs_in(condition: Q) -> QuerySet[Need]:
    return Need.objects.filter(condition).select_related(
        "team__location", "raised_by", "answered_by", "moment__touchpoint_type"
    )


@dataclass(frozen=True)
class NeedGroup:
    """Open needs of one kind from one team, oldest first."""

    kind: str
    team: Team
    needs: list[Need]

    @property
    def kind_label(self) -> str:
        return Need.Kind(self.kind).label

    @property
    def oldest(self) -> datetime:
        return self.needs[0].raised_at


def open_queue(condition: Q, limit: int = QUEUE_LIMIT) -> tuple[list[NeedGroup], int]:
    """Still-open needs grouped by kind and team, the group with the oldest need first.

    Returns the groups (of at most `limit` needs, so the page stays bounded) and how many
    needs are open in all.
    """
    still_open = needs_in(condition & Q(status__in=STILL_OPEN))
    needs = list(still_open.order_by("raised_at", "pk")[:limit])
    total = still_open.count()
    groups: dict[tuple[str, int], list[Need]] = {}
    for need in needs:
        groups.setdefault((need.kind, need.team_id), []).append(need)
    return [NeedGroup(kind, items[0].team, items) for (kind, _), items in groups.items()], total


def recently_answered(condition: Q, limit: int = 20) -> list[Need]:
    answered = Q(status__in=[Need.Status.PROVIDED, Need.Status.DECLINED])
    return list(needs_in(condition & answered).order_by("-answered_at", "-pk")[:limit])


def age(raised_at: datetime, now: datetime | None = None) -> str:
    """How long a need has waited, in the largest unit that reads well."""
    seconds = int(((now or timezone.now()) - raised_at).total_seconds())
    if seconds < 3600:
        return gettext("%(minutes)s min") % {"minutes": max(1, seconds // 60)}
    if seconds < 2 * 86400:
        return gettext("%(hours)s h") % {"hours": seconds // 3600}
    return gettext("%(days)s days") % {"days": seconds // 86400}
