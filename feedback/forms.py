from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer

CSAT_FACES = [(1, "😠"), (2, "🙁"), (3, "😐"), (4, "🙂"), (5, "😄")]


class AnswerForm(forms.ModelForm):
    csat = forms.TypedChoiceField(
        choices=CSAT_FACES,
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
        label=_("How likely are you to recommend us to a friend? (0–10)"),
        error_messages={"invalid_choice": _("Choose a number from 0 to 10.")},
    )
    effort = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 8)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=_("How easy was it to get what you needed? (1 very hard – 7 very easy)"),
        error_messages={"invalid_choice": _("Choose a number from 1 to 7.")},
    )
    comment = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything you would like to tell us?"),
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
