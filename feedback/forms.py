from django import forms
from django.utils.translation import gettext_lazy as _

from touchpoints.repeated_fields import OneValueEach

from .models import Answer, Recovery

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


class RecoveryCloseForm(OneAnswerEach, forms.Form):
    """What the front line did about a low answer, and how it ended."""

    action = forms.ChoiceField(
        choices=Recovery.Action.choices,
        widget=forms.RadioSelect,
        label=_("What did you do?"),
        error_messages={"required": _("Choose what you did.")},
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
