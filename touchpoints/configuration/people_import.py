"""Importing people and their teams from a CSV file, with a dry run first.

`plan_import` reads the file and says, row by row, what would be created, updated or left
alone and what is wrong, without writing anything. `apply_import` writes a plan, all or
nothing, and refuses one that has errors. Importing the same file twice changes nothing.

Columns (only username and role are required; a column left out is left alone):
username, first_name, last_name, email, role, location, team, managed_locations,
managed_teams. `location` is a location code; `team` a team name at that location (a new
name creates the team); `managed_locations` codes and `managed_teams` "CODE:Team name"
entries are separated by ";". People not in the file are not touched. New people get an
unusable password: an admin sets one on their page.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry, Location, Role, Team, User
from ..people.roles import assign_role
from . import audit

COLUMNS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "location",
    "team",
    "managed_locations",
    "managed_teams",
]
# The columns as the dry run names them in its messages; the file's own names stay English.
COLUMN_NAMES = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "email": _("email"),
    "role": _("role"),
    "team": _("team"),
    "managed_locations": _("managed locations"),
    "managed_teams": _("managed teams"),
}
REQUIRED_COLUMNS = ["username", "role"]
MAX_ROWS = 5000
TEMPLATE_ROWS = [
    ["anna.berg", "Anna", "Berg", "anna.berg@example.com", "frontline", "ARN", "Check-in", "", ""],
    ["karin.sjoberg", "Karin", "Sjöberg", "", "manager", "", "", "ARN", ""],
    ["lars.ek", "Lars", "Ek", "", "manager", "", "", "", "ARN:Check-in;ARN:Gate"],
]


class Status:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "no change"
    ERROR = "error"


STATUS_LABELS = {
    Status.CREATE: _("create"),
    Status.UPDATE: _("update"),
    Status.UNCHANGED: _("no change"),
    Status.ERROR: _("error"),
}


@dataclass
class NewTeam:
    location: Location
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.location.code})"


@dataclass
class RowResult:
    line: int
    username: str
    status: str = Status.UNCHANGED
    changes: dict[str, list] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # What the person should look like, by field; only the file's columns are present.
    wanted: dict[str, object] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field, before, after) as the dry run shows them, the field in the reader's words."""
        return [
            (
                str(COLUMN_NAMES.get(name.replace(" ", "_"), name)),
                audit.shown(old),
                audit.shown(new),
            )
            for name, (old, new) in self.changes.items()
        ]


@dataclass
class ImportPlan:
    rows: list[RowResult] = field(default_factory=list)
    new_teams: list[NewTeam] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def summary(self) -> dict[str, int]:
        """How many rows of each status, for the page above the table."""
        return {
            "create": self.count(Status.CREATE),
            "update": self.count(Status.UPDATE),
            "unchanged": self.count(Status.UNCHANGED),
            "error": self.count(Status.ERROR),
        }

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_teams) or any(
            row.status in (Status.CREATE, Status.UPDATE) for row in self.rows
        )


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def plan_import(text: str) -> ImportPlan:
    """What importing `text` would do, row by row. Writes nothing."""
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [_column(name) for name in reader.fieldnames or []]
    plan.file_errors = _header_errors(columns)
    if plan.file_errors:
        return plan
    reader.fieldnames = columns
    records = list(reader)
    if len(records) > MAX_ROWS:
        plan.file_errors.append(
            gettext("The file has %(rows)s rows; import at most %(most)s.")
            % {"rows": _number(len(records)), "most": _number(MAX_ROWS)}
        )
        return plan
    if not records:
        plan.file_errors.append(gettext("The file has a header but no people in it."))
        return plan
    context = _Context.load(records)
    for line, record in enumerate(records, start=2):
        plan.rows.append(context.plan_row(line, record, columns))
    plan.new_teams = list(context.new_teams.values())
    return plan


def _number(count: int) -> str:
    return number_format(count, force_grouping=True)


def _column(name: str) -> str:
    return (name or "").strip().lower().replace(" ", "_")


