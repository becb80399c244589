"""Tells the successors of a handover (registered with accounts in NotificationsConfig.ready())."""

from accounts.handover import HandoverDone
from notifications.models import NotificationKind
from notifications.services import NotificationDraft, notifications_create


def notify_successors(done: HandoverDone) -> None:
    """One notification per successor, once per handover (its key names the person who left)."""
    work = sum(count for count in list(done.moved.values())[1:])
    accounts = len(done.accounts)
    drafts = []
    for successor in {done.successor.pk: done.successor, done.work_successor.pk: done.work_successor}.values():
        drafts.append(
            NotificationDraft(
                user_id=successor.pk,
                kind=NotificationKind.HANDOVER,
                key=f"handover-{done.person.pk}",
                params={
                    "person": str(done.person),
                    "accounts": accounts if successor == done.successor else 0,
                    "work": work if successor == done.work_successor else 0,
                },
                url_name="accounts:home",
            )
        )
    notifications_create(drafts=drafts)
