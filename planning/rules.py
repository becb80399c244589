"""When is a step of the plan complete? Rules a user can read, each true or false.

The rules are computed from `PlanFacts` (a handful of aggregate queries, see
planning.selectors.completeness.plan_facts), so the overview page costs the same for any plan size.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from planning.models import PLAN_STEPS, AccountPlan

STEP_TITLES = {
    1: _("Org chart review"),
    2: _("Org units and opportunities"),
    3: _("Customer's business plan"),
    4: _("Account strategy"),
    5: _("Execution"),
    6: _("Quarterly reviews"),
    7: _("Year-end"),
}

STEP_ICONS = {
    1: "diagram-3",
    2: "signpost-split",
    3: "file-earmark-text",
    4: "bullseye",
    5: "kanban",
    6: "calendar-check",
    7: "flag",
}


@dataclass(frozen=True)
class Rule:
    text: str
    ok: bool
    detail: str = ""


@dataclass
class StepState:
    number: int
    title: str
    icon: str
    rules: list[Rule] = field(default_factory=list)
    due: bool = True  # steps 6 and 7 are only due once the plan has been approved
    nothing_due: bool = False  # step 6 before any quarter has ended: not complete, nothing to do yet

    @property
    def complete(self) -> bool:
        return self.due and not self.nothing_due and all(rule.ok for rule in self.rules)


@dataclass
class PlanFacts:
    """What the rules need to know beyond the plan's own fields."""

    latest_org_change_at: object = None
    decision_makers: int = 0
    open_opportunities: int = 0
    unmapped_opportunities: int = 0
    strategic_tasks: int = 0
    marketing_actions_with_fox_or_kingpin: int = 0
    tasks: int = 0
    milestones: int = 0
    actions_without_owner: int = 0
    kpis: int = 0
    target_problems: list[str] = field(default_factory=list)
    ended_quarters: int = 0
    reviews_of_ended_quarters: int = 0
    signed_off_reviews_of_ended_quarters: int = 0


def _filled(*values: str) -> bool:
    return all(str(value or "").strip() for value in values)


def _step_1(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    reviewed = plan.org_reviewed_at is not None
    current = reviewed and (facts.latest_org_change_at is None or facts.latest_org_change_at <= plan.org_reviewed_at)
    return [
        Rule(_("Someone on the account team confirmed the org chart review."), reviewed),
        Rule(
            _("No org change was recorded after that review."),
            current,
            "" if current or not reviewed else str(_("The org chart changed after the review: confirm it again.")),
        ),
        Rule(_("At least one active decision maker is on record."), facts.decision_makers > 0),
    ]


def _step_2(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    missing = facts.unmapped_opportunities
    return [
        Rule(_("The account has at least one open opportunity."), facts.open_opportunities > 0),
        Rule(
            _("Every open opportunity has a sponsoring org unit."),
            missing == 0,
            ngettext("%(count)d opportunity has none.", "%(count)d opportunities have none.", missing) % {"count": missing}
            if missing
            else "",
        ),
    ]


def _step_3(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    return [
        Rule(_("What we know of the customer's business plan is written down."), _filled(plan.cbp_summary)),
        Rule(_("At least one key initiative is listed."), _filled(plan.cbp_initiatives)),
        Rule(_("The source and our confidence in it are given."), _filled(plan.cbp_source, plan.cbp_confidence)),
    ]


def _step_4(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    return [
        Rule(_("The 3-year ambition and the 1-year plan are written."), _filled(plan.ambition_3y, plan.plan_1y)),
        Rule(
            _("Market, competition and all four SWOT boxes are filled."),
            _filled(
                plan.market_review, plan.competition_review, plan.swot_strengths, plan.swot_weaknesses,
                plan.swot_opportunities, plan.swot_threats,
            ),
        ),
        Rule(_("The strategy and its execution plan are summarised."), _filled(plan.strategy_summary, plan.execution_summary)),
        Rule(_("The TAM (total addressable market) is given."), plan.tam is not None and plan.tam > 0),
        Rule(_("At least one KPI is chosen from the catalogue."), facts.kpis > 0),
        Rule(
            _("Every chosen KPI has a target for the year, and its quarters add up to it."),
            facts.kpis > 0 and not facts.target_problems,
            "; ".join(facts.target_problems),
        ),
        Rule(_("At least one strategic task is planned for the long term."), facts.strategic_tasks > 0),
        Rule(
            _("At least one marketing action involves the customer's Fox or Kingpin."),
            facts.marketing_actions_with_fox_or_kingpin > 0,
        ),
    ]


def _step_5(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    return [
        Rule(_("The action plan has at least one task and one milestone."), facts.tasks > 0 and facts.milestones > 0),
        Rule(
            _("Every action has an owner."),
            # Not ticked vacuously: with no action there is nobody to own anything.
            facts.actions_without_owner == 0 and facts.tasks + facts.milestones > 0,
            ngettext("%(count)d action has no owner.", "%(count)d actions have no owner.", facts.actions_without_owner)
            % {"count": facts.actions_without_owner}
            if facts.actions_without_owner
            else "" if facts.tasks + facts.milestones else str(_("No action yet.")),
        ),
    ]


def _step_6(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    if not facts.ended_quarters:
        # Not ticked vacuously: before the first quarter ends there is no review to have.
        return [Rule(_("Every quarter that has ended has its review."), False,
                     str(_("Nothing due yet: no quarter of the fiscal year has ended.")))]
    return [
        Rule(
            _("Every quarter that has ended has its review."),
            facts.reviews_of_ended_quarters >= facts.ended_quarters,
            ngettext("%(count)d quarter has ended.", "%(count)d quarters have ended.", facts.ended_quarters)
            % {"count": facts.ended_quarters},
        ),
        Rule(
            _("Those reviews are signed off."),
            facts.signed_off_reviews_of_ended_quarters >= facts.ended_quarters,
        ),
    ]


def _step_7(plan: AccountPlan, facts: PlanFacts) -> list[Rule]:
    return [
        Rule(_("The year is evaluated against its targets."), _filled(plan.year_end_evaluation)),
        Rule(_("The wrap-up and lessons are written."), _filled(plan.wrap_up)),
    ]


_RULES = {1: _step_1, 2: _step_2, 3: _step_3, 4: _step_4, 5: _step_5, 6: _step_6, 7: _step_7}


def plan_step_states(plan: AccountPlan, facts: PlanFacts) -> dict[int, StepState]:
    """Every step's rules and whether it is complete; steps 6 and 7 are due once the plan was approved."""
    executed = plan.approved_version_id is not None
    return {
        number: StepState(
            number=number,
            title=str(STEP_TITLES[number]),
            icon=STEP_ICONS[number],
            rules=rules(plan, facts),
            due=number in PLAN_STEPS or executed,
            nothing_due=number == 6 and not facts.ended_quarters,
        )
        for number, rules in _RULES.items()
    }


def incomplete_plan_steps(states: dict[int, StepState]) -> list[StepState]:
    """The steps among 1–5 that keep the plan from being submitted."""
    return [states[number] for number in PLAN_STEPS if not states[number].complete]
