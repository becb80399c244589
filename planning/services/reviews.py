"""Quarterly reviews (step 6): creating one with its KPI figures, refreshing them, comments and the executive's sign-off."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    user_can_edit_account,
    user_can_sign_off_reviews,
)
from performance.periods import PeriodKind
from planning.models import (
    AccountPlan,
    QuarterlyReview,
    ReviewComment,
)
from planning.selectors.kpis import review_kpi_rows
from planning.authorship import version_authors


def review_sign_off_allowed(*, review: QuarterlyReview, user: User) -> bool:
    """Whether `quarterly_review_sign_off` would let the user sign the (open) review off."""
    if not user_can_sign_off_reviews(user) or user.pk == review.owner_id:
        return False
    version = review.plan.approved_version
    return version is None or user.pk not in version_authors(version=version)


REVIEW_DUE_DAYS = 15


def quarterly_review_new(
    *, plan: AccountPlan, quarter: int, kpi_snapshot: list[dict], taken_at: datetime.datetime
) -> QuarterlyReview:
    """An unsaved review of the plan's quarter: its dates, due date and owner (the plan's KAM).

    Shared by `quarterly_review_create` and the scheduled sweep's bulk insert, so both make the same review.
    """
    period = plan.period(PeriodKind.QUARTER, quarter)
    return QuarterlyReview(
        plan=plan, quarter=quarter, period_start=period.start, period_end=period.end,
        due_on=period.end + datetime.timedelta(days=REVIEW_DUE_DAYS), owner_id=plan.owner_id,
        kpi_snapshot=kpi_snapshot, snapshot_taken_at=taken_at,
    )


def quarterly_review_create(*, plan: AccountPlan, quarter: int, acting_user: User | None = None) -> tuple[QuarterlyReview, bool]:
    """This plan's review of fiscal quarter `quarter`, created if it does not exist yet.

    Safe to call twice and from a scheduled task (`acting_user` None): the second call returns
    the existing review. The KPI figures are taken when the review is created.
    """
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("A fiscal year has quarters 1 to 4."))
    if acting_user is not None and not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team starts its reviews."))
    if plan.approved_version_id is None:
        raise ValidationError(_("Quarterly reviews start once the plan has been approved."))
    existing = QuarterlyReview.objects.filter(plan=plan, quarter=quarter).first()
    if existing is not None:
        return existing, False
    period = plan.period(PeriodKind.QUARTER, quarter)
    review = quarterly_review_new(plan=plan, quarter=quarter, kpi_snapshot=review_kpi_rows(plan=plan, period=period, year_to_date=True), taken_at=timezone.now())
    review._history_user = acting_user
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Created meanwhile by someone else (or the scheduled sweep): that one is the review.
        return QuarterlyReview.objects.get(plan=plan, quarter=quarter), False
    return review, True


def quarterly_review_refresh(*, review: QuarterlyReview, acting_user: User) -> QuarterlyReview:
    """Take the targets and actuals again, while the review is open."""
    if not user_can_edit_account(user=acting_user, account=review.plan.account):
        raise PermissionDenied(_("Only the account's team updates its reviews."))
    if review.status != QuarterlyReview.Status.OPEN:
        raise ValidationError(_("A signed-off review keeps its figures."))
    review.kpi_snapshot = review_kpi_rows(
        plan=review.plan, period=review.plan.period(PeriodKind.QUARTER, review.quarter), year_to_date=True
    )
    review.snapshot_taken_at = timezone.now()
    review._history_user = acting_user
    review.save(update_fields=["kpi_snapshot", "snapshot_taken_at"])
    return review


def review_comment_add(*, review: QuarterlyReview, text: str, acting_user: User) -> ReviewComment:
    """Anyone who may see the account comments (executives included)."""
    if not text.strip():
        raise ValidationError(_("Write a comment first."))
    return ReviewComment.objects.create(review=review, author=acting_user, text=text.strip())


def quarterly_review_sign_off(*, review: QuarterlyReview, acting_user: User, comment: str = "") -> QuarterlyReview:
    """An executive signs the review off, with a comment on the figures and the resources' use if they
    have one; its figures are then kept as they are.

    Not the review's owner, nor anyone who submitted or edited the plan version it reviews.
    """
    if not user_can_sign_off_reviews(acting_user):
        raise PermissionDenied(_("Only executives sign reviews off."))
    if not review_sign_off_allowed(review=review, user=acting_user):
        raise PermissionDenied(_("You own this review or wrote the plan it reviews: another executive signs it off."))
    if review.status == QuarterlyReview.Status.SIGNED_OFF:
        raise ValidationError(_("This review is already signed off."))
    if comment.strip():
        ReviewComment.objects.create(review=review, author=acting_user, text=comment.strip())
    review.status = QuarterlyReview.Status.SIGNED_OFF
    review.signed_off_by = acting_user
    review.signed_off_at = timezone.now()
    review._history_user = acting_user
    review.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    return review
