"""OIDC_GROUP_ROLES: the provider's groups read as roles and places."""

import pytest

from tests.people.conftest import GROUP_ROLES
from touchpoints.models import Role
from touchpoints.people.group_roles import GroupRole, parse_group_roles
from touchpoints.people.single_sign_on import grant_for


def test_the_documented_example_reads_as_roles_and_places():
    assert parse_group_roles(
        "moments-admins=admin, moments-managers-CPH=manager:cph,"
        "moments-agents-ARN=frontline:ARN/Check-in desk"
    ) == [
        GroupRole("moments-admins", "admin"),
        GroupRole("moments-managers-CPH", "manager", "CPH"),
        GroupRole("moments-agents-ARN", "frontline", "ARN", "Check-in desk"),
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("moments-pilots=pilot", "'moments-pilots=pilot' is not group=role"),
        ("moments-agents", "'moments-agents' is not group=role"),
        ("moments-agents=frontline:ARN", "a frontline group needs its team"),
        ("moments-admins=admin:ARN", "an admin has no place"),
    ],
)
def test_a_mistyped_entry_is_named(text, names):
    with pytest.raises(ValueError, match=names):
        parse_group_roles(text)


def test_the_highest_role_wins_and_a_manager_gets_every_place(settings, org):
    settings.OIDC_GROUP_ROLES = parse_group_roles(
        GROUP_ROLES + ",moments-managers-JFK=manager:JFK/Check-in desk"
    )
    grant = grant_for(["moments-agents-ARN", "moments-managers-ARN", "moments-managers-JFK"])
    assert grant.role == Role.MANAGER
    assert grant.managed_locations == [org["arn"]]
    assert grant.managed_teams == [org["jfk_desk"]]


def test_a_group_whose_place_is_archived_gives_nothing(settings, org):
    settings.OIDC_GROUP_ROLES = parse_group_roles(GROUP_ROLES)
    org["jfk"].active = False
    org["jfk"].save()
    assert grant_for(["moments-agents-JFK"]) is None
    assert grant_for("moments-agents-ARN").team == org["arn_desk"]
