"""Making a tablet a desk in tests: a registered desk and the cookie its browser keeps."""

from django.core import signing

from touchpoints.models import Desk, Location
from touchpoints.people import desks
from touchpoints.people.pins import set_pin

PINS = {"anna": "40718", "bo": "5283", "jack": "9461"}


def register_desk(location: Location, name: str = "Check-in 3") -> tuple[Desk, str]:
    """A desk at `location`, and the value its tablet's cookie holds (signed as Django does)."""
    desk, secret = desks.register(location, name, by=None)
    value = signing.get_cookie_signer(salt=desks.COOKIE + desks.SALT).sign(f"{desk.pk}:{secret}")
    return desk, value


def make_client_a_desk(client, cookie: str) -> None:
    client.cookies[desks.COOKIE] = cookie


def make_browser_a_desk(page, cookie: str, base_url: str) -> None:
    page.context.add_cookies([{"name": desks.COOKIE, "value": cookie, "url": base_url}])


def give_pin(person) -> str:
    set_pin(person, PINS[person.username])
    return PINS[person.username]


def leave_quietly(page) -> None:
    """End a browser test with no request of the page's still running on the live server
    (a poll, the service worker): the test database is emptied next, and a request caught
    half-way holds a lock that the emptying waits for."""
    page.goto("about:blank")
    page.wait_for_timeout(500)
