"""Fields in a table of rows (an inline, an editable list) are named only by their column's
head, which a screen reader does not read out for a field: each gets its name as aria-label."""

from django.contrib import admin
from django.utils.text import capfirst


def name_fields(form_class: type) -> type:
    """Give each field of a (generated) form class its label as the field's accessible name."""
    for name, field in form_class.base_fields.items():
        field.widget.attrs.setdefault("aria-label", capfirst(field.label or name))
    return form_class


class NamedFieldsInline(admin.TabularInline):
    """A tabular inline whose every field says its name to a screen reader."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name_fields(formset.form)
        return formset
