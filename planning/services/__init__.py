"""Every write to plans, versions, meetings, decisions and reviews. Keyword-only, atomic, told who acts.

By concern: `workflow` (the plan's state machine, the `TRANSITIONS` table, and nothing else moves a
plan's status), `step_saves`, `attachments`, `decisions` (submit and decide), `agenda`, `reviews`,
`year_end`. Code in planning imports from the concern module; this package re-exports the public
names for the other apps.
"""

from .workflow import (
    PlanAction,
    Actor,
    Transition,
    TRANSITIONS,
    DECISION_CHANGE_REASON,
    EDITABLE_STATUSES,
    PlanConflict,
    transition_for,
    allowed_actions,
    plan_create,
    plan_owners_follow_kam,
    step_is_editable,
    DECISION_ACTIONS,
    plan_revise,
    plan_close,
)
from .step_saves import STEP_FIELDS, Collection, COLLECTIONS, STEP_COLLECTIONS, plan_step_save, action_progress_save
from .attachments import attachment_add, attachment_delete
from .decisions import plan_submit, plan_decide, plan_label, plan_decision_notify, decision_allowed
from .agenda import meeting_create, agenda_item_add, agenda_item_remove
from .reviews import (
    review_sign_off_allowed,
    REVIEW_DUE_DAYS,
    quarterly_review_new,
    quarterly_review_create,
    quarterly_review_refresh,
    review_comment_add,
    quarterly_review_sign_off,
)
from .year_end import plan_start_carrying_over, plan_start_next_year

__all__ = [
    "PlanAction",
    "Actor",
    "Transition",
    "TRANSITIONS",
    "DECISION_CHANGE_REASON",
    "EDITABLE_STATUSES",
    "PlanConflict",
    "transition_for",
    "allowed_actions",
    "plan_create",
    "plan_owners_follow_kam",
    "step_is_editable",
    "DECISION_ACTIONS",
    "plan_revise",
    "plan_close",
    "STEP_FIELDS",
    "Collection",
    "COLLECTIONS",
    "STEP_COLLECTIONS",
    "plan_step_save",
    "action_progress_save",
    "attachment_add",
    "attachment_delete",
    "plan_submit",
    "plan_decide",
    "plan_label",
    "plan_decision_notify",
    "decision_allowed",
    "meeting_create",
    "agenda_item_add",
    "agenda_item_remove",
    "review_sign_off_allowed",
    "REVIEW_DUE_DAYS",
    "quarterly_review_new",
    "quarterly_review_create",
    "quarterly_review_refresh",
    "review_comment_add",
    "quarterly_review_sign_off",
    "plan_start_next_year",
    "plan_start_carrying_over",
]
