"""What `seed_demo` gives the demo users to work on: activities, performance data, plans, meetings, reviews."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from demo.accounts_seed import demo_flush
from accounts.models import Account, CustomerActivity, GradeChange, UnmetNeed, User
from accounts.selectors import accounts_visible_to
from demo.performance import performance_demo_flush
from performance.models import KpiSnapshot, KpiTarget, NpsResponse, TimeEntry
from demo.planning import planning_demo_flush
from planning.models import (
    AccountPlan,
    ActionItem,
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MarketingAction,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
    StepComment,
    StrategicTask,
    SupportRequest,
)
from planning.rules import incomplete_plan_steps, plan_step_states
from planning.selectors import plan_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_every_account_has_activities_with_participants_grade_history_and_unmet_needs(seeded):
    today = timezone.localdate()
    for account in Account.objects.annotate(
        n=Count("activities", distinct=True), needs=Count("unmet_needs", distinct=True),
        changes=Count("grade_changes", distinct=True),
    ):
        assert account.n >= 4, account
        assert 1 <= account.needs <= 3, account
        assert account.changes >= 1, account
        assert account.activities.filter(kind=CustomerActivity.Kind.SUPPORT_INCIDENT).exists(), account
        assert account.activities.filter(starts_on__gt=today).exists(), account  # something is coming up
    assert not CustomerActivity.objects.annotate(n=Count("contacts")).filter(n=0).exists()
    assert not CustomerActivity.objects.annotate(n=Count("our_people")).filter(n=0).exists()
    # Participants come from the activity's own account.
    assert not CustomerActivity.contacts.through.objects.exclude(
        contact__account_id=F("customeractivity__account_id")).exists()
    assert CustomerActivity.objects.filter(kind=CustomerActivity.Kind.SUPPORT_INCIDENT, resolved_on__isnull=True).exists()
    assert set(CustomerActivity.objects.values_list("kind", flat=True)) == set(CustomerActivity.Kind.values)
    assert GradeChange.objects.filter(from_grade__isnull=False).exists()
    for account in Account.objects.all():
        latest = account.grade_changes.order_by("-changed_on").first()
        assert latest.to_grade_id == account.grade_id, account
    assert not UnmetNeed.objects.exclude(org_unit__account_id=F("account_id")).exists()


def test_dashboards_have_targets_nps_time_and_snapshots_of_today_and_a_week_ago(seeded):
    today = timezone.localdate()
    assert KpiTarget.objects.values("account").distinct().count() == Account.objects.count()
    assert NpsResponse.objects.values("account").distinct().count() == Account.objects.count()
    assert TimeEntry.objects.exists()
    assert not TimeEntry.objects.filter(account__team_type=Account.TeamType.SALES).exists()
    days = set(KpiSnapshot.objects.values_list("as_of", flat=True))
    assert days == {today, today - datetime.timedelta(days=7)}
    assert KpiSnapshot.objects.filter(as_of=today).values("account").distinct().count() == Account.objects.count()
    assert KpiSnapshot.objects.filter(as_of=today, status__in=["on_track", "at_risk", "off_track"]).exists()
    # Quarters of KPIs that add up over time sum to their year, as step 4 of a plan requires.
    for target in KpiTarget.objects.filter(period_kind="year", kpi__rollup="sum")[:50]:
        quarters = KpiTarget.objects.filter(
            account=target.account, kpi=target.kpi, fiscal_year=target.fiscal_year, period_kind="quarter")
        assert sum(q.value for q in quarters) == target.value


def test_am_finds_plans_in_several_states_and_exec_finds_a_meeting_with_an_agenda(seeded):
    am, am2, executive = (User.objects.get(username=name) for name in ("am", "am2", "exec"))
    mine = AccountPlan.objects.filter(account__in=accounts_visible_to(am))
    assert set(mine.values_list("status", flat=True)) == {
        PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.CHANGES_REQUESTED}
    assert mine.filter(status=PlanStatus.DRAFT).count() >= 2
    theirs = AccountPlan.objects.filter(account__in=accounts_visible_to(am2))
    assert {PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED} <= set(theirs.values_list("status", flat=True))
    assert AccountPlan.objects.filter(account__in=accounts_visible_to(executive)).count() == AccountPlan.objects.count()

    now = timezone.now()
    upcoming = ConsensusMeeting.objects.filter(scheduled_for__gt=now).get()
    assert AgendaItem.objects.filter(meeting=upcoming).count() == 2
    assert set(AgendaItem.objects.filter(meeting=upcoming).values_list("version__plan__status", flat=True)) == {
        PlanStatus.SUBMITTED}
    assert not Decision.objects.filter(meeting=upcoming).exists()
    # Every decision was taken at a past meeting, after its version was submitted.
    for decision in Decision.objects.select_related("meeting", "version"):
        assert decision.meeting.scheduled_for < now
        assert decision.version.submitted_at < decision.decided_at
    # Every submitted version is on exactly one agenda.
    assert PlanVersion.objects.filter(agenda_item__isnull=True).count() == 0
    # Their PDFs are made when first opened, not queued all at once ahead of the scheduled work.
    from planning.models import PlanPdf

    assert not PlanPdf.objects.exists()


def test_the_approved_plan_has_resources_overdue_actions_and_reviews_the_sent_back_plan_has_step_comments(seeded):
    today = timezone.localdate()
    approved = AccountPlan.objects.filter(status=PlanStatus.APPROVED, owner__username="am").get()
    decision = approved.approved_version.decision
    assert decision.outcome == Decision.Outcome.APPROVED
    assert decision.committed_budget > 0 and decision.committed_people
    actions = ActionItem.objects.filter(plan=approved)
    assert actions.filter(kind=ActionItem.Kind.MILESTONE).count() >= 2
    assert actions.filter(parent__isnull=False).exists()
    assert actions.filter(status=ActionItem.Status.DONE).exists()
    overdue = actions.filter(due_on__lt=today, status__in=ActionItem.OPEN_STATUSES)
    assert overdue.filter(kind=ActionItem.Kind.MILESTONE).exists() and overdue.filter(kind=ActionItem.Kind.TASK).exists()
    assert StrategicTask.objects.filter(plan=approved).exists()
    assert MarketingAction.objects.filter(plan=approved).filter(Q(contact__is_fox=True) | Q(contact__is_kingpin=True)).exists()
    assert SupportRequest.objects.filter(plan=approved).count() == 3
    reviews = QuarterlyReview.objects.filter(plan__status=PlanStatus.APPROVED)
    assert reviews.filter(status=QuarterlyReview.Status.SIGNED_OFF).exists()
    assert reviews.filter(status=QuarterlyReview.Status.OPEN, comments__isnull=False).exists()

    sent_back = AccountPlan.objects.get(status=PlanStatus.CHANGES_REQUESTED)
    decision = sent_back.versions.get().decision
    assert decision.outcome == Decision.Outcome.CHANGES_REQUESTED
    assert StepComment.objects.filter(decision=decision).count() == 2

    # Drafts are part-filled: the org chart is reviewed, yet they cannot be submitted.
    for draft in AccountPlan.objects.filter(status=PlanStatus.DRAFT):
        assert draft.org_reviewed_at is not None
        assert incomplete_plan_steps(plan_step_states(draft, plan_facts(plan=draft)))
    # A submitted plan passed the completeness rules.
    submitted = AccountPlan.objects.filter(status=PlanStatus.SUBMITTED).first()
    assert not incomplete_plan_steps(plan_step_states(submitted, plan_facts(plan=submitted)))


def test_flush_removes_plans_meetings_performance_and_activity_data(seeded):
    planning_demo_flush()
    performance_demo_flush()
    demo_flush()
    for model in (
        Account, CustomerActivity, GradeChange, UnmetNeed, KpiTarget, KpiSnapshot, NpsResponse, TimeEntry,
        AccountPlan, ConsensusMeeting, PlanVersion, ActionItem, QuarterlyReview,
    ):
        assert not model.objects.exists(), model.__name__
    assert not AccountPlan.history.exists() and not KpiTarget.history.exists()
    assert not CustomerActivity.contacts.through.objects.exists()


def test_seed_flush_replaces_plans_without_duplicates(seeded):
    plans, meetings = AccountPlan.objects.count(), ConsensusMeeting.objects.count()
    call_command("seed_demo", "--flush", stdout=StringIO())
    assert AccountPlan.objects.count() == plans
    assert ConsensusMeeting.objects.count() == meetings == 3


def test_seed_performance_alone_adds_nothing_to_a_seeded_database(seeded):
    before = (KpiTarget.objects.count(), NpsResponse.objects.count(), TimeEntry.objects.count())
    out = StringIO()
    call_command("seed_performance", stdout=out)
    assert (KpiTarget.objects.count(), NpsResponse.objects.count(), TimeEntry.objects.count()) == before
    assert "snapshot" in out.getvalue()


def test_the_demo_keeps_the_roles_rules(seeded):
    """The demo executive (executive sponsor on the key accounts) writes no account data or plan
    content, no decider edited or submitted what they decided, and each plan's KAM is its account's."""
    from accounts.models import AccountTeamMember
    from planning.authorship import CONTENT_MODELS, version_authors

    executive = User.objects.get(username="exec")
    assert AccountTeamMember.objects.filter(user=executive, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR).exists()
    assert not GradeChange.objects.filter(changed_by=executive).exists()
    assert not KpiTarget.objects.filter(set_by=executive).exists()
    for version in PlanVersion.objects.all():
        assert executive.pk not in version_authors(version=version)
    for model in CONTENT_MODELS:
        assert not model.history.filter(history_user=executive).exists(), model
    for decision in Decision.objects.select_related("version"):
        assert decision.decided_by_id not in version_authors(version=decision.version)
    kams = dict(AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM).values_list("account_id", "user_id"))
    for account_id, owner_id in AccountPlan.objects.exclude(status=PlanStatus.CLOSED).values_list("account_id", "owner_id"):
        assert owner_id == kams.get(account_id)
