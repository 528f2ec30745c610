"""The API object: its documentation, its errors as problem details, its endpoints."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from config.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

from . import problems
from .keys import BearerKey
from .problems import Problem

log = logging.getLogger(__name__)

DESCRIPTION = """Moments' API: log moments from other systems, read figures, needs and
recoveries. Keys travel as `Authorization: Bearer <key>`; errors are RFC 9457 problem
details with a stable `code`. See docs/api.md."""


class Api(NinjaAPI):
    """Ninja's API, with its OpenAPI schema built once per process and root path. Ninja builds
    it again for every request of /openapi.json (a tenth of a second of CPU, for a document
    that only changes with the code)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[str, object] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[path_prefix]


api = Api(
    title="Moments API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from the assets ninja ships (INSTALLED_APPS has "ninja"): no CDN, and the
    # online validator badge off, so the page loads nothing from elsewhere.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=BearerKey(),
)


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return exc.response()


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problems.from_validation(exc).response()


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Send a valid, active key as `Authorization: Bearer <key>`."
    return Problem("unauthorized", detail, headers={"WWW-Authenticate": "Bearer"}).response()


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return Problem("forbidden").response()


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return Problem("not_found", "Nothing with that id within this key's scope.").response()


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return Problem("payload_too_large").response()


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "malformed_body", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "invalid_request")
    return Problem(code, str(exc), status=exc.status_code).response()


@api.exception_handler(Exception)
def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, DATABASE_UNAVAILABLE):
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        down = Problem("server_error", "The database is unavailable.", headers=headers, status=503)
        return down.response()
    log.exception("API call failed: %s %s", request.method, request.path)
    return Problem("server_error").response()


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/: a problem, not the HTML 404 page."""
    return Problem("not_found", "No such endpoint. See /api/v1/docs.").response()


from . import exports, moments, reads  # noqa: E402, F401  (they add their operations to `api`)
