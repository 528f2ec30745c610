"""`manage.py unlock_sign_in anna` (or `--address 203.0.113.5`): the way back in for an admin
locked out of the configuration site, from a shell on the server (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from touchpoints.people.throttle import unlock


class Command(BaseCommand):
    help = "Forget the wrong passwords of an account, or of an address, so it can sign in now."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the account to unlock")
        parser.add_argument("--address", help="unlock an address (every name there) instead")

    def handle(self, *args, username=None, address=None, **options):
        if not username and not address:
            raise CommandError("Name an account (unlock_sign_in anna) or --address 203.0.113.5.")
        forgotten = unlock(username=username or None, address=address or None)
        who = username if username else f"address {address}"
        self.stdout.write(f"Unlocked {who}: {forgotten} failure record(s) forgotten.")
        if username:
            # Other web processes may remember the lock for SIGN_IN_LOCK_MEMORY_SECONDS.
            self.stdout.write("Sign-in works within a few seconds on every web process.")
