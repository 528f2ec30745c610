"""`manage.py create_api_key NAME --locations ARN,CPH --scopes read,write`: a key for a script.

Prints the key once, alone on standard output, so that automation can capture it; only its
hash is kept, and it cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError

from touchpoints.api_keys import ApiKey, create_key
from touchpoints.models import Location

SCOPES = {"read", "write"}


class Command(BaseCommand):
    help = "Create an API key scoped to locations and to read and/or write; print it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the key, e.g. 'Contact centre'.")
        parser.add_argument("--locations", required=True, help="Location codes: ARN,CPH")
        parser.add_argument("--scopes", default="read", help="read, write or read,write")

    def handle(self, *args, name: str, locations: str, scopes: str, **options):
        codes = [code.strip().upper() for code in locations.split(",") if code.strip()]
        found = list(Location.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {location.code.upper() for location in found})
        if not codes or unknown:
            raise CommandError(f"Unknown location codes: {', '.join(unknown) or '(none given)'}")
        wanted = {scope.strip() for scope in scopes.split(",") if scope.strip()}
        if not wanted or wanted - SCOPES:
            raise CommandError("Scopes are read, write or read,write.")
        if ApiKey.objects.filter(name=name).exists():
            raise CommandError(f"A key named {name!r} exists already.")
        _key, plain = create_key(name, found, read="read" in wanted, write="write" in wanted)
        self.stdout.write(plain)
