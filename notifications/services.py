"""Every write to notifications: creating them in bulk (once per user and event), delivering e-mail, reading."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_language_set
from notifications.models import Notification, NotificationKind, NotificationPreference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationDraft:
    """A notification to write if it is new; its link is a URL name reversed only then (sweeps make many drafts)."""

    user_id: int
    kind: str
    key: str
    params: dict = field(default_factory=dict)
    url_name: str = ""
    url_kwargs: dict = field(default_factory=dict)

    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs) if self.url_name else ""


def notifications_create(*, drafts: Iterable[NotificationDraft]) -> int:
    """Write the drafts users want, each (user, key) once: safe to call twice and from two workers at once.

    Two queries whatever the number of drafts (preferences, existing keys) plus the batched insert.
    Returns how many notifications are new.
    """
    drafts = [draft for draft in drafts if draft.user_id is not None]
    if not drafts:
        return 0
    user_ids = {draft.user_id for draft in drafts}
    off = set(
        NotificationPreference.objects.filter(user_id__in=user_ids, enabled=False).values_list("user_id", "kind")
    )
    wanted = {(d.user_id, d.key): d for d in drafts if (d.user_id, d.kind) not in off}
    existing = set(
        Notification.objects.filter(user_id__in=user_ids, key__in={key for _user, key in wanted}).values_list("user_id", "key")
    )
    new = [
        Notification(user_id=d.user_id, kind=d.kind, key=d.key, params=d.params, url=d.url())
        for pair, d in wanted.items()
        if pair not in existing
    ]
    # A concurrent sweep may have written some meanwhile: the unique constraint keeps one of each.
    Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def notifications_deliver(*, limit: int = 500) -> int:
    """E-mail notifications not e-mailed yet (to users with an address), each in its user's language (or the
    site's); each one is claimed before sending.

    Rows are locked with SKIP LOCKED where the database can, so two workers never send the same one.
    Users without an e-mail address only see the inbox; their rows are marked as handled.
    """
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True)
            .select_related("user")
            .order_by("id")[:limit]
        )
        if not pending:
            return 0
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    messages = []
    for notification in pending:
        if not notification.user.email or not notification.user.is_active:
            continue
        # The reader's language, not that of whichever request or worker runs the delivery.
        with translation.override(notification.user.language or settings.LANGUAGE_CODE):
            body = notification.message
            if notification.url:
                body += "\n\n" + _site_url(notification.url)
            subject = _("[KAM Planner] %(kind)s") % {"kind": NotificationKind(notification.kind).label}
        messages.append(EmailMessage(subject=subject, body=body, to=[notification.user.email]))
    if messages:
        try:
            mailers.default.send_messages(messages)
        except Exception:
            # Give them back so the next run tries again; the task retries with backoff.
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=None)
            raise
    logger.info("E-mailed %d of %d notifications", len(messages), len(pending))
    return len(messages)


def _site_url(path: str) -> str:
    return getattr(settings, "KAM_SITE_URL", "").rstrip("/") + path


def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: the given ones, or all of them. Others' notifications are untouched."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())


def notification_preferences_save(
    *, user: User, enabled_kinds: Iterable[str], acting_user: User, language: str | None = None
) -> None:
    """Turn each kind on or off for the user and, when given, store their language (accounts' user_language_set).

    Only the user changes their own; all of it is saved or, on a refusal, none of it.
    """
    if acting_user.pk != user.pk:
        raise PermissionError(_("You can only change your own notifications."))
    enabled = set(enabled_kinds)
    unknown = enabled - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    with transaction.atomic():
        for kind in NotificationKind.values:
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": kind in enabled})
        if language is not None:
            user_language_set(user=user, language=language, acting_user=acting_user)
