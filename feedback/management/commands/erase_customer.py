"""`manage.py erase_customer REFERENCE`: erase a customer's personal data, keeping counts.

Exactly what the data-protection screen's erasure does (feedback/customer_data.py), and
prints what it erased as JSON. Idempotent: run again, it finds nothing left and says so; run
again after a crash halfway, it finishes. Recorded in the request register and the audit.
"""

import json
import time

from django.core.management.base import BaseCommand

from feedback.customer_requests import serve
from feedback.models import CustomerRequest

PAUSED = "paused after a committed batch"


class Command(BaseCommand):
    help = "Erase one customer's personal data on request, keeping every figure."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="booking code, loyalty number, phone or email")
        # Only a test kills the command halfway on purpose: it needs a moment where some
        # batches are committed and others not, and a kill timed by the clock would land
        # before the first or after the last on a fast machine.
        parser.add_argument(
            "--pause-between-batches",
            type=float,
            default=0,
            metavar="SECONDS",
            help="for tests: say so on stderr and wait this long after each committed batch",
        )

    def handle(self, *args, reference: str, pause_between_batches: float, **options):
        served = serve(
            reference,
            CustomerRequest.Kind.ERASURE,
            None,
            through_command=True,
            between_batches=self._pause(pause_between_batches),
        )
        found = not served.nothing_found
        result = {"found": found, "request": served.request.pk, "erased": served.counts}
        if not found:
            result["message"] = "Nothing is held about this customer; the search is recorded."
        self.stdout.write(json.dumps(result, indent=2))

    def _pause(self, seconds: float):
        if not seconds:
            return None

        def pause():
            self.stderr.write(PAUSED)
            self.stderr.flush()
            time.sleep(seconds)

        return pause
