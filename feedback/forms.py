from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from touchpoints.repeated_fields import OneValueEach

from .contact import Offer, consent_sentence, normalise_phone
from .models import Answer, Recovery, RecoveryContact

# Read out by screen readers; on screen each face is a drawing with its number.
CSAT_CHOICES = [
    (1, _("1 of 5, very dissatisfied")),
    (2, _("2 of 5, dissatisfied")),
    (3, _("3 of 5, neither satisfied nor dissatisfied")),
    (4, _("4 of 5, satisfied")),
    (5, _("5 of 5, very satisfied")),
]


class OneAnswerEach(OneValueEach):
    """`csat=1&csat=5` is no answer at all; the customer is told so in their language."""

    repeated_message = _("Choose one answer only.")


class CommentField(forms.CharField):
    """Browsers count a line break as one character for maxlength but send two (CRLF)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class AnswerForm(OneAnswerEach, forms.ModelForm):
    """The customer's answer; the public page and the tablet hand-over both use it."""

    csat = forms.TypedChoiceField(
        choices=CSAT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How satisfied are you with the service you just had?"),
        error_messages={
            "required": _("Choose a face from 1 to 5."),
            "invalid_choice": _("Choose a face from 1 to 5."),
        },
    )
    nps = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=_("How likely are you to recommend us to a friend or colleague?"),
        error_messages={"invalid_choice": _("Choose a number from 0 to 10.")},
    )
    effort = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 8)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=_("How easy was it to get what you needed?"),
        error_messages={"invalid_choice": _("Choose a number from 1 to 7.")},
    )
    comment = CommentField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        label=_("Anything you would like to tell us?"),
        error_messages={
            "max_length": _("Please keep it to 1000 characters (you wrote %(show_value)d).")
        },
    )

    class Meta:
        model = Answer
        fields = ["csat", "nps", "effort", "comment"]

    def __init__(self, *args, asks_nps: bool = True, asks_effort: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_nps:
            del self.fields["nps"]
        if not asks_effort:
            del self.fields["effort"]


class ContactForm(OneAnswerEach, forms.Form):
    """The customer's optional way to be reached, offered after a low answer."""

    contact_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    phone = forms.CharField(
        required=False,
        max_length=40,
        label=_("Phone number, with country code"),
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "maxlength": 40}
        ),
        error_messages={"max_length": _("That is too long for a phone number.")},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("That is too long for an email address."),
        },
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Tick the box to let us contact you. Without it we keep no details.")
        },
    )

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        # Made when the form is drawn, in the customer's language, with the offer's period.
        self.fields["consent"].label = consent_sentence(offer.kept_days)

    def clean_phone(self) -> str:
        typed = self.cleaned_data["phone"]
        if not typed.strip():
            return ""
        number = normalise_phone(typed)
        if number is None:
            raise ValidationError(
                _("Enter the number with its country code, like +46 70 123 45 67."),
                code="invalid",
            )
        return number

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(
                _("Give a phone number or an email address, or simply close this page."),
                code="no_way",
            )
        return cleaned


# Each of these actions needs a way to reach the customer that they left.
NEEDS_PHONE = Recovery.Action.CALLED_BACK
NEEDS_EMAIL = Recovery.Action.EMAILED


def possible_actions(contact: RecoveryContact | None) -> list[tuple[str, str]]:
    """What the front line can have done: no calling back a customer who left no number,
    and "no contact left" only when that is true."""
    # Only an erasure on request closes a recovery as erased; the front line never does.
    impossible = {Recovery.Action.ERASED}
    if contact:
        impossible.add(Recovery.Action.NO_CONTACT)
    if not (contact and contact.phone):
        impossible.add(NEEDS_PHONE)
    if not (contact and contact.email):
        impossible.add(NEEDS_EMAIL)
    return [(value, label) for value, label in Recovery.Action.choices if value not in impossible]


class ActionField(forms.ChoiceField):
    """An action that is not possible for this customer (from a page loaded before the
    customer left their details, or a stale tab) is refused in words the agent understands."""

    def validate(self, value):
        if value and not self.valid_value(value):
            if value == NEEDS_PHONE:
                raise ValidationError(self.error_messages["no_phone"], code="no_phone")
            if value == NEEDS_EMAIL:
                raise ValidationError(self.error_messages["no_email"], code="no_email")
            if value == Recovery.Action.NO_CONTACT:
                raise ValidationError(self.error_messages["has_contact"], code="has_contact")
        super().validate(value)


class RecoveryCloseForm(OneAnswerEach, forms.Form):
    """What the front line did about a low answer, and how it ended."""

    action = ActionField(
        choices=[c for c in Recovery.Action.choices if c[0] != Recovery.Action.ERASED],
        widget=forms.RadioSelect,
        label=_("What did you do?"),
        error_messages={
            "required": _("Choose what you did."),
            "no_phone": _("This customer left no phone number, so “Called back” is not possible."),
            "no_email": _("This customer left no email address, so “Emailed” is not possible."),
            "has_contact": _("The customer has since left a way to reach them: see it above."),
        },
    )
    result = forms.ChoiceField(
        choices=Recovery.Result.choices,
        widget=forms.RadioSelect,
        label=_("How did it end?"),
        error_messages={"required": _("Choose how it ended.")},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        label=_("Note for the team (optional)"),
    )

    def __init__(self, *args, contact: RecoveryContact | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = possible_actions(contact)
