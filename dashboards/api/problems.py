"""Errors as RFC 9457 problem details (application/problem+json), with stable codes.

Every refusal the API gives has a `code` that scripts may rely on: the English `title` and
`detail` are for people and may be reworded, the code never is. An invalid request lists
each invalid field with a JSON pointer into the body (`#/moments/3/outcome`) or the query
parameter's name, and a code of its own.
"""

import json
from dataclasses import dataclass, field

from django.http import HttpResponse
from ninja.errors import ValidationError as NinjaValidationError

CONTENT_TYPE = "application/problem+json"

TITLES = {
    "invalid_request": "The request is not valid",
    "malformed_body": "The body is not JSON",
    "unauthorized": "A valid API key is needed",
    "forbidden": "Outside this key's scope",
    "not_found": "Not found",
    "conflict": "It conflicts with what is stored",
    "payload_too_large": "The request body is too large",
    "rate_limited": "Too many requests for this key",
    "method_not_allowed": "Method not allowed",
    "server_error": "Something failed on our side",
}
STATUSES = {
    "invalid_request": 422,
    "malformed_body": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "method_not_allowed": 405,
    "server_error": 500,
}


@dataclass
class FieldError:
    """One invalid field: where (a JSON pointer or a parameter name), a code and a reason."""

    code: str
    detail: str
    pointer: str = ""
    parameter: str = ""

    def as_dict(self) -> dict:
        where = {"pointer": self.pointer} if self.pointer else {"parameter": self.parameter}
        return {**where, "code": self.code, "detail": self.detail}


@dataclass
class Problem(Exception):
    """Raised anywhere in the API to answer with this problem."""

    code: str
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None

    def response(self) -> HttpResponse:
        status = self.status or STATUSES[self.code]
        body = {
            "type": f"urn:moments:problem:{self.code}",
            "title": TITLES[self.code],
            "status": status,
            "code": self.code,
            "detail": self.detail or TITLES[self.code],
        }
        if self.errors:
            body["errors"] = [error.as_dict() for error in self.errors]
        response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
        for name, value in self.headers.items():
            response[name] = value
        return response


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) as a URI fragment: ("moments", 3) -> #/moments/3."""
    escaped = [str(part).replace("~", "~0").replace("/", "~1") for part in parts]
    return "#/" + "/".join(escaped)


# pydantic's error types, as the API's stable codes (anything else: "invalid").
PYDANTIC_CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_long": "too_many",
    "too_short": "too_few",
    "less_than_equal": "out_of_range",
    "greater_than_equal": "out_of_range",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "int_from_float": "not_an_integer",
    "bool_parsing": "not_a_boolean",
    "bool_type": "not_a_boolean",
    "uuid_parsing": "not_a_uuid",
    "uuid_type": "not_a_uuid",
    "literal_error": "not_a_choice",
    "enum": "not_a_choice",
    "datetime_parsing": "not_a_datetime",
    "datetime_from_date_parsing": "not_a_datetime",
    "datetime_type": "not_a_datetime",
    "timezone_aware": "needs_offset",
    "date_parsing": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
    "date_type": "not_a_date",
    "string_type": "not_a_string",
    "list_type": "not_a_list",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "dict_type": "not_an_object",
    "json_invalid": "not_json",
    "extra_forbidden": "unknown_field",
    "string_pattern_mismatch": "invalid",
}


def from_validation(error: NinjaValidationError) -> Problem:
    """Ninja's (pydantic's) validation errors as one problem, a field error each."""
    fields = []
    for item in error.errors:
        location = list(item.get("loc", ()))
        source = location.pop(0) if location else "body"
        message = str(item.get("msg", "Invalid value."))
        code = PYDANTIC_CODES.get(str(item.get("type", "")), "invalid")
        if source == "body":
            # Ninja names the body parameter first: the pointer starts inside the body.
            fields.append(FieldError(code, message, pointer=pointer(*location[1:])))
        else:
            fields.append(FieldError(code, message, parameter=".".join(map(str, location))))
    return Problem("invalid_request", "Some fields are not valid: see errors.", fields)
