"""What the demo command does in a database of its own: the address it prints, and how it
settles needs (test_demo_data.py reads one demo shared by its tests)."""

import random
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from dashboards.demo_loop import settle_need
from touchpoints.models import Need


def test_demo_data_prints_the_address_the_server_really_uses(db):
    out = StringIO()
    call_command("demo_data", days=1, url="http://127.0.0.1:8100/", stdout=out)
    assert "Open http://127.0.0.1:8100/ and log in" in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_a_demo_need_raised_weeks_ago_never_still_waits(org, agent, arn_manager):
    now = timezone.now()
    for seed in range(200):
        need = Need(raised_by=agent, team=agent.team, location=agent.team.location, kind="tool")
        need.raised_at = now - timedelta(days=22)
        settle_need(random.Random(seed), need, arn_manager, now)
        assert need.status in (Need.Status.PROVIDED, Need.Status.DECLINED)
        need.status, need.raised_at = Need.Status.OPEN, now - timedelta(days=4, minutes=1)
        settle_need(random.Random(seed), need, arn_manager, now)
        assert need.status != Need.Status.OPEN
