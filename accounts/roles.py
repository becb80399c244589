"""Our three roles, as Django groups, and the questions views ask about them."""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Role(models.TextChoices):
    ADMIN = "Admin", _("Admin")
    EXECUTIVE = "Executive", _("Executive")
    ACCOUNT_MANAGER = "Account manager", _("Account manager")


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The role names the user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_kam_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._kam_roles = cached
    return cached


def sees_all_accounts(user: User | AnonymousUser) -> bool:
    """Executives and admins read every account; everybody else only the accounts whose team they are on."""
    return bool(user_roles(user) & {Role.ADMIN, Role.EXECUTIVE})


def is_admin(user: User | AnonymousUser) -> bool:
    return Role.ADMIN in user_roles(user)


def is_executive(user: User | AnonymousUser) -> bool:
    return Role.EXECUTIVE in user_roles(user)


def primary_role_label(user: User | AnonymousUser) -> str:
    roles = user_roles(user)
    for role in (Role.ADMIN, Role.EXECUTIVE, Role.ACCOUNT_MANAGER):
        if role in roles:
            return str(role.label)
    return ""
