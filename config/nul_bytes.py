"""A NUL byte in a parameter is refused with 400 before any view or sign-in handler runs.

No person types one, and PostgreSQL cannot store one: without this, whatever records a
request's parameters (axes keeps a failed sign-in's query and form) fails with a 500.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"


def carries_nul(request: HttpRequest) -> bool:
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if NUL in name or any(NUL in value for value in values):
                return True
    return False


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return HttpResponseBadRequest("A parameter holds a NUL byte, which nothing here takes.")
        return self.get_response(request)
