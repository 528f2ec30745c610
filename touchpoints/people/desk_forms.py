"""The forms of desk sign-in: a PIN typed on the keypad, and a person setting their own."""

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import User
from .pins import check_pin, set_pin, validate_new_pin


class PinField(forms.CharField):
    def __init__(self, **kwargs):
        attrs = {"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        kwargs.setdefault("widget", forms.PasswordInput(attrs=attrs))
        super().__init__(max_length=6, strip=True, **kwargs)


class PinForm(forms.Form):
    pin = PinField(label=_("PIN"))


class MyPinForm(forms.Form):
    """A signed-in person sets or changes their PIN, proving it is them first: their PIN if
    they have one, else their password (a colleague at an unattended tablet must not)."""

    current = forms.CharField(widget=forms.PasswordInput, strip=False)
    new_pin = PinField(label=_("New PIN (4 to 6 digits)"))
    again = PinField(label=_("The new PIN again"))

    def __init__(self, person: User, request=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.request = person, request
        self.fields["current"].label = _("Your PIN now") if person.has_pin else _("Your password")

    def clean_current(self):
        current = self.cleaned_data["current"]
        if self.person.has_pin:
            right = check_pin(self.person, current)
        else:
            found = authenticate(self.request, username=self.person.username, password=current)
            right = found is not None and found.pk == self.person.pk
        if not right:
            raise ValidationError(_("That is not right."))
        return current

    def clean(self):
        cleaned = super().clean()
        new, again = cleaned.get("new_pin"), cleaned.get("again")
        if new and again and new != again:
            self.add_error("again", _("The two PINs differ."))
        elif new:
            try:
                validate_new_pin(self.person, new)
            except ValidationError as error:
                self.add_error("new_pin", error)
        return cleaned

    def save(self) -> None:
        set_pin(self.person, self.cleaned_data["new_pin"])
