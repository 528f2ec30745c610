"""`manage.py customer_data REFERENCE`: everything held about a customer, as JSON.

For an access request (GDPR article 15). REFERENCE is a booking code, a loyalty number, a
phone number or an email address. Recorded in the request register and the audit trail;
prints `{"found": false, ...}` when nothing is held.
"""

import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from feedback.customer_requests import as_data, serve
from feedback.models import CustomerRequest


class Command(BaseCommand):
    help = "Print everything held about one customer as JSON (an access request)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="booking code, loyalty number, phone or email")

    def handle(self, *args, reference: str, **options):
        served = serve(reference, CustomerRequest.Kind.EXPORT, None, through_command=True)
        data = {"found": not served.nothing_found, "request": served.request.pk}
        text = json.dumps({**data, **as_data(served.found)}, cls=DjangoJSONEncoder, indent=2)
        self.stdout.write(text)
