from django import forms

from .models import Channel, Moment, Outcome, TouchpointType


class MomentForm(forms.ModelForm):
    uuid = forms.UUIDField(widget=forms.HiddenInput)
    touchpoint_type = forms.ModelChoiceField(
        queryset=TouchpointType.objects.filter(active=True).select_related("stage"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose what kind of moment this was.",
            "invalid_choice": "That touchpoint type is not available. Choose one of the tiles.",
        },
    )
    channel = forms.ChoiceField(
        choices=Channel.choices, initial=Channel.IN_PERSON, widget=forms.RadioSelect
    )
    outcome = forms.TypedChoiceField(
        choices=Outcome.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How did it go?",
        error_messages={"required": "Choose how it went."},
    )
    resolved_on_spot = forms.BooleanField(required=False, label="Resolved on the spot")
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What they needed, what I did"}),
    )

    class Meta:
        model = Moment
        fields = ["touchpoint_type", "channel", "outcome", "resolved_on_spot", "note"]

    def tiles_by_stage(self) -> list[tuple[str, list]]:
        """The type radio buttons grouped by journey stage, in journey order."""
        groups: dict[str, list] = {}
        for choice in self["touchpoint_type"]:
            touchpoint_type = choice.data["value"].instance
            groups.setdefault(touchpoint_type.stage.name, []).append(choice)
        return list(groups.items())
