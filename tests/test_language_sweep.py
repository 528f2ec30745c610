"""The language sweep: every translated page, in each language, as each role, with no text
left in English.

Each page is fetched with the Django test client and its visible text taken out: the text
between tags (not scripts or styles) and the placeholder, title, aria-label and alt
attributes, and the labels of submit buttons. A word is "English" when it occurs in the
English source texts of the catalogues but in none of that language's translations: a
string someone forgot to mark, or a name an admin gave only in English, shows up as such
words. Proper names from the fixture (people, airports, teams), the product's terms and
codes are allowed. Text marked with another `lang` (the language switch names each
language in itself) is that language's, not English.
"""

import functools
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from config.celery import app as celery_app
from dashboards.digest import compose
from dashboards.models import RetentionPolicy
from feedback.invitations import invitation_for, record_answer
from feedback.models import Answer, FeedbackSettings
from tests.conftest import add_moment, make_user, roll_up_everything
from tests.desk_steps import give_pin, make_client_a_desk, register_desk
from tests.shared_world import agent, arn_manager, org  # noqa: F401
from touchpoints.api_keys import create_key
from touchpoints.customers import hash_ref
from touchpoints.models import (
    ExtraField,
    Location,
    Need,
    RemedyKind,
    RemedyPrice,
    Role,
    Team,
    User,
    known_timezones,
)
from touchpoints.people.roles import set_data_protection
from touchpoints.webhooks import Event, WebhookDelivery, WebhookEndpoint, emit

# The world is built once for the module; each test rolls back what it writes.
pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Never translated: the product, the metrics' own names, file formats, units and codes.
ALWAYS_ALLOWED = {"moments", "csat", "nps", "xlsx", "csv", "ok", "utc", "cet", "cest", "est",
                  "edt", "id", "min", "pin", "qr", "https", "http", "www",
                  # Words the Scandinavian languages share with English, spelt the same.
                  "person", "team", "teams", "boarding",
                  # Django's admin writes its search icon's alt text in English.
                  "search",
                  # Each language named in itself in the choices of a person's and the
                  # customers' languages; keys named as printed on them.
                  "english", "control", "command", "mac"}  # fmt: skip
NAMES = {
    "sv": ("Incheckning", "Gate", "Bagagelämning", "Incheckningsdisk", "Ombordstigning"),
    "da": ("Check-in", "Gate", "Bagageaflevering", "Check-in-skranke", "Boarding"),
    "nb": ("Innsjekking", "Gate", "Bagasjeslipp", "Innsjekkingsskranke", "Ombordstigning"),
}
# A choice field an admin gave in every language: words the catalogues know in English, so a
# label or option shown in English instead would be caught.
CHANNEL_FIELD = {
    "label_en": "Channel", "label_sv": "Kanal", "label_da": "Kanal", "label_nb": "Kanal",
    "choices_en": "Phone\nEmail", "choices_sv": "Telefon\nE-post",
    "choices_da": "Telefon\nE-mail", "choices_nb": "Telefon\nE-post",
}  # fmt: skip
# A people import with an error in every row, so the dry run shows each kind of message.
BAD_IMPORT = (
    "username,first_name,email,role,location,team,managed_teams\n"
    "anna,Anna,anna@@x,chef,XYZ,Check-in desk,ARN\n"
    ",,,frontline,,,\n"
    "ny person,,,frontline,ARN,,\n"
    "anna,,,manager,,Check-in desk,\n"
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Not words either: the start of a value shown masked ("be6cce******", a password's random
# salt and hash on a person's page), which would spell "be" or "as" now and then.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|&\w+;|\w*\*{4,}")


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text))}


