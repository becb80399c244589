"""Planning's part of a person's handover (registered in PlanningConfig.ready()): their open plan
drafts, open actions and pending quarterly reviews move to the successor; what they wrote, submitted
or decided stays attributed to them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.handover import HandoverItem, HandoverParticipant, LoadMeasure, register_load_measure, register_participant
from accounts.models import User
from planning.models import AccountPlan, ActionItem, PlanStatus, QuarterlyReview

# A plan still being written by its owner: a new draft or one sent back for changes.
OPEN_DRAFT_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)


def _drafts(user: User):
    return AccountPlan.objects.filter(owner=user, status__in=OPEN_DRAFT_STATUSES)


def _actions(user: User):
    return ActionItem.objects.filter(owner=user, status__in=ActionItem.OPEN_STATUSES)


def _reviews(user: User):
    return QuarterlyReview.objects.filter(owner=user, status=QuarterlyReview.Status.OPEN)


def drafts_preview(user: User) -> list[HandoverItem]:
    return [
        HandoverItem(label=f"{plan.account.name} · FY{plan.fiscal_year} · {plan.get_status_display()}", url=reverse("planning:plan-detail", args=[plan.pk]))
        for plan in _drafts(user).select_related("account").order_by("account__name", "fiscal_year")
    ]


def actions_preview(user: User) -> list[HandoverItem]:
    return [
        HandoverItem(label=f"{action.title} · {action.plan.account.name} · {action.due_on:%Y-%m-%d}", url=reverse("planning:plan-detail", args=[action.plan_id]))
        for action in _actions(user).select_related("plan__account").order_by("due_on", "pk")
    ]


def reviews_preview(user: User) -> list[HandoverItem]:
    return [
        HandoverItem(
            label=f"{review.plan.account.name} · FY{review.plan.fiscal_year} Q{review.quarter}",
            url=reverse("planning:review-detail", args=[review.plan_id, review.quarter]),
        )
        for review in _reviews(user).select_related("plan__account").order_by("due_on", "pk")
    ]


def drafts_transfer(*, from_user: User, to_user: User) -> int:
    return _drafts(from_user).update(owner=to_user)


def actions_transfer(*, from_user: User, to_user: User) -> int:
    return _actions(from_user).update(owner=to_user)


def reviews_transfer(*, from_user: User, to_user: User) -> int:
    return _reviews(from_user).update(owner=to_user)


def open_actions_by_user(user_ids: list[int]) -> dict[int, str]:
    from django.db.models import Count

    rows = (
        ActionItem.objects.filter(owner_id__in=user_ids, status__in=ActionItem.OPEN_STATUSES)
        .values("owner_id").order_by().annotate(n=Count("pk"))
    )
    return {row["owner_id"]: str(row["n"]) for row in rows}


def register() -> None:
    register_participant(HandoverParticipant(key="drafts", title=lambda: _("Open plan drafts"), preview=drafts_preview, transfer=drafts_transfer, order=10))
    register_participant(HandoverParticipant(key="actions", title=lambda: _("Open actions"), preview=actions_preview, transfer=actions_transfer, order=20))
    register_participant(HandoverParticipant(key="reviews", title=lambda: _("Pending quarterly reviews"), preview=reviews_preview, transfer=reviews_transfer, order=30))
    register_load_measure(LoadMeasure(key="open_actions", title=lambda: _("Open actions"), values=open_actions_by_user, order=10))
