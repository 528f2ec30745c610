"""Every staff screen, in every role, on the demo airline: axe-core finds no violation of any
impact against WCAG 2.1 A and AA; at a phone's 360 px, a portrait tablet's 768 px and a
landscape tablet's 1024 px nothing scrolls sideways and every target a finger taps is at least
44 x 44 px; and a focus ring stands out 3:1 from the page."""

import pytest
from django.conf import settings

from feedback.invitations import invitation_for
from tests.conftest import AXE, PHONE, TABLET, add_moment, log_in
from tests.staff_screens import demo_screens, sign_in, size_problems, visit
from touchpoints.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best practices beyond the WCAG tags that issue 19 found broken: kept on, so they stay fixed.
ALSO = ["aria-allowed-role", "page-has-heading-one", "heading-order", "landmark-one-main"]
ROLES = ["frontline", "manager", "admin"]


# What can differ between two languages of one page. The templates are the same in every
# language, and a translation keeps the markup of its English text (tests/test_catalogues.py):
# so roles, attributes, landmarks, lists, tables and headings are the same, and only words
# differ. Words can leave a control, link, image or page without a name, give a wrong
# `lang`, or wrap onto another background or out of a scrolling box: these rules check that,
# and the other languages run only them (English runs every rule). They cost about 60 % of a
# full run, and the page load is the rest (docs/translations.md, "axe-core").
LANGUAGE_RULES = [
    "html-has-lang", "html-lang-valid", "valid-lang", "html-xml-lang-mismatch", "document-title",
    "button-name", "link-name", "input-button-name", "label", "select-name", "image-alt",
    "svg-img-alt", "role-img-alt", "input-image-alt", "area-alt", "object-alt", "frame-title",
    "summary-name", "aria-command-name", "aria-input-field-name", "aria-toggle-field-name",
    "aria-meter-name", "aria-progressbar-name", "aria-tooltip-name", "color-contrast",
    "link-in-text-block", "scrollable-region-focusable",
]  # fmt: skip


# One round trip per run: axe-core, and the page's `lang`, answered together; only what a
# message needs comes back (a full result is every rule's description, tags and first node).
# Where a finding is (a CSS selector for each element) is asked for only when there is one:
# working out selectors costs about a tenth of a run, on each rule's first node even when
# nothing is found. Every rule runs either way; the second run only names the elements.
AUDIT = """async ([tags, also, rules]) => {
  if (typeof axe === 'undefined') return null;
  const which = rules ? {runOnly: {type: 'rule', values: rules}} : {
    runOnly: {type: 'tag', values: tags},
    rules: Object.fromEntries(also.map((id) => [id, {enabled: true}]))};
  let {violations} = await axe.run(document, {...which, resultTypes: ['violations'],
                                              selectors: false});
  if (violations.length) {
    ({violations} = await axe.run(document, {resultTypes: ['violations'],
      runOnly: {type: 'rule', values: violations.map((v) => v.id)}}));
  }
  return {
    lang: document.documentElement.lang,
    violations: violations.map((v) => `${v.id} (${v.impact}): ${v.help}: `
      + v.nodes.slice(0, 5).map((node) => node.target[0]).join('; ')),
  };
}"""


def wcag_violations(page, rules: list[str] | None = None, language: str | None = None) -> list[str]:
    """Every axe-core finding on the page as it is now, whatever its impact; only `rules`
    when given. And, when `language` is given, the page's `lang` if it is not that."""
    # Evaluated through the DevTools protocol: an added <script> would break the page's policy.
    # A context that loads it into every page (add_init_script) has it already: about a fifth
    # faster than sending it again for each page.
    if (result := page.evaluate(AUDIT, [WCAG_21_AA, ALSO, rules])) is None:
        page.evaluate(AXE.read_text())
        result = page.evaluate(AUDIT, [WCAG_21_AA, ALSO, rules])
    wrong_language = [f"in {result['lang']!r}, not {language!r}"]
    return result["violations"] + (wrong_language if language not in (None, result["lang"]) else [])