# Once per language: parsing the catalogues for every page cost a quarter of the sweep.
@functools.cache
def catalogue_texts(code: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the English source texts, and of `code`'s translations."""
    english, translated = set(), set()
    for po in Path(settings.BASE_DIR, "locale", code, "LC_MESSAGES").glob("*.po"):
        kind = None
        for line in po.read_text().splitlines():
            if found := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
                kind, text = found.groups()
            elif line.startswith('"') and kind:  # a long text continues on the next lines
                text = line[1:-1]
            else:
                kind = None
                continue
            (english if kind.startswith("msgid") else translated).update(words(text))
    return frozenset(english), frozenset(translated)


class VisibleText(HTMLParser):
    """What a reader sees or hears of a page, without text marked as another language."""

    # code: names a program reads, like CSV columns; textarea: what someone typed, such as
    # the English options of a choice field on its English line.
    SKIPPED = {"script", "style", "code", "textarea"}
    SPOKEN = ("placeholder", "title", "aria-label", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}  # fmt: skip

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language, self.stack, self.texts = language, [], []

    def _elsewhere(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other = attrs.get("lang") not in (None, "", self.language)
        if not (other or self._elsewhere()):
            self.texts += [attrs[name] for name in self.SPOKEN if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, other or tag in self.SKIPPED))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self._elsewhere():
            self.texts.append(data.strip())


def english_left(html: str, code: str, allowed: set[str]) -> list[str]:
    """The visible texts of `html` that hold words only English has."""
    english, translated = catalogue_texts(code)
    only_english = english - translated - allowed - ALWAYS_ALLOWED
    reader = VisibleText(code)
    reader.feed(html)
    return [text for text in reader.texts if words(text) & only_english]


@pytest.fixture(scope="module")
def world(org, agent, arn_manager):
    """The fixture's airline with its names in every language, and something on each page:
    an answered moment to put right, one still waiting, an open need and an answered one;
    a desk tablet at Anna's airport, and her PIN. Built once for the module's nine tests,
    each of which rolls back what it writes (tests/shared_world.py)."""
    # Tasks run in-process while it is built, as tests/conftest.py has them for each test;
    # names are given in English, as each test starts.
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    english = translation.override(settings.LANGUAGE_CODE)
    try:
        with override_settings(ROLLUP_REQUEST_SECONDS=0), english:
            return build_world(org, agent, arn_manager)
    finally:
        celery_app.conf.task_always_eager = eager


def build_world(org, agent, arn_manager) -> dict:
    role_admin = make_user("ada", Role.ADMIN, first_name="Ada", last_name="Admin")
    stages = [org["bag_drop"].stage, org["boarding"].stage]
    types = [org["bag_drop"], org["desk"], org["boarding"]]
    for code, (check_in, gate, bag_drop, desk, boarding) in NAMES.items():
        for thing, name in zip([*stages, *types], [check_in, gate, bag_drop, desk, boarding],
                               strict=True):  # fmt: skip
            setattr(thing, f"name_{code}", name)
    for thing in [*stages, *types]:
        thing.save()
    ExtraField.objects.create(
        touchpoint_type=org["desk"], key="booked", kind=ExtraField.Kind.CHOICE, **CHANNEL_FIELD
    )
    # What people write is theirs, in whatever language: numbers only, so as not to count.
    unhappy = add_moment(agent, org["desk"], outcome=2, note="14A", extra={"booked": "Phone"})
    record_answer(invitation_for(unhappy), Answer(csat=1, nps=2, comment="40 min!"))
    happy = add_moment(agent, org["bag_drop"], answer={"csat": 5, "nps": 10, "comment": "10/10"})
    waiting = add_moment(agent, org["boarding"])
    invitation_for(waiting)
    place = {"team": agent.team, "location": agent.team.location}
    Need.objects.create(raised_by=agent, kind=Need.Kind.TRAINING, note="SK 1415", **place)
    Need.objects.create(raised_by=agent, kind=Need.Kind.TOOL, status=Need.Status.PROVIDED,
                        answer="OK!", answered_by=arn_manager, **place)  # fmt: skip
    # A customer asked already (the over-survey limit), a key, a webhook with a delivery.
    invitation_for(add_moment(agent, org["desk"], customer_ref_hash=hash_ref("AB12")))
    asked = add_moment(agent, org["desk"], customer_ref_hash=hash_ref("AB12"))
    create_key("BI", [org["arn"]])
    endpoint = WebhookEndpoint.objects.create(url="https://k7.se/w", description="Slack")
    emit(Event.NEED_RAISED, {"id": 1})
    WebhookDelivery.objects.update(last_status=500, attempts=1)
    meal = RemedyKind.objects.create(
        name_en="Meal voucher", name_sv="Matkupong", name_da="Madkupon", name_nb="Matkupong"
    )
    RemedyPrice.objects.create(kind=meal, currency=org["arn"].currency, lowest=100, highest=100)
    roll_up_everything()
    _desk, desk_cookie = register_desk(org["arn"])
    give_pin(agent)
    set_data_protection(role_admin, True)  # the customer data screens are theirs too
    return {"org": org, "unhappy": unhappy, "happy": happy, "waiting": waiting,
            "agent": agent, "manager": arn_manager, "admin": role_admin,
            "desk_cookie": desk_cookie, "asked": asked, "endpoint": endpoint}  # fmt: skip


def proper_names() -> set[str]:
    names = set()
    for first, last, username in User.objects.values_list("first_name", "last_name", "username"):
        names |= words(f"{first} {last} {username}")
    for name, code in Location.objects.values_list("name", "code"):
        names |= words(f"{name} {code}")
    for (name,) in Team.objects.values_list("name"):
        names |= words(name)
    for zone in known_timezones():  # "US/Pacific", "America/Port_of_Spain"
        names |= words(zone.replace("_", " "))
    return names


def pages(world) -> dict[str, tuple[str, str]]:
    """name: (role, address) of every page in the sweep."""
    type_pk, stage_pk = world["org"]["desk"].pk, world["org"]["desk"].stage_id
    unhappy, waiting, happy = world["unhappy"], world["waiting"], world["happy"]
    arn, jfk = world["org"]["arn"], world["org"]["jfk"]
    policy_pk = RetentionPolicy.current().pk
    return {
        "my moments": ("agent", "/log/mine/"),
        "what I needed": ("agent", "/log/needs/"),
        "correct a moment": ("agent", f"/log/moments/{unhappy.uuid}/correct/"),
        "undo refused": ("agent", f"POST /log/moments/{unhappy.uuid}/undo/"),
        "put it right": ("agent", "/feedback/recoveries/"),
        "how we are doing": ("agent", "/dashboard/team/"),
        "ask the customer": ("agent", f"/feedback/moments/{waiting.uuid}/invitation/"),
        "hand-over screen": ("agent", f"HANDOVER /feedback/moments/{waiting.uuid}/handover/"),
        "not allowed": ("manager", "/log/mine/"),
        "not found": ("agent", "/no-such-page/"),
        "dashboard": ("manager", "/dashboard/"),
        "needs": ("manager", "/dashboard/needs/"),
        "a touchpoint's teams": ("manager", f"/dashboard/journey/{type_pk}/"),
        "a touchpoint's moments": ("manager", f"/dashboard/journey/{type_pk}/moments/"),
        "configuration": ("admin", "/admin/"),
        "touchpoint types": ("admin", "/admin/touchpoints/touchpointtype/"),
        "a touchpoint type": ("admin", f"/admin/touchpoints/touchpointtype/{type_pk}/change/"),
        "a type's history": ("admin", f"/admin/touchpoints/touchpointtype/{type_pk}/history/"),
        "people import": ("admin", "/admin/touchpoints/user/import/"),
        "customer: the questions": ("customer", f"/r/{invitation_for(waiting).token}/"),
        "customer: answered already": ("customer", f"/r/{invitation_for(happy).token}/"),
        "customer: unknown link": ("customer", "/r/not-a-real-link/"),
        "a journey stage": ("admin", f"/admin/touchpoints/journeystage/{stage_pk}/change/"),
        "sign-in": ("customer", "/login/"),
        "password reset": ("customer", "/password-reset/"),
        "log screen": ("agent", "/log/"),
        "desk screen": ("desk", "/desk/"),
        "desk PIN": ("desk", f"/desk/{world['agent'].pk}/"),
        "give-back screen": ("desk", f"GIVEBACK /feedback/moments/{waiting.uuid}/handover/"),
        "a theme's comments": ("manager", f"/dashboard/themes/{baggage_pk()}/"),
        "themes": ("admin", "/admin/feedback/theme/"),
        "a theme": ("admin", f"/admin/feedback/theme/{baggage_pk()}/change/"),
        "merge themes": ("admin", "MERGE /admin/feedback/theme/"),
        "suggested themes": ("admin", "/admin/feedback/themesuggestion/"),
        "desks": ("admin", "/admin/touchpoints/desk/"),
        "register a desk": ("admin", "/admin/touchpoints/desk/register/"),
        "locations": ("admin", "/admin/touchpoints/location/"),
        "a location": ("admin", f"/admin/touchpoints/location/{arn.pk}/change/"),
        "teams": ("admin", "/admin/touchpoints/team/"),
        "people": ("admin", "/admin/touchpoints/user/"),
        "a person": ("admin", f"/admin/touchpoints/user/{world['agent'].pk}/change/"),
        "feedback settings": (
            "admin",
            f"/admin/feedback/feedbacksettings/{FeedbackSettings.current().pk}/change/",
        ),
        "audit trail": ("admin", "/admin/touchpoints/auditentry/"),
        "failed sign-ins": ("admin", "/admin/axes/accessattempt/"),
        "a delete refused": ("admin", f"/admin/touchpoints/location/{arn.pk}/delete/"),
        "a bulk delete refused": (
            "admin",
            "POST /admin/touchpoints/touchpointtype/",
            {"action": "delete_selected", "post": "yes", "_selected_action": [type_pk]},
        ),
        "an import with errors": (
            "admin",
            "POST /admin/touchpoints/user/import/",
            {"csv_text": BAD_IMPORT, "check": "1"},
        ),
        # Last: it archives an airport whose team is still open, and is told so.
        "an archive warning": ("admin", f"POST /admin/touchpoints/location/{jfk.pk}/archive/", {}),
        "asked recently": ("agent", f"POST /feedback/moments/{world['asked'].uuid}/invitation/"),
        "API keys": ("admin", "/admin/touchpoints/apikey/"),
        "add an API key": ("admin", "/admin/touchpoints/apikey/add/"),
        "API writes": ("admin", "/admin/touchpoints/apiwrite/"),
        "webhook endpoints": ("admin", "/admin/touchpoints/webhookendpoint/"),
        "add a webhook endpoint": ("admin", "/admin/touchpoints/webhookendpoint/add/"),
        "a webhook endpoint": (
            "admin",
            f"/admin/touchpoints/webhookendpoint/{world['endpoint'].pk}/change/",
        ),
        "webhook deliveries": ("admin", "/admin/touchpoints/webhookdelivery/"),
        "find a customer's data": ("admin", "/admin/feedback/customerrequest/find/"),
        "customer data requests": ("admin", "/admin/feedback/customerrequest/"),
        "who saw what": ("admin", "/admin/touchpoints/accessrecord/"),
        "retention policy": ("admin", f"/admin/dashboards/retentionpolicy/{policy_pk}/change/"),
        "a remedy": ("agent", f"/log/moments/{unhappy.uuid}/remedy/"),
        "remedy budgets": ("manager", "/dashboard/remedy-budgets/"),
        "remedy kinds": ("admin", "/admin/touchpoints/remedykind/"),
        "a remedy kind": ("admin", "/admin/touchpoints/remedykind/add/"),
    }


def baggage_pk() -> int:
    from feedback.models import Theme

    return Theme.objects.get(name_en="Baggage").pk


def merge_themes(client, code: str):
    """The merge page: two themes ticked, the action chosen, not yet confirmed."""
    from feedback.models import Theme

    picked = list(
        Theme.objects.filter(name_en__in=["Baggage", "Seat"]).values_list("pk", flat=True)
    )
    return client.post(
        "/admin/feedback/theme/",
        {"action": "merge_selected", "_selected_action": picked},
        HTTP_ACCEPT_LANGUAGE=f"{code},en;q=0.5",
    )


def signed_in(world, role: str, code: str) -> Client:
    """A browser of `role`'s person, who reads `code`."""
    person = world[role]
    person.language = code
    person.save(update_fields=["language"])
    browser = Client()
    browser.force_login(person)
    return browser


def fetch(client, world, role: str, address: str, code: str, data: dict | None = None):
    """`address` as `role` sees it in `code`; `client` is signed in as the role's person (or
    anonymous, for a customer and a desk)."""
    method, _, path = address.rpartition(" ")
    if role == "desk":  # a registered desk tablet, nobody signed in, the browser's language
        make_client_a_desk(client, world["desk_cookie"])
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = f"{code},en;q=0.5"
        try:
            return fetch_at_desk(client, world, method, path)
        finally:
            client.cookies.clear()
            del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    if method == "HANDOVER":  # the tablet handed to the customer, who reads their language
        client.post(path)
        return client.get(f"/feedback/handover/?lang={code}")
    if method == "POST" and data is not None:  # a form on the configuration site
        return client.post(path, data, follow=True)
    if method == "MERGE":
        return merge_themes(client, code)
    if method == "POST":
        return client.post(path, HTTP_ACCEPT_LANGUAGE=f"{code},en;q=0.5")
    return client.get(path, HTTP_ACCEPT_LANGUAGE=f"{code},en;q=0.5")


def fetch_at_desk(client, world, method: str, path: str):
    if method == "GIVEBACK":  # signed in by PIN, the tablet handed over, the customer done
        client.post(f"/desk/{world['agent'].pk}/", {"pin": give_pin(world["agent"])})
        client.post(path)
        client.post("/feedback/handover/", {"csat": 4})
        client.get("/feedback/handover/exit/")
        return client.get("/feedback/handover/back/")
    return client.get(path)


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_page_is_left_in_english(client, world, code):
    allowed = proper_names()
    # Each person signs in once and keeps their browser from page to page (signing in and
    # out at every page was a fifth of the sweep), but for the hand-over, which leaves the
    # tablet with the customer. The customer and the desk start each page afresh.
    staff: dict[str, Client] = {}
    left = {}
    for name, (role, address, *data) in pages(world).items():
        if role in ("customer", "desk"):
            visitor = client
        elif role not in staff:
            visitor = staff[role] = signed_in(world, role, code)
        else:
            visitor = staff[role]
        response = fetch(visitor, world, role, address, code, *data)
        assert response.status_code < 500, name
        html = response.content.decode()
        assert re.search(f'<html lang="{code}"[ >]', html), f"{name} does not say it is {code}"
        if found := english_left(html, code, allowed):
            left[name] = found
        if visitor is client:
            client.logout()
        elif address.startswith("HANDOVER "):
            del staff[role]
    assert left == {}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_503_page_and_the_emails_are_in_the_language(world, code):
    allowed = proper_names()
    with translation.override(code):
        unavailable = render_to_string("503.html")
    assert english_left(unavailable, code, allowed) == []
    world["manager"].language = code
    digest = compose(world["manager"], date.today())
    assert english_left(f"<p>{digest.subject}</p><pre>{digest.body}</pre>", code, allowed) == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_workbooks_are_in_the_language(client, world, code):
    """ "Open in Excel" is for people: its sheets, column heads, filters and sections. (The CSV
    for tools keeps its English column names: a contract, not text to read.)"""
    allowed = proper_names()
    manager = world["manager"]
    manager.language = code
    manager.save(update_fields=["language"])
    client.force_login(manager)
    texts = []
    for name in ("export_moments_xlsx", "export_figures_xlsx"):
        response = client.get(reverse(f"dashboards:{name}"), {"period": "30"})
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        about, table = book.worksheets[0], book.worksheets[1]
        texts += book.sheetnames + [cell.value for cell in table[1]]
        texts += [row[0].value for row in about.iter_rows()]
        texts += [row[1].value for row in about.iter_rows() if isinstance(row[1].value, str)]
        if name == "export_figures_xlsx":
            texts += [row[0].value for row in table.iter_rows(min_row=2)]
    html = "".join(f"<p>{text}</p>" for text in texts)
    assert english_left(html, code, allowed) == []
