"""The seven-step account plan, its frozen versions, consensus meetings, decisions and reviews.
One plan per account and fiscal year. Steps 1–5 are the plan the consensus meeting approves;
step 6 (quarterly reviews) and step 7 (year-end) are written while the approved plan runs.
Every write goes through planning.services, where the plan's state machine lives.
"""

from .plan import (
    STEP_NUMBERS,
    LONG_TEXT_MAX,
    COMMENT_MAX,
    ROW_TEXT_MAX,
    PLAN_STEPS,
    PlanStatus,
    Confidence,
    AccountPlan,
    PlanKpi,
    StrategicTask,
    MarketingAction,
    SupportRequest,
    ActionItem,
    attachment_path,
    PlanAttachment,
    PlanVersion,
    version_label,
    plan_pdf_path,
    PlanPdf,
)
from .meeting import (
    MeetingStatus,
    ConsensusMeeting,
    AgendaItem,
    MeetingAttendee,
    Opinion,
    Decision,
    GrantStatus,
    ResourceGrant,
    ResourceSpend,
    StepComment,
)
from .review import QuarterlyReview, ReviewComment

__all__ = [
    "STEP_NUMBERS",
    "LONG_TEXT_MAX",
    "COMMENT_MAX",
    "ROW_TEXT_MAX",
    "PLAN_STEPS",
    "PlanStatus",
    "Confidence",
    "AccountPlan",
    "PlanKpi",
    "StrategicTask",
    "MarketingAction",
    "SupportRequest",
    "ActionItem",
    "attachment_path",
    "PlanAttachment",
    "PlanVersion",
    "version_label",
    "plan_pdf_path",
    "PlanPdf",
    "MeetingStatus",
    "ConsensusMeeting",
    "AgendaItem",
    "MeetingAttendee",
    "Opinion",
    "Decision",
    "GrantStatus",
    "ResourceGrant",
    "ResourceSpend",
    "StepComment",
    "QuarterlyReview",
    "ReviewComment",
]
