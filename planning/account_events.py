"""Plan events on the account's timeline (registered by PlanningConfig.ready()): submissions, decisions
and signed-off quarterly reviews."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.timeline import TimelineEvent, in_range
from planning.models import Decision, PlanVersion, QuarterlyReview


def _local_date(moment):
    return timezone.localtime(moment).date()


def plan_events(*, account, since, until, limit: int) -> tuple[int, list[TimelineEvent]]:
    """Three kinds of rows, each read newest first and at most `limit`: six queries at most."""
    versions = in_range(PlanVersion.objects.filter(plan__account=account), "submitted_at__date", since, until)
    decisions = in_range(Decision.objects.filter(version__plan__account=account), "decided_at__date", since, until)
    reviews = in_range(
        QuarterlyReview.objects.filter(plan__account=account, signed_off_at__isnull=False), "signed_off_at__date", since, until
    )
    if not limit:
        return versions.count() + decisions.count() + reviews.count(), []
    events = []
    for version in versions.select_related("plan").order_by("-submitted_at")[:limit]:
        events.append(TimelineEvent(
            on=_local_date(version.submitted_at), kind="plan",
            title=_("FY %(year)s plan submitted (version %(number)s)") % {"year": version.plan.fiscal_year, "number": version.number},
            detail=version.note, icon="send", url=reverse("planning:plan-detail", args=[version.plan_id]), obj=version,
            sort_key=(3, version.submitted_at.timestamp()),
        ))
    for decision in decisions.select_related("version__plan").order_by("-decided_at")[:limit]:
        events.append(TimelineEvent(
            on=_local_date(decision.decided_at), kind="plan",
            title=_("FY %(year)s plan: %(outcome)s") % {"year": decision.version.plan.fiscal_year, "outcome": decision.get_outcome_display()},
            detail=decision.comment, icon="check2-square", url=reverse("planning:plan-detail", args=[decision.version.plan_id]),
            obj=decision, sort_key=(3, decision.decided_at.timestamp()),
        ))
    for review in reviews.select_related("plan").order_by("-signed_off_at")[:limit]:
        events.append(TimelineEvent(
            on=_local_date(review.signed_off_at), kind="plan",
            title=_("FY %(year)s Q%(quarter)s review signed off") % {"year": review.plan.fiscal_year, "quarter": review.quarter},
            icon="clipboard-check", url=reverse("planning:review-detail", args=[review.plan_id, review.quarter]), obj=review,
            sort_key=(3, review.signed_off_at.timestamp()),
        ))
    return 0, events
