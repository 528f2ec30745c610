"""POST /api/v1/moments: a contact centre logs its calls, as the tablet logs a moment.

Each item goes through the log form (`touchpoints.forms.MomentForm`): the same type,
team, channel, note, customer reference and time rules as the tablet, with messages kept in
English. A batch is all or nothing: every bad item is listed, and then nothing is stored.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from ninja.responses import Status

from feedback.invitations import AskedRecently, invitation_for, public_url
from touchpoints.api_keys import ApiKey, record_write
from touchpoints.forms import MomentForm
from touchpoints.models import LoggableTypesVersion, Role, User
from touchpoints.moment_batches import Conflicts, Item, record_batch

from .keys import require
from .problems import FieldError, Problem, pointer
from .schemas import ERRORS, MomentBatchIn, MomentBatchOut, MomentIn
from .site import api

NO_STAFF = "No frontline person with that username in this key's locations."


@api.post(
    "/moments",
    response={200: MomentBatchOut, 201: MomentBatchOut, **ERRORS},
    summary="Log moments (one to 1,000, all or nothing)",
    tags=["moments"],
)
def create_moments(request: HttpRequest, payload: MomentBatchIn):
    key: ApiKey = request.auth
    require(key, "write")
    with translation.override("en"):
        items = _checked_items(key, payload.moments)
        try:
            with transaction.atomic():
                results = record_batch(items)
                answers = _invitations(request, payload.moments, results)
                created = [str(m.uuid) for m, was_created in results if was_created]
                if created:
                    record_write(key, "created moments", created)
        except Conflicts as refusal:
            errors = [
                FieldError("uuid_in_use", why, pointer=pointer("moments", index, "uuid"))
                for index, why in refusal.conflicts
            ]
            raise Problem("conflict", "Nothing was stored: see errors.", errors) from None
    body = {
        "moments": [
            {"uuid": moment.uuid, "created": was_created, **answer}
            for (moment, was_created), answer in zip(results, answers, strict=True)
        ]
    }
    return Status(201 if created else 200, body)


def _checked_items(key: ApiKey, moments: list[MomentIn]) -> list[Item]:
    """Every item through the log form; a problem listing each bad one if any is."""
    staff = _staff(key, {m.staff for m in moments})
    forbidden, invalid, items, seen, forms = [], [], [], set(), {}
    for index, sent in enumerate(moments):
        person = staff.get(sent.staff)
        if person is None:
            where = pointer("moments", index, "staff")
            forbidden.append(FieldError("out_of_scope", NO_STAFF, where))
            continue
        if sent.uuid in seen:
            why = "The same UUID comes twice in this batch."
            invalid.append(FieldError("duplicate_uuid", why, pointer("moments", index, "uuid")))
            continue
        seen.add(sent.uuid)
        form = _bound_form(forms, person, _form_data(sent))
        if not form.is_valid():
            invalid += _form_errors(index, form)
            continue
        items.append(Item(person, form.unsaved_moment(), sent.uuid))
    if forbidden:
        raise Problem("forbidden", "Nothing was stored: see errors.", forbidden)
    if invalid:
        raise Problem("invalid_request", "Nothing was stored: see errors.", invalid)
    return items


def _bound_form(forms: dict, person: User, data: dict) -> MomentForm:
    """The log form bound to `data`, one form per person rebound for each of their items:
    making a form deep-copies its fields, which cost most of a batch's time (1 ms each)."""
    form = forms.get(person.pk)
    if form is None:
        form = forms[person.pk] = MomentForm(data, staff=person)
        return form
    # The bound fields read the form's data afresh each time; only the errors are reset.
    form.data, form._errors = data, None
    return form


def _staff(key: ApiKey, usernames: set[str]) -> dict[str, User]:
    """The frontline people named, in teams at the key's locations, in one query."""
    version = LoggableTypesVersion.current()
    people = (
        User.objects.filter(
            username__in=usernames,
            is_active=True,
            groups__name=Role.FRONTLINE,
            team__location_id__in=key.location_ids,
        )
        .select_related("team__location")
        .distinct()
    )
    found = {}
    for person in people:
        person.types_version = version  # the forms read the types once, not per item
        found[person.username] = person
    return found


def _form_data(sent: MomentIn) -> dict:
    resolved = {True: "yes", False: "no", None: ""}[sent.resolved_on_spot]
    data = {
        "uuid": str(sent.uuid),
        "team": str(sent.team),
        "touchpoint_type": str(sent.touchpoint_type),
        "channel": sent.channel,
        "outcome": str(sent.outcome),
        "resolved_on_spot": resolved,
        "note": sent.note,
        "customer_ref": sent.customer_ref,
        "occurred_at": sent.occurred_at,
    }
    for name, value in sent.extra.items():
        data[f"extra_{sent.touchpoint_type}_{name}"] = str(value)
    return data


def _form_errors(index: int, form: MomentForm) -> list[FieldError]:
    errors = []
    for name, field_errors in form.errors.as_data().items():
        if name.startswith("extra_"):
            where = ("moments", index, "extra", name.split("_", 2)[2])
        elif name == "__all__":
            where = ("moments", index)
        else:
            where = ("moments", index, name)
        for error in field_errors:
            for message in error.messages:
                errors.append(FieldError(error.code or "invalid", message, pointer(*where)))
    return errors


def _invitations(request, sent: list[MomentIn], results) -> list[dict]:
    """An answer link for each item that asked for one."""
    answers = []
    for item, (moment, _created) in zip(sent, results, strict=True):
        if not item.invite:
            answers.append({})
            continue
        try:
            invitation = invitation_for(moment)
        except AskedRecently as held:
            # Not an error: the moment is stored, and the caller learns why nobody was asked.
            asked_on = held.last_asked_at.date()
            answers.append({"invitation_held_back": "asked_recently", "asked_on": asked_on})
            continue
        answers.append({"answer_url": public_url(invitation, request)})
    return answers
