"""What `manage.py demo_data` prints: the demo people worth trying, and where to try them."""

from .demo import BY_LANGUAGE, FRONTLINE, MANAGERS, PASSWORD, URL, demo_pin

LANGUAGE_NAMES = {"sv": "Swedish", "da": "Danish", "nb": "Norwegian"}


def frontline_person(username: str) -> tuple[str, str, str, str]:
    """(full name, location code, badge, demo PIN) of a demo frontline person."""
    number = 0
    for code, people in FRONTLINE.items():
        for name, first, last in people:
            number += 1
            if name == username:
                return f"{first} {last}", code, str(1000 + number), demo_pin(number)
    raise KeyError(username)


def logins(url: str = URL) -> str:
    """The demo accounts as a small table, for the terminal; `url` is where the server runs."""
    rows = [("Role", "Username", "Password", "Sees")]
    rows.append(("Admin", "admin", PASSWORD, "/admin/ (configure the organisation)"))
    for username, (_first, _last, codes) in MANAGERS.items():
        rows.append(("Manager", username, PASSWORD, f"/dashboard/ ({' + '.join(codes)})"))
    rows.append(("Frontline", "agent", PASSWORD, "/log/ (log moments, ARN check-in & bag drop)"))
    for language, username in BY_LANGUAGE.items():
        _name, code, _badge, _pin = frontline_person(username)
        rows.append(
            ("Frontline", username, PASSWORD, f"/log/ in {LANGUAGE_NAMES[language]} ({code})")
        )
    table = [
        f"  {role:<10} {user:<15} {password:<13} {sees}" for role, user, password, sees in rows
    ]
    shown = {"agent", *BY_LANGUAGE.values()}
    others = [name for people in FRONTLINE.values() for name, *_ in people if name not in shown]
    frontline = sum(len(people) for people in FRONTLINE.values())
    desks = [
        f"  {name} at {code}: badge {badge}, PIN {pin}"
        for name, code, badge, pin in map(frontline_person, ["agent", *BY_LANGUAGE.values()])
    ]
    return "\n".join(
        [
            f"Open {url} and log in as one of:",
            "",
            *table,
            "",
            f"{frontline + len(MANAGERS) + 1} demo people: {frontline} frontline staff (at"
            f" {', '.join(FRONTLINE)}), {len(MANAGERS)} managers and 1 admin.",
            f"Other frontline users (same password): {', '.join(others)}",
            "",
            "Desk sign-in: sign in on a tablet as admin and open /admin/touchpoints/desk/register/",
            "to make it a desk at that person's airport. Then tap their name (or type the",
            "badge) and type the PIN:",
            *desks,
        ]
    )
