"""Desk PINs: refused with a reason when easy to guess or taken at the location; hashed."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_user
from touchpoints.models import Role
from touchpoints.people.pins import check_pin, set_pin


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("123", "4 to 6 digits"),
        ("1234567", "4 to 6 digits"),
        ("12a4", "4 to 6 digits"),
        ("١٢٣٤٥", "4 to 6 digits"),  # digits, but not the keypad's
        ("1234", "first anyone would try"),
        ("6969", "first anyone would try"),
        ("777777", "first anyone would try"),
        ("987654", "first anyone would try"),
    ],
)
def test_a_pin_of_the_wrong_shape_or_easy_to_guess_is_refused_with_the_reason(agent, pin, reason):
    with pytest.raises(ValidationError, match=reason):
        set_pin(agent, pin)
    agent.refresh_from_db()
    assert not agent.has_pin


def test_a_pin_someone_at_the_same_location_uses_is_refused(org, agent):
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    set_pin(colleague, "4071")
    with pytest.raises(ValidationError, match="already uses that PIN"):
        set_pin(agent, "4071")


def test_the_same_pin_at_another_location_is_fine(org, agent, jfk_agent):
    set_pin(jfk_agent, "4071")
    set_pin(agent, "4071")
    assert check_pin(agent, "4071")


def test_a_pin_is_stored_hashed_and_checked(agent):
    set_pin(agent, "40718")
    agent.refresh_from_db()
    assert "40718" not in agent.pin
    assert check_pin(agent, "40718")
    assert not check_pin(agent, "40719")


def test_a_person_without_a_pin_matches_nothing(agent):
    assert not check_pin(agent, "")
    assert not check_pin(agent, "0000")
