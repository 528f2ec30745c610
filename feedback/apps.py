from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Customer feedback")

    def ready(self):
        from .contact_keys import stored_contacts_open

        checks.register(stored_contacts_open, checks.Tags.database)
