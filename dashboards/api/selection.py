"""The dashboard's filters, read from an API call's query: the same `Selection` the
dashboard, its CSV and its drill-down build, narrowed to the key's locations.

The names are the dashboard's (`period`, `start`, `end`, `location`, `team`, `channel`),
with `type` for the touchpoint type and `stage` for the journey stage. A location or team
outside the key's scope is refused with 403 whether it exists or not, so that a key learns
nothing about other locations.
"""

from django.core.exceptions import PermissionDenied

from touchpoints.api_keys import ApiKey
from touchpoints.models import Team

from ..filters import FilterForm, Selection, selection_from
from .keys import scope_of
from .problems import FieldError, Problem
from .schemas import Filters

API_NAMES = {"type": "touchpoint_type"}  # the API's name: the dashboard form's name
FILTERS = ["period", "start", "end", "location", "team", "stage", "type", "channel"]
OUT_OF_SCOPE = "Outside this key's locations."


def selection_for(filters: Filters, key: ApiKey) -> Selection:
    given = filters.dict()
    data = {API_NAMES.get(name, name): given.get(name) or "" for name in FILTERS}
    data = {name: value for name, value in data.items() if value != ""}
    _refuse_outside(key, data)
    scope = scope_of(key)
    locations = list(scope.locations())
    form = FilterForm(data, scope, locations)
    if not form.is_valid():
        raise Problem("invalid_request", "Some filters are not valid: see errors.", _errors(form))
    try:
        return selection_from(form, locations)
    except PermissionDenied:
        raise Problem("forbidden", OUT_OF_SCOPE) from None


def _refuse_outside(key: ApiKey, data: dict) -> None:
    for name in ("location", "team"):
        value = data.get(name)
        if value is None:
            continue
        if not value.isdigit():
            error = FieldError("not_an_integer", "Give the id.", parameter=name)
            raise Problem("invalid_request", "Some filters are not valid: see errors.", [error])
        if name == "location":
            inside = int(value) in key.location_ids
        else:
            inside = Team.objects.filter(pk=int(value), location_id__in=key.location_ids).exists()
        if not inside:
            raise Problem("forbidden", OUT_OF_SCOPE)


def _errors(form: FilterForm) -> list[FieldError]:
    back = {form_name: api_name for api_name, form_name in API_NAMES.items()}
    errors = []
    for name, field_errors in form.errors.as_data().items():
        for error in field_errors:
            for message in error.messages:
                where = back.get(name, name) if name != "__all__" else "period"
                errors.append(FieldError(error.code or "invalid", message, parameter=where))
    return errors
