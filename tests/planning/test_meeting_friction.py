"""The friction found in the meeting loop: comments where the KAM works, times in the site's zone, links
between versions and meetings, confirmations, and names people understand."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from planning import forms, services
from planning.models import AccountPlan, Decision
from tests.factories import ConsensusMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_back(submitted, executive):
    plan, version = submitted
    services.plan_decide(version=version, outcome=Decision.Outcome.CHANGES_REQUESTED, acting_user=executive,
                         comment="Close but not yet", step_comments={4: "Raise the Q3 target"})
    plan.refresh_from_db()
    return plan, version


def test_the_step_shows_the_meetings_comment_on_it_and_in_its_checklist(client_for, sent_back, account_manager):
    plan, _version = sent_back
    page = client_for(account_manager).get(reverse("planning:plan-step", args=[plan.pk, 4]))
    assert 'data-testid="step-decision-comments"' in page.text
    assert page.text.count("Raise the Q3 target") == 2 and "Close but not yet" in page.text
    other = client_for(account_manager).get(reverse("planning:plan-step", args=[plan.pk, 3]))
    assert "Raise the Q3 target" not in other.text and "Close but not yet" in other.text


def test_the_comments_stay_until_the_plan_is_submitted_again_and_approved_plans_read_none(
    submitted, executive, account_manager, django_assert_num_queries,
):
    from planning.selectors import latest_step_comments

    plan, version = submitted
    with django_assert_num_queries(0):  # its last version awaits a decision
        assert latest_step_comments(plan=plan, step=4) is None
    services.plan_decide(version=version, outcome=Decision.Outcome.REJECTED, acting_user=executive,
                         comment="Not this year", step_comments={4: "Start over"})
    plan.refresh_from_db()
    plan = services.plan_revise(plan=plan, acting_user=account_manager)
    assert plan.status == "draft"
    with django_assert_num_queries(1):  # the last version, its decision, who decided and the step's comment
        comments = latest_step_comments(plan=plan, step=4)
        assert comments["decision"].decided_by == executive
    assert comments["step_texts"] == ["Start over"] and comments["decision"].comment == "Not this year"
    assert latest_step_comments(plan=plan, step=3)["step_texts"] == []  # the plan's comment alone
    plan.status = "approved"
    with django_assert_num_queries(0):
        assert latest_step_comments(plan=plan, step=4) is None


def test_the_decision_notification_quotes_the_comments_in_the_readers_language(sent_back, account_manager):
    from django.utils import translation

    note = Notification.objects.get(user=account_manager, kind=NotificationKind.PLAN_DECISION)
    assert "Raise the Q3 target" in note.message and "“Close but not yet”" in note.message
    assert "4. Account strategy: Raise the Q3 target" in note.message
    with translation.override("ko"):
        assert "4. 어카운트 전략: Raise the Q3 target" in note.message


def test_the_submit_dropdown_shows_meetings_in_the_sites_zone(executive):
    meeting = ConsensusMeetingFactory(title="Seoul", created_by=executive,
                                      scheduled_for=datetime.datetime(2030, 3, 4, 1, 0, tzinfo=datetime.UTC))
    form = forms.SubmitForm(meetings=[meeting])
    assert dict(form.fields["meeting"].choices)[str(meeting.pk)] == "Seoul · 2030-03-04 10:00"


def test_resubmitting_preselects_the_meeting_it_was_discussed_in(client_for, plan, account_manager, executive):
    meeting = ConsensusMeetingFactory(created_by=executive, status="in_session")
    version = services.plan_submit(plan=plan, acting_user=account_manager, meeting=meeting)
    services.plan_decide(version=version, outcome="changes_requested", comment="Again", acting_user=executive, meeting=meeting)
    page = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk]))
    assert f'<option value="{meeting.pk}" selected>' in page.text


def test_an_executive_sees_the_meeting_of_a_submitted_plan(client_for, plan, account_manager, executive):
    meeting = ConsensusMeetingFactory(created_by=executive)
    version = services.plan_submit(plan=plan, acting_user=account_manager, meeting=meeting)
    page = client_for(executive).get(reverse("planning:plan-detail", args=[plan.pk]))
    assert reverse("planning:meeting-item", args=[meeting.pk, version.agenda_item.pk]) in page.text
    assert 'data-testid="plan-meeting-link"' not in client_for(account_manager).get(
        reverse("planning:plan-detail", args=[plan.pk])).text


def test_the_second_submission_links_to_what_changed_and_is_named_for_people(client_for, sent_back, account_manager, executive):
    plan, _first = sent_back
    meeting = ConsensusMeetingFactory(created_by=executive)
    second = services.plan_submit(plan=plan, acting_user=account_manager, meeting=meeting)
    assert second.label == "Revision 1 · submission 2"
    page = client_for(executive).get(reverse("planning:meeting-item", args=[meeting.pk, second.agenda_item.pk]))
    assert 'data-testid="what-changed"' in page.text and "?base=1&amp;other=2" in page.text
    assert "Revision 1 · submission 2" in page.text and "Previous plan" not in page.text


def test_an_executives_decision_is_not_the_last_save(approved_plan, account_manager):
    assert approved_plan.updated_by == account_manager


def test_a_plan_under_revision_is_listed_as_approved_with_the_revision_in_progress(client_for, approved_plan, account_manager):
    services.plan_revise(plan=approved_plan, acting_user=account_manager)
    page = client_for(account_manager).get(reverse("planning:plan-list"))
    assert 'data-testid="revision-in-progress"' in page.text and "revision 2 in progress" in page.text


def test_actions_that_lose_state_ask_first(client_for, approved_plan, account_manager):
    page = client_for(account_manager).get(reverse("planning:plan-detail", args=[approved_plan.pk]))
    assert 'data-testid="revise-plan" data-confirm=' in page.text
    assert AccountPlan.objects.get(pk=approved_plan.pk).status == "approved"
