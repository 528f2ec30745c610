"""Every staff screen, per role, on the demo airline: what the size sweep and the axe-core sweep
visit. A screen is (name, path); the few that only a POST shows are opened by `visit`."""

from dataclasses import dataclass
from datetime import timedelta

from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation

from dashboards.demo import build_demo
from dashboards.models import RetentionPolicy
from feedback.models import FeedbackSettings, Theme
from tests.conftest import add_moment, log_in, look_at
from touchpoints.models import JourneyStage, Location, Moment, TouchpointType, User
from touchpoints.people.roles import set_data_protection

# A POST only shows these: the undo refused (too late) is opened by submitting a form.
UNDO_REFUSED = "undo-refused"
# The 503 page is served when the database is down; its HTML is rendered and shown as it is.
UNAVAILABLE = "503"
# Where those two start when the screen shown before will not do: a staff page (the top bar's
# Log out form has the CSRF token; the 503 page's static files need the site's address), a
# light one rather than the log screen, the heaviest to load.
STARTING_PAGE = "touchpoints:needs"


@dataclass
class Role:
    username: str
    screens: list[tuple[str, str]]


def demo_screens() -> dict[str, Role]:
    """Build a small demo airline (two days of moments, answers, needs and recoveries) and
    list each role's screens on it."""
    build_demo(days=2)
    agent = User.objects.get(username="agent")
    recent = add_moment(agent, TouchpointType.objects.filter(active=True).first(), outcome=2)
    late = Moment.objects.filter(staff=agent).exclude(pk=recent.pk).order_by("occurred_at")[0]
    # Logged yesterday: past the windows for undo and correction, so each page says so.
    yesterday = timezone.now() - timedelta(days=1)
    Moment.objects.filter(pk=late.pk).update(occurred_at=yesterday, created_at=yesterday)
    type_ = TouchpointType.objects.filter(moments__location__code="ARN").distinct().first()
    person = User.objects.get(username="erik")
    baggage = Theme.objects.get(name_en="Baggage")
    set_data_protection(User.objects.get(username="admin"), True)
    policy = RetentionPolicy.current()
    return {
        "frontline": Role(
            "agent",
            [
                ("log", reverse("touchpoints:log")),
                ("mine", reverse("touchpoints:mine")),
                ("needs", reverse("touchpoints:needs")),
                ("correct", reverse("touchpoints:correct", args=[recent.uuid])),
                ("correct-too-late", reverse("touchpoints:correct", args=[late.uuid])),
                ("remedy", reverse("touchpoints:remedy", args=[recent.uuid])),
                (UNDO_REFUSED, reverse("touchpoints:undo", args=[late.uuid])),
                ("team", reverse("dashboards:team")),
                ("queue", reverse("feedback:queue")),
                ("403", reverse("dashboards:dashboard")),
                ("404", "/log/no-such-page/"),
                (UNAVAILABLE, reverse(STARTING_PAGE)),
            ],
        ),
        "manager": Role(
            "manager.arn",
            [
                ("dashboard", reverse("dashboards:dashboard") + "?period=30"),
                ("journey", reverse("dashboards:journey_type", args=[type_.pk])),
                ("journey-moments", reverse("dashboards:journey_moments", args=[type_.pk])),
                ("manager-needs", reverse("dashboards:needs")),
                ("theme-comments", reverse("dashboards:theme_comments", args=[baggage.pk])),
                ("remedy-budgets", reverse("dashboards:remedy_budgets")),
            ],
        ),
        "admin": Role(
            "admin",
            [
                ("config-index", reverse("admin:index")),
                ("type-list", reverse("admin:touchpoints_touchpointtype_changelist")),
                ("type-change", admin_change("touchpointtype", type_.pk)),
                ("location", admin_change("location", Location.objects.get(code="ARN").pk)),
                ("people-list", reverse("admin:touchpoints_user_changelist")),
                ("person-change", admin_change("user", person.pk)),
                ("stage", admin_change("journeystage", JourneyStage.objects.first().pk)),
                (
                    "feedback-settings",
                    reverse(
                        "admin:feedback_feedbacksettings_change",
                        args=[FeedbackSettings.current().pk],
                    ),
                ),
                ("api-keys", reverse("admin:touchpoints_apikey_changelist")),
                ("api-key-add", reverse("admin:touchpoints_apikey_add")),
                ("webhook-add", reverse("admin:touchpoints_webhookendpoint_add")),
                ("webhook-deliveries", reverse("admin:touchpoints_webhookdelivery_changelist")),
                ("theme-list", reverse("admin:feedback_theme_changelist")),
                ("theme-change", reverse("admin:feedback_theme_change", args=[baggage.pk])),
                ("customer-data", reverse("admin:feedback_customerrequest_find")),
                ("access-records", reverse("admin:touchpoints_accessrecord_changelist")),
                ("retention", reverse("admin:dashboards_retentionpolicy_change", args=[policy.pk])),
                ("remedy-kinds", reverse("admin:touchpoints_remedykind_changelist")),
            ],
        ),
    }


