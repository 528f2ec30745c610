"""`manage.py openapi_schema`: the API's OpenAPI schema as served, for docs/openapi.json
(`make openapi`; tests/api/test_schema.py fails while the copy is out of date)."""

import json

from django.core.management.base import BaseCommand

from dashboards.api.site import api


def served_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


class Command(BaseCommand):
    help = "Print the API's OpenAPI schema (write it to docs/openapi.json)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(served_schema(), indent=2, sort_keys=True))