def _header_errors(columns: list[str]) -> list[str]:
    errors = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        errors.append(
            gettext("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        errors.append(
            gettext("Unknown column %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    if duplicated:
        errors.append(
            gettext("Column %(columns)s appears twice.") % {"columns": ", ".join(duplicated)}
        )
    return errors


class _Context:
    """Everything a plan looks rows up in, loaded in a few queries up front."""

    def __init__(self, users, locations, teams):
        self.users: dict[str, User] = users
        self.locations: dict[str, Location] = locations
        self.teams: dict[tuple[int, str], Team] = teams
        self.new_teams: dict[tuple[int, str], NewTeam] = {}
        self.seen: set[str] = set()

    @classmethod
    def load(cls, records: list[dict]) -> "_Context":
        usernames = {(record.get("username") or "").strip() for record in records}
        users = (
            User.objects.filter(username__in=usernames)
            .select_related("team__location")
            .prefetch_related("groups", "managed_locations", "managed_teams__location")
        )
        locations = {location.code.upper(): location for location in Location.objects.all()}
        teams = {
            (team.location_id, team.name.lower()): team
            for team in Team.objects.select_related("location")
        }
        return cls({user.username: user for user in users}, locations, teams)

    def plan_row(self, line: int, record: dict, columns: list[str]) -> RowResult:
        value = {name: (record.get(name) or "").strip() for name in columns}
        row = RowResult(line=line, username=value["username"])
        self._check_username(row)
        for name in ("first_name", "last_name", "email"):
            if name in value:
                row.wanted[name] = self._text(row, name, value[name])
        row.wanted["role"] = self._role(row, value["role"])
        if "team" in value:
            row.wanted["team"] = self._team(row, value.get("location", ""), value["team"])
        if "managed_locations" in value:
            row.wanted["managed_locations"] = self._managed_locations(
                row, value["managed_locations"]
            )
        if "managed_teams" in value:
            row.wanted["managed_teams"] = self._managed_teams(row, value["managed_teams"])
        if row.wanted.get("role") == Role.FRONTLINE and "team" in value and not value["team"]:
            row.errors.append(gettext("A frontline person needs a team to log moments."))
        if row.errors:
            row.status = Status.ERROR
            return row
        existing = self.users.get(row.username)
        wanted = _shown(row.wanted)
        current = None
        if existing is not None:
            current = {name: value for name, value in _current(existing).items() if name in wanted}
        changes = audit.diff(current, wanted)
        if existing is None:  # a new person: say what they get, not every empty column
            changes = {name: change for name, change in changes.items() if change[1]}
        row.changes = {name.replace("_", " "): change for name, change in changes.items()}
        if existing is None:
            row.status = Status.CREATE
        elif row.changes:
            row.status = Status.UPDATE
        return row

    def _check_username(self, row: RowResult) -> None:
        if not row.username:
            row.errors.append(gettext("The username is empty."))
            return
        try:
            UnicodeUsernameValidator()(row.username)
        except ValidationError:
            row.errors.append(
                gettext(
                    "“%(username)s” is not a valid username: use letters, digits and @.+-_ only."
                )
                % {"username": row.username}
            )
        if len(row.username) > 150:
            row.errors.append(gettext("The username is longer than 150 characters."))
        if row.username in self.seen:
            row.errors.append(
                gettext("“%(username)s” appears more than once in the file.")
                % {"username": row.username}
            )
        self.seen.add(row.username)

    def _text(self, row: RowResult, name: str, text: str) -> str:
        if len(text) > 150:
            row.errors.append(
                gettext("%(column)s is too long.") % {"column": capfirst(COLUMN_NAMES[name])}
            )
        if name == "email" and text:
            try:
                validate_email(text)
            except ValidationError:
                row.errors.append(gettext("“%(text)s” is not an email address.") % {"text": text})
        return text

    def _role(self, row: RowResult, text: str) -> Role | None:
        for role in Role:
            if text.lower() in (role.value, role.label.lower()):
                return role
        row.errors.append(
            gettext("Role “%(role)s” is not one of frontline, manager, admin.") % {"role": text}
        )
        return None

    def _location(self, row: RowResult, code: str) -> Location | None:
        location = self.locations.get(code.upper())
        if location is None:
            row.errors.append(
                gettext("There is no location with code “%(code)s”.") % {"code": code}
            )
        elif not location.active:
            row.errors.append(gettext("Location %(code)s is archived.") % {"code": location.code})
        return location

    def _team(self, row: RowResult, code: str, name: str) -> Team | NewTeam | None:
        if not name:
            return None
        if not code:
            row.errors.append(
                gettext("Team “%(team)s” needs a location code in the location column.")
                % {"team": name}
            )
            return None
        location = self._location(row, code)
        return self._find_team(row, location, name) if location else None

    def _find_team(self, row: RowResult, location: Location, name: str) -> Team | NewTeam:
        key = (location.pk, name.lower())
        team = self.teams.get(key)
        if team is not None and not team.active:
            row.errors.append(gettext("Team %(team)s is archived.") % {"team": team})
        if team is None:
            if len(name) > 100:
                row.errors.append(gettext("The team name is longer than 100 characters."))
            team = self.new_teams.setdefault(key, NewTeam(location, name))
        return team

    def _managed_locations(self, row: RowResult, text: str) -> list[Location]:
        codes = [code.strip() for code in text.split(";") if code.strip()]
        return [loc for code in codes if (loc := self._location(row, code))]

    def _managed_teams(self, row: RowResult, text: str) -> list[Team | NewTeam]:
        found = []
        for entry in (part.strip() for part in text.split(";")):
            if not entry:
                continue
            code, _, name = entry.partition(":")
            if not name.strip():
                row.errors.append(
                    gettext("Managed team “%(entry)s” must be written CODE:Team name.")
                    % {"entry": entry}
                )
                continue
            location = self._location(row, code.strip())
            if location:
                found.append(self._find_team(row, location, name.strip()))
        return found


def _current(user: User) -> dict[str, object]:
    """The person as the file would describe them, in the same readable form as `_shown`."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role.value if user.role else None,
        "team": str(user.team) if user.team else None,
        "managed_locations": sorted(str(loc) for loc in user.managed_locations.all()),
        "managed_teams": sorted(str(team) for team in user.managed_teams.all()),
    }


def _shown(wanted: dict[str, object]) -> dict[str, object]:
    shown = {}
    for name, value in wanted.items():
        if isinstance(value, list):
            shown[name] = sorted(str(item) for item in value)
        elif name == "role":
            shown[name] = value.value if value else None
        else:
            shown[name] = str(value) if value is not None and name == "team" else value
    return shown


def apply_import(text: str, actor: User) -> ImportPlan:
    """Import `text` for real, all or nothing. A plan with errors writes nothing."""
    with transaction.atomic():
        plan = plan_import(text)
        if plan.has_errors:
            return plan
        created = {key: _create_team(new, actor) for key, new in _keyed(plan.new_teams)}
        for row in plan.rows:
            if row.status in (Status.CREATE, Status.UPDATE):
                _write_person(row, actor, created)
    return plan


def _keyed(new_teams: list[NewTeam]):
    return (((new.location.pk, new.name.lower()), new) for new in new_teams)


def _create_team(new: NewTeam, actor: User) -> Team:
    team = Team.objects.create(location=new.location, name=new.name)
    audit.record(actor, team, AuditEntry.Action.IMPORTED, audit.diff(None, audit.snapshot(team)))
    return team


def _resolve(value, created: dict) -> object:
    if isinstance(value, NewTeam):
        return created[(value.location.pk, value.name.lower())]
    return value


def _write_person(row: RowResult, actor: User, created: dict) -> None:
    wanted = {name: _resolve(value, created) for name, value in row.wanted.items()}
    user = User.objects.filter(username=row.username).first()
    if user is None:
        user = User(username=row.username)
        user.set_unusable_password()
    for name in ("first_name", "last_name", "email", "team"):
        if name in wanted:
            setattr(user, name, wanted[name])
    user.save()
    assign_role(user, wanted["role"])
    if "managed_locations" in wanted:
        user.managed_locations.set(wanted["managed_locations"])
    if "managed_teams" in wanted:
        user.managed_teams.set([_resolve(team, created) for team in wanted["managed_teams"]])
    audit.record(actor, user, AuditEntry.Action.IMPORTED, row.changes)