def admin_change(model: str, pk: int) -> str:
    return reverse(f"admin:touchpoints_{model}_change", args=[pk])


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def visit(page, name: str, path: str, language: str = "en") -> bool:
    """Open a screen as its person would, wait until it has settled, and say whether it
    answered as that screen should (a refusal with its status, the rest 200). `language`
    is the one the person reads, for the 503 page, which is shown as rendered."""
    # Both start from the screen shown before when it will do (in the sweep, it always does):
    # a page load less for each, in every language.
    if name == UNDO_REFUSED:
        if not page.evaluate("!!document.querySelector('[name=csrfmiddlewaretoken]')"):
            page.goto(reverse(STARTING_PAGE))
        with page.expect_navigation() as navigation:
            page.evaluate(POST_FORM, path)
        status = navigation.value.status
    elif name == UNAVAILABLE:
        if not page.url.startswith("http"):  # about:blank, not yet on the site
            page.goto(path)
        with translation.override(language):
            page.set_content(loader.render_to_string("503.html"))
        status = 503
    else:
        status = page.goto(path).status
    page.wait_for_load_state("load")
    return status == STATUS.get(name, 200)


STATUS = {"correct-too-late": 409, UNDO_REFUSED: 409, "403": 403, "404": 404, UNAVAILABLE: 503}


POST_FORM = """(action) => {
  const form = Object.assign(document.createElement('form'), {method: 'post', action});
  const token = document.querySelector('[name=csrfmiddlewaretoken]').cloneNode();
  form.append(token);
  document.body.append(form);
  form.submit();
}"""


# What a finger taps: links, buttons, selects, summaries, ARIA buttons, and radio buttons and
# check boxes through their label (the label is what the finger meets; the input may be a
# 1 px ghost behind it). Text inputs and text areas are wide fields, measured by the layout.
#
# WCAG 2.5.8's inline exception, made precise: a link is excused when it is laid out inline
# (computed `display: inline`) and its nearest block holds words that are not part of any
# target, that is, the link sits in a sentence and its height is the line's. A link alone on
# its line, a brand, a back link or a link in a table cell is a target like any other.
TOO_SMALL = """() => {
  const TARGETS = 'a[href], button, select, summary, [role=button], input[type=submit],'
    + 'input[type=button], input[type=radio], input[type=checkbox]';
  const blockOf = (el) => {
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) {
      block = block.parentElement;
    }
    return block;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const copy = blockOf(el).cloneNode(true);
    copy.querySelectorAll(TARGETS + ', .visually-hidden, [hidden]').forEach((t) => t.remove());
    return /[A-Za-z\u00c0-\u024f]{2,}/.test(copy.textContent);
  };
  const targetOf = (el) => {
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      const label = el.labels && el.labels[0];
      if (label) return label;
    }
    return el;
  };
  const seen = new Set();
  const small = [];
  for (const el of document.querySelectorAll(TARGETS)) {
    const target = targetOf(el);
    if (seen.has(target)) continue;
    seen.add(target);
    if (!target.checkVisibility({checkVisibilityCSS: true})) continue;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || inSentence(target)) continue;
    if (box.width < 44 || box.height < 44) {
      const name = (target.innerText || target.value || target.getAttribute('aria-label') || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 30);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${target.tagName.toLowerCase()} "${name}": ${size}`);
    }
  }
  return small;
}"""

# Against the layout's width, not innerWidth: on a phone (is_mobile) the browser widens the
# layout viewport to whatever overflows, and innerWidth grows with it, hiding the overflow.
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# A tab bar that scrolls inside itself hides tabs without widening the page.
HIDDEN_TABS = """() => Array.from(document.querySelectorAll('.frontline-nav a'))
  .filter((a) => {
    const box = a.getBoundingClientRect();
    return box.left < 0 || box.right > innerWidth;
  })
  .map((a) => a.innerText.trim())"""
# The three measured in one call: one round trip to the browser per width, not three.
LAYOUT = f"() => ({{tabs: ({HIDDEN_TABS})(), sideways: ({SIDEWAYS})(), small: ({TOO_SMALL})()}})"


def size_problems(page, name: str, width: int) -> dict[str, object]:
    """What is wrong with the screen as laid out now: sideways scrolling, tabs pushed off the
    side, targets under 44 px."""
    look_at(page, f"{name}-{width}", full_page=True)  # SHOTS=<folder> keeps each screen
    layout = page.evaluate(LAYOUT)
    found = {
        f"{name} at {width} px: tabs off the side": layout["tabs"],
        f"{name} at {width} px: scrolls sideways by": max(0, layout["sideways"]),
        f"{name} at {width} px: small targets": layout["small"],
    }
    return {what: value for what, value in found.items() if value}
