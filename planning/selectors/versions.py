"""The plan's frozen versions with their decisions, its quarterly reviews, and its audit history."""

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import formats, timezone

from performance.models import KpiTarget
from performance.periods import Period
from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    PlanAttachment,
    PlanKpi,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
    ReviewComment,
    StrategicTask,
    SupportRequest,
)
from planning.targets import number


def with_decision(rows: QuerySet, *, via: str = "") -> QuerySet:
    """Versions (or rows that reach their version through `via`, such as "version__") with who submitted
    the version and its decision: who decided, the comments per step and the resources granted."""
    return rows.select_related(f"{via}submitted_by", f"{via}decision__decided_by").prefetch_related(
        f"{via}decision__step_comments", f"{via}decision__grants"
    )


def first_or_404(rows: QuerySet, message: str):
    """The first row, or 404 (`message`) when there is none."""
    row = rows.first()
    if row is None:
        raise Http404(message)
    return row


def plan_versions(*, plan: AccountPlan) -> list[PlanVersion]:
    """The plan's versions, newest first, with their decision, step comments and agenda slot."""
    return list(
        with_decision(PlanVersion.objects.filter(plan=plan)).select_related("agenda_item__meeting")
        .defer("snapshot")
        .order_by("-number")
    )


def latest_version(*, plan: AccountPlan) -> PlanVersion | None:
    """The plan's newest version with its decision and snapshot (what the "Now" panel compares with), or None."""
    return PlanVersion.objects.filter(plan=plan).select_related("decision").order_by("-number").first()


def version_get(*, plan: AccountPlan, number: int) -> PlanVersion:
    return first_or_404(
        with_decision(PlanVersion.objects.filter(plan=plan, number=number)).select_related("agenda_item__meeting"),
        "No such version.",
    )


def version_snapshot(*, plan: AccountPlan, number: int) -> dict:
    """The frozen snapshot of one of the plan's versions (nothing else of it: one query); 404 if none."""
    snapshot = PlanVersion.objects.filter(plan=plan, number=number).values_list("snapshot", flat=True).first()
    if snapshot is None:
        raise Http404("No such version.")
    return snapshot


def plan_reviews(*, plan: AccountPlan) -> dict[int, QuarterlyReview]:
    reviews = QuarterlyReview.objects.filter(plan=plan).select_related("owner", "signed_off_by").annotate(
        comment_count=Count("comments")
    )
    return {review.quarter: review for review in reviews}


def review_get(*, plan: AccountPlan, quarter: int) -> QuarterlyReview:
    """A quarterly review of a plan the caller already reached through `plan_get_for_user`; otherwise 404."""
    review = (
        QuarterlyReview.objects.filter(plan=plan, quarter=quarter)
        .select_related("owner", "signed_off_by")
        .prefetch_related(Prefetch("comments", queryset=ReviewComment.objects.select_related("author").order_by("created_at", "id")))
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    review.plan = plan  # the caller's plan, with its approved version: not read again
    return review


def latest_step_comments(*, plan: AccountPlan, step: int) -> dict | None:
    """The last decision's comment on this step and the whole plan, if the plan was sent back or rejected
    and has not been submitted again: what the KAM must answer on the step's page. One query, none for a
    plan submitted again (its last version awaits a decision), approved or closed (its last version was approved)."""
    if plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.CLOSED):
        return None
    latest = (
        PlanVersion.objects.filter(plan=plan).order_by("-number")
        .select_related("decision__decided_by").defer("snapshot").prefetch_related("decision__step_comments").first()
    )
    decision = getattr(latest, "decision", None) if latest else None
    if decision is None or decision.outcome == "approved":
        return None
    texts = [c.text for c in decision.step_comments.all() if c.step == step]
    if not texts and not decision.comment:
        return None
    return {"decision": decision, "step_texts": texts, "version": latest}


def plan_history(*, plan: AccountPlan, limit: int = 200) -> list[dict]:
    """Every recorded change of the plan and its parts, newest first, with who, when and which fields.

    One query per audited model and one per model a changed foreign key points to; the
    differences between consecutive records are computed here rather than with `diff_against`,
    which would query once per record.
    """
    def attribute(name):
        return lambda row: str(getattr(row, name))

    def target_label(row):
        period = Period(row.period_kind, row.fiscal_year, row.period_index, plan.start_month)
        return f"{row.kpi} · {period.label}: {number(row.value)}"

    sources = [
        (AccountPlan.history.filter(id=plan.pk), None),
        (PlanKpi.history.filter(plan_id=plan.pk).select_related("kpi"), attribute("kpi")),
        (KpiTarget.history.filter(account_id=plan.account_id, fiscal_year=plan.fiscal_year).select_related("kpi"), target_label),
        (StrategicTask.history.filter(plan_id=plan.pk), attribute("title")),
        (MarketingAction.history.filter(plan_id=plan.pk), attribute("title")),
        (SupportRequest.history.filter(plan_id=plan.pk), attribute("description")),
        (ActionItem.history.filter(plan_id=plan.pk), attribute("title")),
        (PlanAttachment.history.filter(plan_id=plan.pk), attribute("original_name")),
        (QuarterlyReview.history.filter(plan_id=plan.pk), lambda row: f"Q{row.quarter}"),
    ]
    entries = []
    references: dict = defaultdict(set)
    for queryset, label_of in sources:
        model = queryset.model.instance_type
        fields = [f for f in queryset.model.tracked_fields if f.name not in ("id", "plan", "created_at", "updated_at")]
        rows = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        previous_by_id: dict = {}
        for row in rows:
            previous = previous_by_id.get(row.id)
            changed = []
            if previous is not None and row.history_type == "~":
                for model_field in fields:
                    old, new = getattr(previous, model_field.attname), getattr(row, model_field.attname)
                    if old != new:
                        changed.append([model_field, old, new])
                        if model_field.is_relation:
                            references[model_field.related_model].update(v for v in (old, new) if v is not None)
            previous_by_id[row.id] = row
            if row.history_type == "~" and previous is not None and not changed:
                continue
            entries.append(
                {
                    "when": row.history_date,
                    "who": row.history_user,
                    "type": row.history_type,
                    "model": str(model._meta.verbose_name),
                    "label": "" if label_of is None else label_of(row),
                    "changes": changed,
                }
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    entries = entries[:limit]
    names = {model: model._default_manager.in_bulk(ids) for model, ids in references.items()}
    for entry in entries:
        entry["changes"] = [
            {"field": str(f.verbose_name), "old": _describe(f, old, names), "new": _describe(f, new, names)}
            for f, old, new in entry["changes"]
        ]
    return entries


def _describe(model_field, value, names: dict) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if model_field.is_relation:
        value = names.get(model_field.related_model, {}).get(value, value)
    elif model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    return _short(value)


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"
