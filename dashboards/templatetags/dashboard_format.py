"""Formatting of figures for display; the figures themselves come from `dashboards.metrics`."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboards.metrics import Estimate
from dashboards.need_answers import age

register = template.Library()

NO_DATA = "–"
MINUS = "−"  # a real minus sign reads better than a hyphen in large figures


@register.filter
def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.0f}%"


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return NO_DATA
    text = f"{value:+.0f}"
    return "0" if text in ("+0", "-0") else text.replace("-", MINUS)


@register.filter
def score(value: float | None) -> str:
    return NO_DATA if value is None else decimal(value)


def decimal(value: float, places: int = 1) -> str:
    """A number with its decimals as the reader's language writes them: 4.2, or 4,2."""
    return number_format(round(value, places), decimal_pos=places)


@register.filter
def hours(value: float | None) -> str:
    """A duration given in hours, in the unit that reads best."""
    if value is None:
        return NO_DATA
    if value < 1:
        return _("%(minutes)s min") % {"minutes": f"{value * 60:.0f}"}
    if value < 48:
        return _("%(hours)s h") % {"hours": decimal(value)}
    return _("%(days)s days") % {"days": decimal(value / 24)}


@register.filter
def count(value: int | None) -> str:
    return NO_DATA if value is None else f"{value:,}".replace(",", "\u202f")


FORMATS = {"pct": pct, "signed": signed, "score": score, "hours": hours, "count": count}


@register.filter
def figure(value: float | None, unit: str) -> str:
    """A headline figure written in its unit (count, pct, signed, score or hours)."""
    return FORMATS[unit](value)


@register.filter
def change(value: float | None, unit: str) -> str:
    """The change against the previous period: percentage points, hours, or plain numbers."""
    if value is None:
        return _("no comparison")
    if not value:
        return _("no change")
    sign = "+" if value > 0 else MINUS
    magnitude = abs(value)
    if unit == "pct":
        return _("%(sign)s%(points)s pts") % {"sign": sign, "points": f"{magnitude:.0f}"}
    if unit == "hours":
        return f"{sign}{hours(magnitude)}"
    if unit == "score":
        return f"{sign}{decimal(magnitude)}"
    return f"{sign}{magnitude:,.0f}".replace(",", "\u202f")


@register.filter
def interval(estimate: Estimate | None, unit: str) -> str:
    """A rate's 95 % interval in its unit ("45–72%", "−12 to +30"); "" with too little to say."""
    if estimate is None or estimate.interval is None:
        return ""
    low, high = (FORMATS[unit](bound) for bound in estimate.interval)
    if unit == "signed":
        return _("%(low)s to %(high)s") % {"low": low, "high": high}
    return f"{low.removesuffix('%')}–{high}"


# What a figure can rest on (`Estimate.counted`): "34 answers", "no answers", "few answers",
# each written out whole so that every language can say it its own way.
COUNTED = {
    "answers": (
        lambda n: ngettext("%(n)s answer", "%(n)s answers", n),
        lambda: _("no answers"),
        lambda: _("few answers"),
    ),
    "moments": (
        lambda n: ngettext("%(n)s moment", "%(n)s moments", n),
        lambda: _("no moments"),
        lambda: _("few moments"),
    ),
    "low answers": (
        lambda n: ngettext("%(n)s low answer", "%(n)s low answers", n),
        lambda: _("no low answers"),
        lambda: _("few low answers"),
    ),
    "comments": (
        lambda n: ngettext("%(n)s comment", "%(n)s comments", n),
        lambda: _("no comments"),
        lambda: _("few comments"),
    ),
    "invitations": (
        lambda n: ngettext("%(n)s invitation", "%(n)s invitations", n),
        lambda: _("no invitations"),
        lambda: _("few invitations"),
    ),
}


@register.filter
def resting_on(estimate: Estimate) -> str:
    """What a rate rests on: "34 answers", "1 moment", "no low answers"."""
    some, none, _few = COUNTED.get(estimate.counted, COUNTED["answers"])
    return some(estimate.n) % {"n": count(estimate.n)} if estimate.n else none()


def few_mark(estimate: Estimate) -> str:
    """ "few answers" (or moments…) when a figure rests on too few to go by, else ""."""
    if not (estimate.n and estimate.few):
        return ""
    return COUNTED.get(estimate.counted, COUNTED["answers"])[2]()


@register.filter
def few(estimate: Estimate) -> str:
    """The few-mark as a template shows it beside a figure."""
    return few_mark(estimate)


@register.simple_tag
def rate_cell(estimate: Estimate, unit: str, tone: str = "") -> str:
    """A table cell for a rate: muted with few answers, its n and interval in the title, the
    interval itself shown when the reader asks for ranges (.ci)."""
    muted = " few" if few_mark(estimate) else ""
    title = " · ".join(
        part
        for part in (resting_on(estimate), few_mark(estimate), interval(estimate, unit))
        if part
    )
    ranged = interval(estimate, unit)
    return format_html(
        '<td class="num tone-{}{}" title="{}">{}<span class="ci">{}</span></td>',
        tone, muted, title, FORMATS[unit](estimate.value), ranged and f"95 %: {ranged}",
    )  # fmt: skip


@register.simple_tag
def n_cell(estimate: Estimate) -> str:
    """The cell that says how many answers a row rests on, marked when they are few."""
    mark = few_mark(estimate)
    if not mark:
        return format_html('<td class="num">{}</td>', count(estimate.n))
    return format_html(
        '<td class="num few">{} <small class="few-mark">{}</small></td>', count(estimate.n), mark
    )


@register.filter
def waited(raised_at) -> str:
    """How long something has waited: "3 h", "2 days"."""
    return age(raised_at)
