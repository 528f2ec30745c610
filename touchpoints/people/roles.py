"""A person's role: one Django group per `Role`, and the staff flag Django's admin reads."""

from django.contrib.auth.models import Group

from ..models import Role, User


def assign_role(user: User, role: Role | str | None) -> None:
    """Give `user` exactly `role` (or none). Admins get `is_staff` too, others lose it.

    Access is decided by the role (see `configuration.site.is_config_admin`); `is_staff` is kept in
    step only because Django's admin templates read it to show their menus.
    """
    user.groups.set(Group.objects.filter(name=role) if role else [])
    staff = role == Role.ADMIN or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
