"""Who wrote a plan version: separation of duties keeps them from judging it."""

from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    PlanAttachment,
    PlanKpi,
    PlanVersion,
    StrategicTask,
    SupportRequest,
)

# The plan's content rows: whoever saved one of them before a version was frozen edited that version.
CONTENT_MODELS = (StrategicTask, MarketingAction, SupportRequest, ActionItem, PlanAttachment, PlanKpi)


def version_authors(*, version: PlanVersion) -> set[int]:
    """The users who submitted or edited the version: nobody of them decides on it.

    "Edited" is read from the audit trail (simple-history): a save of the plan's own content (a
    record of the plan whose status did not change, so status moves such as a decision do not
    count) or of one of its content rows, up to the moment the version was frozen. A version holds
    everything saved before it, so earlier revisions' authors count too.
    """
    plan_id, frozen_at = version.plan_id, version.submitted_at
    authors = {version.submitted_by_id}
    records = (
        AccountPlan.history.filter(id=plan_id, history_date__lte=frozen_at)
        .order_by("history_date", "history_id")
        .values_list("history_type", "status", "history_user_id")
    )
    previous_status = None
    for history_type, status, user_id in records:
        if history_type == "~" and status == previous_status:
            authors.add(user_id)
        previous_status = status
    rows = [
        model.history.filter(plan_id=plan_id, history_date__lte=frozen_at).order_by().values_list("history_user_id", flat=True)
        for model in CONTENT_MODELS
    ]
    # One query for all the content tables (unordered: the historical models' default ordering is not in the union).
    authors.update(rows[0].union(*rows[1:]).order_by())
    authors.discard(None)
    return authors
