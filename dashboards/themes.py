"""What comments speak of: the top themes of a selection, and one theme's comments.

Read from the theme roll-ups only (sums per bucket and theme, dashboards/rollup.py), so
every figure of any selection is exact; rates come from the summed counts. Definitions:
docs/metrics.md, "Themes".
"""

from dataclasses import dataclass

from django.db.models import Sum, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from feedback.models import Answer, Theme
from feedback.themes.catalogue import current_tagger
from feedback.themes.tagging import Tagger
from touchpoints.models import Moment

from .confidence import proportions_differ
from .filters import Selection
from .metrics import Estimate, Figures, share
from .models import NoteThemeDailyRollup, ThemeDailyRollup, ThemeLocationDayRollup
from .rollup import THEME_COLUMNS

CURRENT, PREVIOUS = 2, 1
TOP_THEMES = 8


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    comments: int  # comments that speak of it in the period: its n
    share: Estimate  # of all comments in the period, in %
    previous_share: float | None
    change_significant: bool  # the share moved beyond chance (95 %)
    csat: Estimate  # % satisfied among the answers whose comment speaks of it
    csat_against_all: float | None  # its CSAT minus the selection's, in points
    notes: int  # staff notes that speak of it: what staff say

    @property
    def change(self) -> float | None:
        if self.share.value is None or self.previous_share is None:
            return None
        return self.share.value - self.previous_share

    @property
    def change_tone(self) -> str:
        """Coloured only when significant: more of a theme that pulls CSAT down is bad, less
        of it good; a theme customers praise (CSAT above the selection's) the other way."""
        if not self.change_significant or not self.change or self.csat_against_all is None:
            return ""
        drags = self.csat_against_all < 0
        return "bad" if (self.change > 0) == drags else "good"


def _sums(model, condition, selection: Selection) -> dict[tuple[int, int], dict]:
    """{(CURRENT or PREVIOUS, theme id): the theme's sums}, in one query of two date-range
    reads, one a period: each can take the date index alone, where one read of both periods
    that sorts every row into its period cost a pass over the whole table."""
    sums = {column: Sum(column) for column in THEME_COLUMNS}
    current, previous = (
        model.objects.filter(condition & selection.window.q(periods_back))
        .values("theme")
        .annotate(part=Value(part), **sums)
        .order_by()
        for part, periods_back in ((CURRENT, 0), (PREVIOUS, 1))
    )
    return {(row["part"], row["theme"]): row for row in current.union(previous, all=True)}


# {(CURRENT or PREVIOUS, theme id): sums} of what customers said and of what staff noted.
ThemeSums = tuple[dict[tuple[int, int], dict], dict[tuple[int, int], dict]]


def theme_sums(selection: Selection) -> ThemeSums:
    """The period's and the previous period's sums per theme, of comments and of notes:
    numbers only, so that they may be cached (dashboards/figure_cache.py). Two queries."""
    if not selection.window.ends:
        return {}, {}
    by_location = selection.location_q()
    if by_location is not None:
        said = _sums(ThemeLocationDayRollup, by_location, selection)
    else:
        said = _sums(ThemeDailyRollup, selection.q(), selection)
    return said, _sums(NoteThemeDailyRollup, selection.q(), selection)


def top_themes(
    selection: Selection,
    current: Figures,
    previous: Figures,
    limit: int = TOP_THEMES,
    sums: ThemeSums | None = None,
) -> list[ThemeRow]:
    """The themes most spoken of in the period, most first; three queries, or one (the
    themes' names, read fresh) given the `sums`."""
    said, noted = theme_sums(selection) if sums is None else sums
    ids = {theme for part, theme in said if part == CURRENT}
    ids |= {theme for part, theme in noted if part == CURRENT}
    if not ids:
        return []
    themes = Theme.objects.in_bulk(ids)
    rows = [_row(themes[pk], said, noted, current, previous) for pk in ids if pk in themes]
    rows.sort(key=lambda row: (-row.comments, -row.notes, row.theme.name))
    return rows[:limit]


def _row(theme: Theme, said: dict, noted: dict, current: Figures, previous: Figures) -> ThemeRow:
    now = said.get((CURRENT, theme.pk), {})
    before = said.get((PREVIOUS, theme.pk), {})
    comments, earlier = now.get("comments") or 0, before.get("comments") or 0
    csat = share(now.get("satisfied") or 0, now.get("csat_answers") or 0)
    overall = current.csat
    return ThemeRow(
        theme=theme,
        comments=comments,
        share=share(comments, current.comments, "comments"),
        previous_share=100 * earlier / previous.comments if previous.comments else None,
        change_significant=proportions_differ(
            comments, current.comments, earlier, previous.comments
        ),
        csat=csat,
        csat_against_all=(
            csat.value - overall if csat.value is not None and overall is not None else None
        ),
        notes=(noted.get((CURRENT, theme.pk)) or {}).get("comments") or 0,
    )


def theme_comment_count(selection: Selection, theme: Theme) -> int:
    """The period's comments with the theme, from the roll-up (no count of raw rows)."""
    rows = ThemeDailyRollup.objects.filter(
        selection.q() & selection.window.q(0), theme=theme
    ).aggregate(n=Sum("comments"))
    return rows["n"] or 0


def theme_answers(selection: Selection, theme: Theme):
    """The period's answers whose comment speaks of the theme, newest first."""
    moment = "invitation__moment__"
    return (
        Answer.objects.filter(selection.q(moment) & selection.window.q(0, prefix=moment))
        .filter(themes__theme=theme)
        .select_related("invitation__moment__touchpoint_type", "invitation__moment__team")
        .order_by("-answered_at", "-pk")
    )


def theme_notes(selection: Selection, theme: Theme, limit: int = 10) -> list[Moment]:
    """The newest staff notes of the period that speak of the theme."""
    from feedback.models import MomentTheme

    tagged = MomentTheme.objects.filter(theme=theme).values("moment_id")
    return list(
        Moment.objects.filter(selection.q() & selection.window.q(0), pk__in=tagged)
        .select_related("touchpoint_type", "team", "staff")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def highlighted(text: str, language: str, theme: Theme, tagger: Tagger | None = None) -> SafeString:
    """`text` escaped, with the words that gave it the theme in <mark>. A page of texts passes
    the `tagger` it read once: reading it costs three queries."""
    tagger = tagger or current_tagger()
    spans = [m for m in tagger.matches(text, language) if m.theme_id == theme.pk]
    pieces, at = [], 0
    for match in sorted(spans, key=lambda m: (m.start, -m.end)):
        if match.start < at:  # inside a longer phrase already marked
            continue
        pieces.append(escape(text[at : match.start]))
        pieces.append(f"<mark>{escape(text[match.start : match.end])}</mark>")
        at = match.end
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))  # every piece of the comment went through escape()
