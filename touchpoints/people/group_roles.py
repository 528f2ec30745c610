"""OIDC_GROUP_ROLES: which of the identity provider's groups give which role, and where.

The setting is a comma-separated list of `group=role` or `group=role:place` entries:

    moments-admins=admin,
    moments-managers-CPH=manager:CPH,
    moments-leads-ARN=manager:ARN/Check-in desk,
    moments-agents-ARN=frontline:ARN/Check-in desk

`place` is a location code (a manager then manages that location) or `CODE/Team name`
(a manager manages that team; a frontline person works in it). A frontline entry needs a
team. Group names are compared exactly, as the provider sends them, and may not contain
"," or "=". Read when the settings load, so that a typing error stops the app at start.

Plain Python, no models: config/settings.py imports it.
"""

from dataclasses import dataclass

ROLES = ("admin", "manager", "frontline")


@dataclass(frozen=True)
class GroupRole:
    group: str
    role: str
    location_code: str = ""
    team_name: str = ""


def parse_group_roles(text: str) -> list[GroupRole]:
    """The entries of `text`, in order; ValueError saying which entry is wrong."""
    found = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        group, equals, target = (part.strip() for part in entry.partition("="))
        role, _, place = (part.strip() for part in target.partition(":"))
        code, _, team = (part.strip() for part in place.partition("/"))
        if not equals or not group or role not in ROLES:
            raise ValueError(
                f"OIDC_GROUP_ROLES entry {entry!r} is not group=role[:place] with role one of "
                f"{', '.join(ROLES)}."
            )
        if role == "frontline" and not (code and team):
            raise ValueError(
                f"OIDC_GROUP_ROLES entry {entry!r}: a frontline group needs its team, "
                "as frontline:CODE/Team name."
            )
        if role == "admin" and place:
            raise ValueError(f"OIDC_GROUP_ROLES entry {entry!r}: an admin has no place.")
        found.append(GroupRole(group, role, code.upper(), team))
    return found
