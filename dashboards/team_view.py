"""A frontline team's read-only "how we are doing": their team beside their location.

It opens with the last week's praise, in the customers' words: the person's own, then the
rest of the team's. Information is shared widely: anyone in a team sees its figures and its
location's, but never single moments, and never another team's customers' words.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from feedback.recognition import praise_for, praise_for_team
from touchpoints.models import Team, User

from . import figures, remedy_figures
from .charts import sparkline
from .filters import Scope, Selection, Window

TEAM_PERIODS = [("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days"))]


@dataclass(frozen=True)
class Comparison:
    team: figures.Headline
    location: figures.Headline
    spark: str


def context(team: Team, period: str | None, person: User | None = None) -> dict:
    """The team's figures beside its location's, after the last week's praise for `person`
    and for the rest of their team: the page opens with what went well."""
    period = period if period in dict(TEAM_PERIODS) else TEAM_PERIODS[0][0]
    window = Window.last_days(int(period), [team.location])
    ours = Selection(scope=Scope(team_ids=frozenset([team.pk])), window=window)
    location = Selection(scope=Scope(location_ids=frozenset([team.location_id])), window=window)
    with figures.read_settings():  # the three reads: one transaction
        team_lines, location_lines = (figures.overview(s).headlines() for s in (ours, location))
        ours_breakdown = figures.breakdown(ours)
    return {
        "team": team,
        "period": period,
        "periods": TEAM_PERIODS,
        "rows": [
            Comparison(t, loc, sparkline(t.series))
            for t, loc in zip(team_lines, location_lines, strict=True)
        ],
        "journey": ours_breakdown.journey(),
        "gap": ours_breakdown.gap(),
        # The team's own remedies, never a person's: no league table of who gave what.
        **remedy_figures.context(ours, with_over_limit=False),
        "my_praise": praise_for(person) if person else [],
        "team_praise": praise_for_team(person) if person else [],
    }
