"""Texts of Django's own admin that its Norwegian catalogue has not translated yet.

Only marked here, never called: `makemessages` takes them into our catalogues, which Django
reads before its own (LOCALE_PATHS), so the configuration site reads Norwegian throughout.
Swedish and Danish get the same wording as Django's own catalogues. When Django's nb
catalogue has them, this module can go (tests/test_language_sweep.py would still pass).
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_TEXTS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Show counts"),
    gettext_noop("View selected %(model)s"),
    # django.contrib.auth's, on a person's page (Danish lacks the second too).
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
]
# django-axes' names for its failed sign-ins, which it translates into none of our languages.
AXES_TEXTS = [gettext_noop("access attempt"), gettext_noop("access attempts")]
