from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import extra_fields, loggable_types, wall_clock
from .customers import hash_ref, normalise_ref
from .models import Channel, Moment, Need, Outcome, TouchpointType, User
from .repeated_fields import OneValueEach
from .usage import TeamUsage

# A queued moment keeps the time it really happened. The tablet's clock may run a little
# fast; a moment older than a few days is more likely a stuck tablet than a real one.
CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_MAX_AGE = timedelta(days=3)


class ActiveTypeField(forms.ModelChoiceField):
    """The type tiles; a posted choice is looked up among the active types each process
    keeps (`loggable_types`), not in the database on every save."""

    types_version = None  # the form sets the version the person was read with

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            found = loggable_types.active_type(int(value), self.types_version)
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found


class ResolutionField(forms.ChoiceField):
    """Resolved on the spot as the person chose it: True, False, or None when they did not
    choose. The old tick box's "on" was a default, not a choice, so it is not recorded."""

    VALUES = {"yes": True, "no": False, "": None}

    def __init__(self, **kwargs):
        choices = [("yes", _("Resolved")), ("no", _("Not yet")), ("", _("Not recorded"))]
        error = _("Choose Resolved or Not yet.")
        super().__init__(
            choices=choices, required=False, error_messages={"invalid_choice": error}, **kwargs
        )

    def to_python(self, value) -> str:
        return "" if value == "on" else super().to_python(value)

    def clean(self, value) -> bool | None:
        return self.VALUES[super().clean(value)]

    def prepare_value(self, value):
        return {True: "yes", False: "no", None: ""}.get(value, value)


