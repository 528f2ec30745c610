"""`manage.py erase_customer REFERENCE`: erase a customer's personal data, keeping counts.

Exactly what the data-protection screen's erasure does (feedback/customer_data.py), and
prints what it erased as JSON. Idempotent: run again, it finds nothing left and says so; run
again after a crash halfway, it finishes. Recorded in the request register and the audit.
"""

import json

from django.core.management.base import BaseCommand

from feedback.customer_requests import serve
from feedback.models import CustomerRequest


class Command(BaseCommand):
    help = "Erase one customer's personal data on request, keeping every figure."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="booking code, loyalty number, phone or email")

    def handle(self, *args, reference: str, **options):
        served = serve(reference, CustomerRequest.Kind.ERASURE, None, through_command=True)
        found = not served.nothing_found
        result = {"found": found, "request": served.request.pk, "erased": served.counts}
        if not found:
            result["message"] = "Nothing is held about this customer; the search is recorded."
        self.stdout.write(json.dumps(result, indent=2))
