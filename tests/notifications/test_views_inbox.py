"""The inbox page, the navbar badge, marking read and the settings (kinds and language)."""

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import NotificationDraft, notification_preferences_save, notifications_create

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


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


@pytest.mark.parametrize("language", ["", "ko"])
@pytest.mark.parametrize("count", [3, 300])
def test_inbox_query_budget_does_not_grow(client_for, account_manager, django_assert_max_num_queries, count, language):
    """The inbox is also the settings page (kinds and language): the same budget with either."""
    account_manager.language = language
    account_manager.save()
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


def test_settings_show_the_language_choice_with_mine_selected(client_for, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    html = client_for(account_manager).get(reverse("notifications:inbox")).text
    assert '<option value="">Site default (English)</option>' in html
    assert '<option value="ko" selected lang="ko">한국어</option>' in html


def test_choosing_a_language_stores_it_and_switches_the_site(client_for, account_manager):
    client = client_for(account_manager)
    response = client.post(reverse("notifications:preferences"), {"kinds": NotificationKind.values, "language": "ko"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ko"
    account_manager.refresh_from_db()
    assert account_manager.language == "ko"
    html = client.get(reverse("notifications:inbox")).text
    assert 'lang="ko"' in html and "알림 설정을 저장했습니다." in html


def test_choosing_the_site_default_stores_it_and_shows_the_site_in_it(client_for, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    client = client_for(account_manager)
    client.cookies[COOKIE] = "ko"
    response = client.post(reverse("notifications:preferences"), {"kinds": NotificationKind.values, "language": ""})
    assert response.cookies[COOKIE].value == settings.LANGUAGE_CODE
    account_manager.refresh_from_db()
    assert account_manager.language == ""
    assert "Your notification settings were saved." in client.get(reverse("notifications:inbox")).text


def test_saving_only_the_kinds_keeps_the_language_of_this_browser(client_for, account_manager):
    client = client_for(account_manager)
    client.cookies[COOKIE] = "ko"
    response = client.post(reverse("notifications:preferences"), {"kinds": [NotificationKind.REVIEW_DUE], "language": ""})
    assert response.status_code == 302 and COOKIE not in response.cookies
    assert 'lang="ko"' in client.get(reverse("notifications:inbox")).text


@pytest.mark.parametrize("language", ["fr", "xx", "ko-KR"])
def test_a_language_not_offered_is_refused_with_a_message_and_nothing_saved(client_for, account_manager, language):
    account_manager.language = "en"
    account_manager.save()
    response = client_for(account_manager).post(
        reverse("notifications:preferences"), {"kinds": [NotificationKind.REVIEW_DUE], "language": language}
    )
    assert response.status_code == 400
    assert COOKIE not in response.cookies
    html = response.content.decode()
    assert "Those choices are not valid. Nothing was changed." in html
    assert "Choose one of the languages offered." in html
    account_manager.refresh_from_db()
    assert account_manager.language == "en"
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("role_fixture", ["kam_admin", "executive", "other_account_manager"])
def test_nobody_else_changes_a_users_settings_or_language(request, account_manager, role_fixture):
    with pytest.raises(PermissionError):
        notification_preferences_save(
            user=account_manager, enabled_kinds=[], language="ko", acting_user=request.getfixturevalue(role_fixture)
        )
    account_manager.refresh_from_db()
    assert account_manager.language == ""
    assert not NotificationPreference.objects.exists()


def test_the_settings_change_only_the_signed_in_users_language(client_for, account_manager, other_account_manager):
    """The form names no user: whatever is posted, the signed-in user's own settings change."""
    client_for(account_manager).post(
        reverse("notifications:preferences"), {"kinds": [], "language": "ko", "user": other_account_manager.pk}
    )
    account_manager.refresh_from_db()
    other_account_manager.refresh_from_db()
    assert (account_manager.language, other_account_manager.language) == ("ko", "")
