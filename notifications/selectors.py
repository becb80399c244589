"""Reads of a user's notifications: only ever their own."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, NotificationKind, NotificationPreference

INBOX_SIZE = 100


def inbox_for(user: User) -> QuerySet[Notification]:
    """The user's latest notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:INBOX_SIZE]


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def enabled_kinds(user: User) -> set[str]:
    """The kinds the user receives (every kind unless turned off)."""
    off = set(NotificationPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return set(NotificationKind.values) - off
