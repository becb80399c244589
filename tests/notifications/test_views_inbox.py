"""The inbox page, the navbar badge, marking read and the per-kind settings."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import NotificationDraft, notifications_create

pytestmark = pytest.mark.django_db


def _notify(user, count: int) -> None:
    notifications_create(drafts=[
        NotificationDraft(user.pk, NotificationKind.ACTION_DUE, f"action-due:{n}",
                          {"title": f"<script>alert({n})</script>", "plan": "Acme · FY 2025", "due": "2025-04-15"},
                          "planning:plan-step", {"plan_id": 1, "step": 5})
        for n in range(count)
    ])


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("count", [3, 300])
def test_inbox_query_budget_does_not_grow(client_for, account_manager, django_assert_max_num_queries, count):
    _notify(account_manager, count)
    client = client_for(account_manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200


def test_inbox_shows_only_my_notifications_escaped(client_for, account_manager, other_account_manager):
    _notify(account_manager, 1)
    notifications_create(drafts=[NotificationDraft(other_account_manager.pk, NotificationKind.YEAR_END, "year-end:9",
                                                   {"year": 2025, "account": "Secret Corp"})])
    html = client_for(account_manager).get(reverse("notifications:inbox")).content.decode()
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in html and "<script>alert(0)" not in html
    assert "Secret Corp" not in html


def test_badge_counts_unread(client_for, account_manager):
    _notify(account_manager, 2)
    client = client_for(account_manager)
    assert ">2<" in client.get(reverse("notifications:unread-badge")).content.decode()
    client.post(reverse("notifications:read-all"))
    assert "badge" not in client.get(reverse("notifications:unread-badge")).content.decode()


def test_every_page_loads_the_badge_without_counting(client_for, account_manager):
    html = client_for(account_manager).get(reverse("accounts:home")).content.decode()
    assert reverse("notifications:unread-badge") in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, account_manager):
    _notify(account_manager, 1)
    note = Notification.objects.get()
    response = client_for(account_manager).post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/plans/1/step/5/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_cannot_open_someone_elses_notification(client_for, account_manager, other_account_manager):
    _notify(account_manager, 1)
    note = Notification.objects.get()
    assert client_for(other_account_manager).post(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_open_does_not_follow_a_link_off_the_site(client_for, account_manager):
    note = Notification.objects.create(user=account_manager, kind=NotificationKind.ACTION_DUE, key="k", url="https://evil.example/")
    response = client_for(account_manager).post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_turning_kinds_off_is_saved(client_for, account_manager):
    response = client_for(account_manager).post(
        reverse("notifications:preferences"), {"kinds": [NotificationKind.REVIEW_DUE, NotificationKind.PLAN_DECISION]}
    )
    assert response.status_code == 302
    off = set(NotificationPreference.objects.filter(user=account_manager, enabled=False).values_list("kind", flat=True))
    assert off == set(NotificationKind.values) - {NotificationKind.REVIEW_DUE, NotificationKind.PLAN_DECISION}


def test_an_unknown_kind_is_refused_and_nothing_saved(client_for, account_manager):
    response = client_for(account_manager).post(reverse("notifications:preferences"), {"kinds": ["spam"]})
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_get_on_a_post_only_url_is_refused(client_for, account_manager):
    assert client_for(account_manager).get(reverse("notifications:read-all")).status_code == 405