class MomentForm(OneValueEach, forms.Form):
    """One moment as the tablet sends it. A plain form: the save path runs no query it
    does not need (a ModelForm would look up the chosen type a second time)."""

    uuid = forms.UUIDField(widget=forms.HiddenInput)
    # The team the tablet believes it logs for; a queued moment may outlive a team change.
    team = forms.IntegerField(required=False, widget=forms.HiddenInput)
    touchpoint_type = ActiveTypeField(
        queryset=TouchpointType.objects.filter(active=True).annotate(
            has_extra_fields=extra_fields.has_active_fields()
        ),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose what kind of moment this was."),
            "invalid_choice": _("That touchpoint type is not available. Choose one of the tiles."),
        },
    )
    channel = forms.ChoiceField(
        choices=Channel.choices,
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
        label=_("Channel"),
    )
    outcome = forms.TypedChoiceField(
        choices=Outcome.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How did it go?"),
        error_messages={"required": _("Choose how it went.")},
    )
    # The save buttons carry it ("Resolved", "Not yet"): a choice on every save, no extra tap.
    resolved_on_spot = ResolutionField(label=_("Resolved on the spot"), widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        max_length=500,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What they needed, what I did")}),
    )
    customer_ref = forms.CharField(
        required=False,
        max_length=40,
        label=_("Customer reference"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    occurred_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staff: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        # Signed in through PersonBackend, the person carries the types' version.
        self.fields["touchpoint_type"].types_version = getattr(staff, "types_version", None)

    def clean_team(self):
        team = self.cleaned_data.get("team")
        if team is not None and team != self.staff.team_id:
            raise forms.ValidationError(
                _("You are not in that team, so you cannot log moments for it."),
                code="not_your_team",
            )
        if self.staff.team and (closed := self.staff.team.closed_to_moments()):
            raise forms.ValidationError(closed, code="archived")
        return team

    def clean_customer_ref(self) -> str:
        raw = self.cleaned_data["customer_ref"]
        if raw and not 4 <= len(normalise_ref(raw)) <= 20:
            raise forms.ValidationError(
                _("A booking code or loyalty number has 4 to 20 letters or digits.")
            )
        return raw

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        now = timezone.now()
        if occurred_at is None:
            return now
        if occurred_at > now + CLOCK_SKEW:
            raise forms.ValidationError(
                _("This moment is dated in the future: check the tablet's clock.")
            )
        if occurred_at < now - OFFLINE_MAX_AGE:
            raise forms.ValidationError(
                gettext("Moments older than %(days)s days cannot be logged.")
                % {"days": OFFLINE_MAX_AGE.days}
            )
        return occurred_at

    def clean(self):
        cleaned = super().clean()
        touchpoint_type = cleaned.get("touchpoint_type")
        if touchpoint_type is None:
            return cleaned
        channel = cleaned.get("channel")
        if channel and touchpoint_type.channels and channel not in touchpoint_type.channels:
            self.add_error(
                "channel",
                gettext("%(type)s does not happen by %(channel)s.")
                % {"type": touchpoint_type.name, "channel": Channel(channel).label},
            )
        # Most types have no extra fields: then the save asks the database nothing more.
        cleaned["extra"] = (
            extra_fields.clean_extra(self, touchpoint_type)
            if touchpoint_type.has_extra_fields
            else {}
        )
        return cleaned

    def refused_for_team(self) -> bool:
        refusals = {"not_your_team", "archived"}
        return any(error.code in refusals for error in self.errors.as_data().get("team", []))

    def unsaved_moment(self) -> Moment:
        data = self.cleaned_data
        return Moment(
            touchpoint_type=data["touchpoint_type"],
            channel=data["channel"],
            outcome=data["outcome"],
            resolved_on_spot=data["resolved_on_spot"],
            note=data["note"],
            extra=data["extra"],
            occurred_at=data["occurred_at"],
            customer_ref_hash=hash_ref(data["customer_ref"]),
        )

    def usage(self) -> TeamUsage:
        if not hasattr(self, "_usage"):
            self._usage = TeamUsage.for_team(self.staff.team)
        return self._usage

    def tiles_by_stage(self) -> list[tuple[str, list]]:
        """Type tiles grouped by journey stage; the team's most used stages and types first."""
        groups: dict[str, list] = {}
        field = self.fields["touchpoint_type"]
        field.queryset = field.queryset.select_related("stage")  # a save needs no stage
        for choice in self["touchpoint_type"]:
            touchpoint_type = choice.data["value"].instance
            choice.defaults = self.usage().defaults(touchpoint_type)
            choice.touchpoint_type = touchpoint_type
            groups.setdefault(touchpoint_type.stage.name, []).append(choice)
        used = self.usage().count
        for tiles in groups.values():
            tiles.sort(key=lambda tile: -used(tile.touchpoint_type))
        # Sorting is stable: stages the team never uses keep their journey order.
        return sorted(
            groups.items(), key=lambda group: -sum(used(t.touchpoint_type) for t in group[1])
        )

    def extra_groups(self) -> list[tuple[int, str, list]]:
        """(type id, type name, bound fields) for each type that has extra fields."""
        groups: dict[int, tuple[int, str, list]] = {}
        names = {t.pk: t.name for t in self.fields["touchpoint_type"].queryset}
        for extra in extra_fields.active_extra_fields():
            type_id = extra.touchpoint_type_id
            group = groups.setdefault(type_id, (type_id, names.get(type_id, ""), []))
            name = extra_fields.field_name(extra)
            self.fields.setdefault(name, extra_fields.form_field(extra))
            bound = self[name]
            bound.required_here = extra.required
            group[2].append(bound)
        return list(groups.values())


class WallClockField(forms.DateTimeField):
    """A time as the desk's clock showed it, kept naive: the form decides what it means
    when the clocks change (`wall_clock`), instead of refusing the repeated hour."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        return parsed or forms.fields.BaseTemporalField.to_python(self, value)


READINGS = [("first", _("The first time")), ("second", _("The second time"))]


class CorrectionForm(MomentForm):
    """The same fields as logging, and when it happened; the UUID stays as it was.

    The time is changed only when the person changed it (the form shows it to the minute;
    an untouched moment keeps its seconds). A time in the hour the clocks repeat offers
    both readings; one in the hour they skip is refused.
    """

    def __init__(self, *args, moment: Moment, **kwargs):
        fields = ["touchpoint_type", "channel", "outcome", "resolved_on_spot", "note"]
        initial = {name: getattr(moment, name) for name in [*fields, "occurred_at"]}
        prefix = f"extra_{moment.touchpoint_type_id}_"
        initial.update({prefix + key: value for key, value in (moment.extra or {}).items()})
        self.tz = moment.location.tz
        own = wall_clock.readings(wall_clock.wall_time_of(moment.occurred_at, self.tz), self.tz)
        if len(own) == 2:
            initial["dst_reading"] = "second" if moment.occurred_at >= own[1] else "first"
        super().__init__(*args, initial=initial, **kwargs)
        self.moment = moment
        for name in ("uuid", "team"):
            self.fields.pop(name)
        self.fields["occurred_at"] = WallClockField(
            label=_("When it happened"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            error_messages={"required": _("Say when it happened.")},
        )
        self.fields["dst_reading"] = forms.ChoiceField(
            label=_("Which one?"), choices=READINGS, required=False, widget=forms.RadioSelect
        )
        self.offer_readings(own)

    def offer_readings(self, instants: list[datetime]) -> None:
        """Show the choice between a repeated hour's two readings, named for what they are."""
        self.asks_reading = len(instants) == 2
        if self.asks_reading:
            self.fields["dst_reading"].choices = [
                (value, wall_clock.describe_reading(instant, self.tz, value))
                for (value, _), instant in zip(READINGS, instants, strict=True)
            ]

    def clean_occurred_at(self):
        typed = self.cleaned_data["occurred_at"]
        reading = self.data.get(self.add_prefix("dst_reading"), "")
        if timezone.is_aware(typed):
            if typed == self.moment.occurred_at:
                return self.moment.occurred_at
            self.cleaned_data["occurred_at"] = typed
            return super().clean_occurred_at()
        instants = wall_clock.readings(typed, self.tz)
        self.offer_readings(instants)
        if not instants:
            raise forms.ValidationError(
                gettext(
                    "%(time)s on %(day)s never happened at %(place)s: the clocks went forward"
                    " an hour that night. Enter the time the clock showed."
                )
                % {
                    "time": f"{typed:%H:%M}",
                    "day": date_format(typed, "j F"),
                    "place": self.moment.location,
                },
                code="skipped_hour",
            )
        if len(instants) == 2 and reading not in ("first", "second"):
            raise forms.ValidationError(
                gettext(
                    "%(time)s on %(day)s happened twice at %(place)s: the clocks went back an"
                    " hour that night. Choose which one you mean."
                )
                % {
                    "time": f"{typed:%H:%M}",
                    "day": date_format(typed, "j F"),
                    "place": self.moment.location,
                },
                code="repeated_hour",
            )
        chosen = instants[1] if len(instants) == 2 and reading == "second" else instants[0]
        if chosen == self.moment.occurred_at.replace(second=0, microsecond=0):
            return self.moment.occurred_at  # sent back as shown: keep its seconds
        self.cleaned_data["occurred_at"] = chosen
        return super().clean_occurred_at()

    def clean(self):
        cleaned = super().clean()
        if closed := self.moment.team.closed_to_moments():
            raise forms.ValidationError(closed, code="archived")
        return cleaned


class NeedForm(OneValueEach, forms.ModelForm):
    kind = forms.ChoiceField(
        choices=Need.Kind.choices,
        widget=forms.RadioSelect,
        label=_("What was missing?"),
        error_messages={"required": _("Choose what was missing.")},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What would have helped")}),
    )
    moment = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Need
        fields = ["kind", "note"]
