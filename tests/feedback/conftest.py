"""Fixtures for the feedback tests: a moment at ARN, its invitation, and fresh counters."""

import uuid

import pytest

from feedback.invitations import invitation_for
from feedback.models import Invitation
from touchpoints.models import Moment


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # Rate-limit counters live in the cache; each test starts with a cache of its own so one
    # test's requests never count against the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"feedback-test-{uuid.uuid4()}",
        }
    }


def make_moment(staff, touchpoint_type, **fields) -> Moment:
    moment = Moment(
        staff=staff,
        team=staff.team,
        location=staff.team.location,
        touchpoint_type=touchpoint_type,
        outcome=fields.pop("outcome", 4),
        **fields,
    )
    moment.save()
    return moment


@pytest.fixture
def moment(agent, org) -> Moment:
    return make_moment(agent, org["desk"], note="Seat 14A, Mr Lindqvist")


@pytest.fixture
def invitation(moment) -> Invitation:
    return invitation_for(moment)
