"""Notifications are created once per user and event, and e-mailed once."""

import pytest
from django.core import mail
from django.utils import translation

from notifications.models import Notification, NotificationKind
from notifications.services import NotificationDraft, notifications_create, notifications_deliver
from notifications.tasks import deliver_notifications
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _draft(user, key="review-due:1"):
    return NotificationDraft(user.pk, NotificationKind.REVIEW_DUE, key, {"quarter": 1, "plan": "Acme · FY 2025", "due": "2025-04-15"},
                             "planning:review-detail", {"plan_id": 1, "quarter": 1})


def test_the_same_event_notifies_a_user_once(account_manager):
    assert notifications_create(drafts=[_draft(account_manager), _draft(account_manager)]) == 1
    assert notifications_create(drafts=[_draft(account_manager)]) == 0
    assert Notification.objects.count() == 1


def test_delivery_emails_each_notification_once(account_manager):
    account_manager.email = "am@example.com"
    account_manager.save()
    notifications_create(drafts=[_draft(account_manager)])
    assert deliver_notifications.delay().get() == 1
    assert notifications_deliver() == 0
    [message] = mail.outbox
    assert message.to == ["am@example.com"]
    assert "Quarterly review due" in message.subject
    assert "The Q1 review of Acme · FY 2025 is open; it is due on 2025-04-15." in message.body
    assert "/plans/1/reviews/q1/" in message.body


def test_users_without_an_address_only_get_the_inbox():
    user = UserFactory(email="")
    notifications_create(drafts=[_draft(user)])
    assert notifications_deliver() == 0
    assert not mail.outbox
    assert Notification.objects.get().emailed_at is not None


def test_a_failed_send_is_tried_again(account_manager, monkeypatch):
    account_manager.email = "am@example.com"
    account_manager.save()
    notifications_create(drafts=[_draft(account_manager)])

    def refuse(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(OSError):
        notifications_deliver()
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert notifications_deliver() == 1


def test_a_message_with_unexpected_details_falls_back_to_its_kind(account_manager):
    note = Notification.objects.create(user=account_manager, kind=NotificationKind.REVIEW_DUE, key="x", params={})
    assert note.message == "Quarterly review due"


def test_each_user_gets_the_email_in_their_own_language():
    korean = UserFactory(email="ko@example.com", language="ko")
    english = UserFactory(email="en@example.com", language="en")
    site_default = UserFactory(email="default@example.com", language="")
    notifications_create(drafts=[_draft(user) for user in (korean, english, site_default)] + [
        NotificationDraft(korean.pk, NotificationKind.PLAN_DECISION, "decision:1", {"plan": "Acme · FY 2025", "outcome": "approved"}),
    ])
    # Whatever language the delivering request or worker is in.
    with translation.override("ko"):
        assert notifications_deliver() == 4
    with translation.override("en"):
        assert notifications_deliver() == 0
    by_address = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    [review, decision] = by_address["ko@example.com"]
    assert review.subject == "[KAM Planner] 분기 점검 기한 도래"
    assert "Acme · FY 2025의 1분기 점검이 시작되었습니다. 기한은 2025-04-15입니다." in review.body
    assert decision.subject == "[KAM Planner] 플랜 결정 완료"
    assert decision.body == "Acme · FY 2025: 컨센서스 미팅 결정 “승인됨”"
    for address in ("en@example.com", "default@example.com"):
        [message] = by_address[address]
        assert message.subject == "[KAM Planner] Quarterly review due"
        assert "The Q1 review of Acme · FY 2025 is open; it is due on 2025-04-15." in message.body


def test_the_site_default_follows_the_sites_language(settings):
    settings.LANGUAGE_CODE = "ko"
    user = UserFactory(email="default@example.com", language="")
    notifications_create(drafts=[_draft(user)])
    notifications_deliver()
    assert mail.outbox[0].subject == "[KAM Planner] 분기 점검 기한 도래"
