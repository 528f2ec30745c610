"""A field that takes one value, sent twice with different values, is refused.

Django's forms quietly take the last of `outcome=1&outcome=5`, a guess at what was meant;
no form of ours gets such a post from a person, so it is refused with a message instead.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class OneValueEach:
    """Mix into a form, before the form class. Fields that take many values may repeat."""

    repeated_message = _("This came twice with different values. Choose one and send again.")

    def clean(self):
        cleaned = super().clean()
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return cleaned
        for name, field in self.fields.items():
            if _takes_many(field):
                continue
            if len(set(self.data.getlist(self.add_prefix(name)))) > 1:
                self.add_error(name, self.repeated_message)
        return cleaned


def _takes_many(field: forms.Field) -> bool:
    many = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
    return isinstance(field, many) or getattr(field.widget, "allow_multiple_selected", False)
