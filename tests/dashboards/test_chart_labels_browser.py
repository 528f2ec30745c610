"""Charts that fit: at tablet, laptop and desktop widths no chart label is clipped by its
SVG or covered by another label or a bar, and no bar, line or dot is cut off."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import add_moment, built_in_one_commit, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [768, 1024, 1440]
PERIODS = ["1", "7", "30", "90"]

# Runs in the page (a function, as the page's policy forbids evaluating a string): every
# <text> and mark of every chart, and where it breaks the rules. Boxes are the rendered
# ones, so a scaled chart and the page's fonts count.
FIND_LABEL_FAULTS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
                         && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const outside = (a, frame) => a.left < frame.left - 0.5 || a.right > frame.right + 0.5
                             || a.top < frame.top - 0.5 || a.bottom > frame.bottom + 0.5;
  const name = (el) => `${el.tagName} "${el.textContent.trim()}"`;
  const faults = [];
  let labels = 0;
  for (const svg of document.querySelectorAll("svg.chart, svg.spark")) {
    const frame = box(svg);
    const chart = svg.getAttribute("aria-label") || "sparkline";
    for (const mark of svg.querySelectorAll("circle, rect, polyline")) {
      if (outside(box(mark), frame)) faults.push(`${chart}: a ${mark.tagName} is cut off`);
    }
    const texts = [...svg.querySelectorAll("text")];
    const bars = [...svg.querySelectorAll("rect")];
    labels += texts.length;
    texts.forEach((text, i) => {
      const t = box(text);
      if (outside(t, frame)) faults.push(`${chart}: ${name(text)} sticks out of its chart`);
      for (const other of [...texts.slice(i + 1), ...bars]) {
        if (overlap(t, box(other))) faults.push(`${chart}: ${name(text)} overlaps ${name(other)}`);
      }
    });
  }
  return {labels, faults};
}"""


@pytest.fixture
def ninety_days(org, agent, jfk_agent, admin_user):
    """Moments on most of the last 90 days, busier some days, with answers across the scale."""
    now = timezone.now()
    with built_in_one_commit():
        for day in range(90):
            for n in range(day % 5 + (12 if day % 7 == 0 else 0)):
                person = agent if n % 3 else jfk_agent
                answer = {"csat": 1 + (day + n) % 5, "nps": (day * 3 + n) % 11} if n % 2 else None
                add_moment(
                    person, org["desk"], occurred_at=now - timedelta(days=day), answer=answer
                )
    return admin_user


def label_faults(page, url: str, width: int) -> tuple[int, list[str]]:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    if os.environ.get("CHART_SHOTS"):  # for looking at the charts while changing them
        name = url.strip("/").replace("/", "-").replace("?", "-").replace("=", "")
        path = f"{os.environ['CHART_SHOTS']}/{name}-{width}.png"
        charts = page.locator(".charts")
        charts.screenshot(path=path) if charts.count() else page.screenshot(path=path)
    found = page.evaluate(FIND_LABEL_FAULTS)
    return found["labels"], [f"{url} at {width} px: {fault}" for fault in found["faults"]]


def test_chart_labels_fit_their_charts_and_cover_nothing(tablet, ninety_days, org, agent):
    """The manager's charts, then the front line's sparklines on the team page: one build of
    the ninety days (longer than all the looks) and one tablet, signed in as each in turn."""
    log_in(tablet, ninety_days.username)
    desk = org["desk"].pk
    urls = [f"/dashboard/?period={period}" for period in PERIODS]
    urls += [f"/dashboard/journey/{desk}/?period=30", f"/dashboard/journey/{desk}/moments/"]
    labels, faults = 0, []
    for width in WIDTHS:
        for url in urls:
            counted, found = label_faults(tablet, url, width)
            labels, faults = labels + counted, faults + found

    log_in(tablet, agent.username)
    for width in WIDTHS:
        faults += label_faults(tablet, "/dashboard/team/", width)[1]

    assert labels > 0, "no chart label was found: the test would pass whatever the charts do"
    assert faults == []
