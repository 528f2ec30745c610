from django.core.management.base import BaseCommand

from dashboards.demo import URL, build_demo
from dashboards.demo_logins import logins


class Command(BaseCommand):
    help = "Load a demo airline with 90 days of moments (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="Days of history (default 90).")
        parser.add_argument(
            "--url", default=URL, help=f"Where the server runs, to print (default {URL})."
        )

    def handle(self, *args, days: int, url: str, **options):
        created = build_demo(days=days)
        if created is None:
            self.stdout.write("The demo organisation is already there; nothing was added.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Created {created} moments over {days} days."))
        self.stdout.write("")
        self.stdout.write(logins(url))
