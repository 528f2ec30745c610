"""Moments speaks GET, HEAD and POST; every other method is refused before any view runs.

Django's function views treat a method they do not check for as a GET, so without this a
PUT or DELETE to a form page would answer 200 with the page, as if it had done something.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

ALLOWED_METHODS = ["GET", "HEAD", "POST"]


class AllowedMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)
