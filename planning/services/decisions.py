"""Submitting a plan (its frozen version) and the executives' decision on it, with the notification of the team."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountTeamMember, User
from accounts.permissions import (
    user_can_decide_plans,
)
from notifications.models import NotificationKind
from notifications.services import NotificationDraft, notifications_create
from planning import grants as grants_module
from planning import meetings
from planning.models import (
    AccountPlan,
    ConsensusMeeting,
    Decision,
    PlanVersion,
    StepComment,
)
from planning.selectors.completeness import plan_facts
from planning.selectors.kpis import plan_targets
from planning.authorship import version_authors
from planning.pdfs import version_pdfs_request
from planning.rules import incomplete_plan_steps, plan_step_states
from planning.snapshot import plan_snapshot

from .agenda import agenda_item_add
from .workflow import PlanAction, DECISION_ACTIONS, _locked, _require_not_author, _transition, transition_for


def plan_submit(
    *, plan: AccountPlan, acting_user: User, meeting: ConsensusMeeting | None = None, note: str = ""
) -> PlanVersion:
    """Submit the plan for the consensus meeting: steps 1–5 must be complete; the version is frozen."""
    with transaction.atomic():
        current = _locked(plan)
        transition = transition_for(plan=current, action=PlanAction.SUBMIT, acting_user=acting_user)
        # Read once: the completeness rules and the frozen snapshot see the same targets.
        targets = plan_targets(plan=current)
        missing = incomplete_plan_steps(plan_step_states(current, plan_facts(plan=current, targets=targets)))
        if missing:
            raise ValidationError(
                _("Complete these steps before submitting: %(steps)s.")
                % {"steps": ", ".join(f"{state.number}. {state.title}" for state in missing)}
            )
        number = (PlanVersion.objects.filter(plan=current).aggregate(top=Max("number"))["top"] or 0) + 1
        submission = PlanVersion.objects.filter(plan=current, revision=current.revision).count() + 1
        version = PlanVersion.objects.create(
            plan=current, number=number, revision=current.revision, submission=submission, snapshot=plan_snapshot(current, targets=targets),
            submitted_by=acting_user, submitted_at=timezone.now(), note=note,
        )
        _transition(plan=current, transition=transition, acting_user=acting_user)
        if meeting is not None:
            agenda_item_add(meeting=meeting, version=version, acting_user=acting_user, check_role=False)
        # The frozen version's PDF, made once by the worker after commit (planning.pdfs).
        version_pdfs_request(version=version, acting_user=acting_user)
    plan.status, plan.lock_version = current.status, current.lock_version
    return version


def plan_decide(
    *,
    version: PlanVersion,
    outcome: str,
    acting_user: User,
    comment: str = "",
    step_comments: dict[int, str] | None = None,
    committed_budget: Decimal | None = None,
    committed_people: str = "",
    meeting: ConsensusMeeting | None = None,
    grants: "list[grants_module.GrantInput] | None" = None,
) -> Decision:
    """An executive's decision on the submitted version, with comments per step and, on approval, the
    resources granted against each support request (planning.grants)."""
    step_comments = {step: text.strip() for step, text in (step_comments or {}).items() if text and text.strip()}
    with transaction.atomic():
        plan = _locked(version.plan)
        transition = transition_for(plan=plan, action=DECISION_ACTIONS[outcome], acting_user=acting_user)
        _require_not_author(
            version=version, acting_user=acting_user,
            message=_("You submitted or edited this version of the plan: another executive decides on it."),
        )
        if meeting is not None:
            meetings.decision_check(meeting=meeting, version=version, acting_user=acting_user)
        latest = PlanVersion.objects.filter(plan=plan).aggregate(top=Max("number"))["top"]
        if version.number != latest or Decision.objects.filter(version=version).exists():
            raise ValidationError(_("This version was already decided or superseded."))
        if outcome != Decision.Outcome.APPROVED and not (comment.strip() or step_comments):
            raise ValidationError(_("Say why: write a comment, on the whole plan or on a step."))
        if outcome != Decision.Outcome.APPROVED and (committed_budget is not None or committed_people.strip()):
            raise ValidationError(_("Resources are committed only with an approval."))
        if committed_budget is not None and committed_budget < 0:
            raise ValidationError(_("The committed budget cannot be negative."))
        if any(step not in range(1, 8) for step in step_comments):
            raise ValidationError(_("Comments belong to steps 1 to 7."))
        if grants and outcome != Decision.Outcome.APPROVED:
            raise ValidationError(_("Resources are committed only with an approval."))
        grant_rows = grants_module.grants_check(version=version, grants=grants) if grants else []
        decision = Decision.objects.create(
            version=version, meeting=meeting, outcome=outcome, comment=comment.strip(),
            committed_budget=committed_budget, committed_people=committed_people.strip(),
            decided_by=acting_user, decided_at=timezone.now(),
        )
        StepComment.objects.bulk_create([StepComment(decision=decision, step=step, text=text) for step, text in sorted(step_comments.items())])
        if outcome == Decision.Outcome.APPROVED:
            grants_module.grants_save(
                decision=decision, rows=grant_rows, committed_budget=committed_budget, committed_people=committed_people.strip()
            )
        if outcome == Decision.Outcome.APPROVED:
            plan.approved_version = version
        _transition(plan=plan, transition=transition, acting_user=acting_user)
        # Inbox rows in the same transaction; e-mail goes out from the delivery task, so the
        # executive's request never talks to the broker.
        plan_decision_notify(plan=plan, decision_id=decision.pk, outcome=outcome, comment=decision.comment,
                             step_comments=step_comments)
    return decision


def plan_label(account_name: str, fiscal_year: int) -> str:
    """How notifications name a plan (kept as data, shown in any language)."""
    return f"{account_name} · FY {fiscal_year}"


def _decision_quote(comment: str, step_comments: dict[int, str]) -> dict[str, str]:
    """The decision's comments, quoted in the notification and its e-mail, in every language of the site."""
    from django.conf import settings
    from django.utils import translation

    from planning.rules import STEP_TITLES

    quotes = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines = [f"{step}. {STEP_TITLES[step]}: {text}" for step, text in sorted(step_comments.items())]
            if comment:
                lines.insert(0, f"“{comment}”")
            quotes[code] = "\n".join(lines)
    return quotes


def plan_decision_notify(
    *, plan: AccountPlan, decision_id: int, outcome: str, comment: str = "", step_comments: dict[int, str] | None = None
) -> int:
    """Tell the plan's owner and its account team the meeting's decision, quoting its comments, in the inbox
    and by e-mail.

    Writes rows only: no broker call, so a decision never waits on Redis.
    """
    recipients = set(AccountTeamMember.objects.filter(account_id=plan.account_id).values_list("user_id", flat=True))
    if plan.owner_id:
        recipients.add(plan.owner_id)
    params = {"plan": plan_label(plan.account.name, plan.fiscal_year), "outcome": outcome}
    if comment or step_comments:
        params["quote_i18n"] = _decision_quote(comment, step_comments or {})
    return notifications_create(
        drafts=[NotificationDraft(user_id, NotificationKind.PLAN_DECISION, f"decision:{decision_id}", params,
                                  "planning:plan-detail", {"plan_id": plan.pk})
                for user_id in sorted(recipients)]
    )


def decision_allowed(*, version: PlanVersion, user: User) -> bool:
    """Whether the user may decide on the version (an executive who neither submitted nor edited it)."""
    return user_can_decide_plans(user) and user.pk not in version_authors(version=version)
