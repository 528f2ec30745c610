"""Every staff screen at a phone's 360 px, a portrait tablet's 768 px and a landscape tablet's
1024 px, in the role that uses it, on the demo airline: nothing scrolls sideways, and every
target a finger taps is at least 44 x 44 px."""

import os

import pytest

from tests.staff_screens import demo_screens, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (360, 740), "portrait": (768, 1024), "landscape": (1024, 768)}

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
# SHOTS=<folder> keeps a full-page picture of every screen at every size, to look at.
SHOTS = os.environ.get("SHOTS")


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_every_staff_screen_fits_the_width_and_every_target_is_44_px(chromium, live_server, size):
    roles = demo_screens()
    width, height = size
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    problems = {}
    for role in roles.values():
        sign_in(page, role.username)
        for name, path in role.screens:
            if not visit(page, name, path):
                problems[f"{name} answered"] = page.url
            overflow = page.evaluate(SIDEWAYS)
            small = page.evaluate(TOO_SMALL)
            hidden = page.evaluate(HIDDEN_TABS)
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
            if hidden:
                problems[f"{name} tabs off the side"] = hidden
            if overflow > 0:
                problems[f"{name} scrolls sideways by"] = overflow
            if small:
                problems[f"{name} small targets"] = small
    context.close()
    assert problems == {}
