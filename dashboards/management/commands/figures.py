"""`manage.py figures`: the whole company's figures, all time, as JSON.

For checking a restore (docs/operations.md): run it against the live database before the
dump and against the restored one after; the two outputs must be the same.
"""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand
from django.db.models import Sum

from dashboards.metrics import NEED_COLUMNS, Figures
from dashboards.models import DailyRollup, NeedRollup
from feedback.models import Answer
from touchpoints.models import Moment, Need


def company_figures() -> dict:
    """Rows stored, and the roll-up sums every dashboard figure is computed from."""
    needs = NeedRollup.objects.aggregate(**{name: Sum(name) for name in NEED_COLUMNS})
    return {
        "stored": {
            "moments": Moment.objects.count(),
            "answers": Answer.objects.count(),
            "needs": Need.objects.count(),
        },
        "rolled_up": asdict(Figures.of(DailyRollup.objects.all())),
        "needs_rolled_up": {name: value or 0 for name, value in needs.items()},
    }


class Command(BaseCommand):
    help = "Print the whole company's figures, all time, as JSON (to compare across a restore)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(company_figures(), indent=2, sort_keys=True))
