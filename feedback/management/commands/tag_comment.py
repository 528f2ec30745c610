"""`manage.py tag_comment --language sv "Kön var lång"`: the themes a comment gets.

A contract outside scripts rely on: the English names of the themes, one a line, nothing
when none apply, from exactly the tagging answers get (the current catalogue)."""

from django.core.management.base import BaseCommand

from feedback.themes.catalogue import current_tagger
from feedback.themes.models import Theme
from feedback.themes.tagging import LANGUAGES


class Command(BaseCommand):
    help = "Print the English names of the themes TEXT gets, one per line."

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--language", default="en", choices=LANGUAGES)

    def handle(self, *args, text: str, language: str, **options):
        ids = current_tagger().tag(text, language)
        for theme in Theme.objects.filter(pk__in=ids).order_by("name_en"):
            self.stdout.write(theme.name_en or theme.name)
