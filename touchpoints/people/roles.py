"""A person's role: one Django group per `Role`, and the staff flag Django's admin reads.

Data protection is not a role but a duty given on top of one (any role, or none): the
group of that name opens the configuration site's customer data screens and the record of
who saw what, and nothing else. Most admins do not hold it.
"""

from django.contrib.auth.models import Group

from ..models import Role, User

DATA_PROTECTION = "data_protection"


def assign_role(user: User, role: Role | str | None) -> None:
    """Give `user` exactly `role` (or none), keeping the data-protection duty if they hold
    it. Admins get `is_staff` too, others lose it.

    Access is decided by the role (see `configuration.site.is_config_admin`); `is_staff` is kept in
    step only because Django's admin templates read it to show their menus.
    """
    kept = user.groups.filter(name=DATA_PROTECTION)
    user.groups.set([*Group.objects.filter(name=role), *kept] if role else kept)
    staff = role == Role.ADMIN or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def is_data_protection(user) -> bool:
    """Holds the data-protection duty: an active person in that group (being an admin, or a
    superuser, is not enough)."""
    if not hasattr(user, "_is_data_protection"):
        user._is_data_protection = (
            user.is_authenticated and user.is_active and DATA_PROTECTION in user.group_names()
        )
    return user._is_data_protection


def set_data_protection(user: User, holds: bool) -> None:
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION)
    if holds:
        user.groups.add(group)
    else:
        user.groups.remove(group)