# The landscape tablet turned to portrait, then narrowed to a phone: the same page, resized
# rather than loaded again (each load costs Chromium about half a CPU second), as a tablet in
# the hand is turned. No media query hides or shows an element at any width (static/css), so
# each width lays out the same elements; what a narrow screen changes is only where they go.
PORTRAIT = {"width": 768, "height": 1024}
PHONE_WIDTH = {"width": 360, "height": 740}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_of_the_role_has_no_wcag_violation_and_fits_its_sizes(
    chromium, live_server, role
):
    """Every screen in English at 1024, 768 and 360 px, and in Swedish, Danish and Norwegian
    at 1024 px. The pages are the same in every language but for their words, and what words
    can break (a name or label left empty, a longer text wrapping onto another background,
    `lang`) shows at any width; the narrow layouts are checked in English (long words at
    360 px: test_long_names_browser.py). One browser and one sign-in per role: the person's
    language is switched in between, as People → language would."""
    person = demo_screens()[role]
    context = chromium.new_context(base_url=live_server.url, **TABLET)
    context.add_init_script(path=AXE)
    page = context.new_page()
    sign_in(page, person.username)
    found = {}
    for language in LANGUAGES:
        User.objects.filter(username=person.username).update(language=language)
        rules = None if language == settings.LANGUAGE_CODE else LANGUAGE_RULES
        for name, path in person.screens:
            answered = visit(page, name, path, language)
            violations = wcag_violations(page, rules, language)
            violations += [] if answered else ["not the expected status"]
            if violations:
                found[f"{name} ({language})"] = violations
            if language == settings.LANGUAGE_CODE:
                found.update(problems_when_narrowed(page, name))
    context.close()
    assert found == {}


def problems_when_narrowed(page, name: str) -> dict[str, object]:
    """The size checks at 1024, 768 and 360 px, and axe-core again at 360 px: its findings can
    change with the layout (a table that scrolls only when narrow, text wrapped onto another
    background). Not again at 768 px, between the two. The second run on a page is the cheap
    one: axe-core's script is compiled by the first."""
    found = size_problems(page, name, TABLET["viewport"]["width"])
    page.set_viewport_size(PORTRAIT)
    found.update(size_problems(page, name, PORTRAIT["width"]))
    page.set_viewport_size(PHONE_WIDTH)
    found.update(size_problems(page, name, PHONE_WIDTH["width"]))
    if violations := wcag_violations(page):
        found[f"{name} (en) at {PHONE_WIDTH['width']} px"] = violations
    page.set_viewport_size(TABLET["viewport"])
    return found


def public_pages(agent, org) -> dict[str, str]:
    """The pages nobody signs in to: the customer's (a link from the moment) and sign-in."""
    waiting = add_moment(agent, org["desk"])
    answered = add_moment(agent, org["bag_drop"], answer={"csat": 5, "nps": 10})
    return {
        "sign-in": "/login/",
        "password reset": "/password-reset/",
        "customer: the questions": f"/r/{invitation_for(waiting).token}/",
        "customer: answered already": f"/r/{invitation_for(answered).token}/",
        "customer: unknown link": "/r/not-a-real-link/",
    }


def test_every_public_page_in_every_language_has_no_wcag_violation(
    chromium, live_server, agent, org
):
    """The customer's phone, in each language the customer can pick (?lang=) or the browser
    asks for (the language cookie, as Django's switch would set it)."""
    pages = public_pages(agent, org)
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    context.add_init_script(path=AXE)
    page = context.new_page()
    found = {}
    for language in LANGUAGES:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                              "url": live_server.url}])  # fmt: skip
        rules = None if language == settings.LANGUAGE_CODE else LANGUAGE_RULES
        for name, path in pages.items():
            status = page.goto(f"{path}?lang={language}").status
            violations = wcag_violations(page, rules, language)
            if violations or status != (404 if "unknown" in name else 200):
                found[f"{name} ({language})"] = [status, *violations]
    context.close()
    assert found == {}


# The focused element's outline colour, and the colour of what is behind it: the first
# ancestor with a background (the outline sits 2 px outside the element, on its parent).
FOCUS_RING = """(selector) => {
  const el = document.querySelector(selector);
  el.focus();
  let behind = el.parentElement;
  while (behind && getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)') {
    behind = behind.parentElement;
  }
  const page = getComputedStyle(document.documentElement).backgroundColor;
  return {
    visible: el.matches(':focus-visible'),
    style: getComputedStyle(el).outlineStyle,
    outline: getComputedStyle(el).outlineColor,
    behind: behind ? getComputedStyle(behind).backgroundColor : page,
  };
}"""


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two `rgb(r, g, b)` colours."""

    def luminance(css: str) -> float:
        channels = [int(part) / 255 for part in css[css.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "selector",
    [".save-bar button", ".frontline-nav a", ".topbar .brand", ".topbar .logout button"],
    ids=["button", "tab link", "brand link on the bar", "button on the bar"],
)
def test_the_focus_ring_stands_out_3_to_1_from_what_is_behind_it(tablet, agent, org, selector):
    log_in(tablet, agent.username)
    tablet.wait_for_url("**/log/")
    ring = tablet.evaluate(FOCUS_RING, selector)
    assert (ring["visible"], ring["style"]) == (True, "solid")
    assert contrast(ring["outline"], ring["behind"]) >= 3
