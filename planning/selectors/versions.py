"""The plan's frozen versions with their decisions, its quarterly reviews, and its audit history."""

import datetime
import inspect
from collections import defaultdict

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone

from accounts.models import User
from core.sql import column_converter
from performance.models import KpiDefinition, KpiTarget
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
    StepComment,
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


def version_choices(*, plan: AccountPlan) -> list[PlanVersion]:
    """The plan's versions, newest first, with what names them and nothing else (what to compare picks from)."""
    return list(PlanVersion.objects.filter(plan=plan).only("id", "plan_id", "number", "revision", "submission").order_by("-number"))


def latest_version(*, plan: AccountPlan) -> PlanVersion | None:
    """The plan's newest version with its decision and snapshot (what the "Now" panel compares with), or None."""
    return PlanVersion.objects.filter(plan=plan).select_related("decision").order_by("-number").first()


def version_get(*, plan: AccountPlan, number: int) -> PlanVersion:
    return first_or_404(
        with_decision(PlanVersion.objects.filter(plan=plan, number=number)), "No such version.",
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
    # A decision has at most one comment per step (step_comment_one_per_step): read with the version.
    step_text = StepComment.objects.filter(decision__version_id=OuterRef("pk"), step=step).values("text")[:1]
    latest = (
        PlanVersion.objects.filter(plan=plan).order_by("-number")
        .select_related("decision__decided_by").defer("snapshot").annotate(step_text=Subquery(step_text)).first()
    )
    decision = getattr(latest, "decision", None) if latest else None
    if decision is None or decision.outcome == "approved":
        return None
    texts = [] if latest.step_text is None else [latest.step_text]
    if not texts and not decision.comment:
        return None
    return {"decision": decision, "step_texts": texts, "version": latest}


def plan_history(*, plan: AccountPlan, limit: int = 200) -> list[dict]:
    """Every recorded change of the plan and its parts, newest first, with who, when and which fields.

    The audit tables' rows in one query (`_history_rows`), then one query per model a record points to
    (who made it, a changed foreign key, a KPI named in a label); the differences between consecutive
    records are computed here rather than with `diff_against`, which would query once per record.
    """
    sources = [
        (AccountPlan, "id", plan.pk, (), None),
        (PlanKpi, "plan_id", plan.pk, (), "kpi"),
        (KpiTarget, "account_id", plan.account_id, (("fiscal_year", plan.fiscal_year),), "target"),
        (StrategicTask, "plan_id", plan.pk, (), "title"),
        (MarketingAction, "plan_id", plan.pk, (), "title"),
        (SupportRequest, "plan_id", plan.pk, (), "description"),
        (ActionItem, "plan_id", plan.pk, (), "title"),
        (PlanAttachment, "plan_id", plan.pk, (), "original_name"),
        (QuarterlyReview, "plan_id", plan.pk, (), "quarter"),
    ]
    fields_of = [
        [f for f in _history_model(model).tracked_fields if f.name not in ("id", "plan", "created_at", "updated_at")]
        for model, *_ in sources
    ]
    entries = []
    references: dict = defaultdict(set)
    previous_by_key: dict = {}
    for index, row_id, history_id, when, history_type, user_id, values in _history_rows(sources, fields_of):
        model, label_of = sources[index][0], sources[index][4]
        previous = previous_by_key.get((index, row_id))
        changed = []
        if previous is not None and history_type == "~":
            for model_field in fields_of[index]:
                old, new = previous[model_field.attname], values[model_field.attname]
                if old != new:
                    changed.append([model_field, old, new])
                    if model_field.is_relation:
                        references[model_field.related_model].update(v for v in (old, new) if v is not None)
        previous_by_key[(index, row_id)] = values
        if history_type == "~" and previous is not None and not changed:
            continue
        entries.append(
            {"when": when, "who": user_id, "type": history_type, "model": str(model._meta.verbose_name),
             "label": label_of, "values": values, "changes": changed}
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    entries = entries[:limit]
    references[User].update(entry["who"] for entry in entries if entry["who"] is not None)
    references[KpiDefinition].update(entry["values"]["kpi_id"] for entry in entries if entry["label"] in ("kpi", "target"))
    names = {model: model._default_manager.in_bulk(ids) for model, ids in references.items() if ids}
    for entry in entries:
        entry["who"] = names.get(User, {}).get(entry["who"])
        entry["label"] = _history_label(entry.pop("label"), entry.pop("values"), plan=plan, kpis=names.get(KpiDefinition, {}))
        entry["changes"] = [
            {"field": str(f.verbose_name), "old": _describe(f, old, names), "new": _describe(f, new, names)}
            for f, old, new in entry["changes"]
        ]
    return entries


def _history_rows(sources: list, fields_of: list):
    """The audit tables' rows of `sources` in one UNION ALL query, ordered by source, record, date and history id:
    (source index, record id, history id, date, type, user id, {attname: value of each tracked field})."""
    shape = tuple((model, key, tuple(name for name, _ in extra)) for model, key, _value, extra, _label in sources)
    sql, common, own = _history_query(shape, fields_of)
    params = [param for _model, _key, value, extra, _label in sources for param in (value, *(v for _, v in extra))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    for row in rows:
        index = row[0]
        row_id, history_id, when, history_type, user_id = (convert(value) for value, convert in zip(row[1:6], common))
        tracked = {attname: convert(row[position]) for position, attname, convert in own[index]}
        yield index, row_id, history_id, when, history_type, user_id, tracked


# The history query of each shape of sources, per database: its SQL, the common columns' converters and, per source,
# where its own columns are. Built once: the typed NULLs alone ask each field its database type.
_HISTORY_QUERIES: dict = {}


def _history_query(shape: tuple, fields_of: list) -> tuple[str, list, list]:
    """Each source's fields have columns of their own (NULL in the other sources' rows), and each value goes through
    its field's converters as the ORM would convert it, so the values equal what the history models read."""
    cache_key = (connection.alias, shape)
    if cache_key in _HISTORY_QUERIES:
        return _HISTORY_QUERIES[cache_key]
    history_models = [_history_model(model) for model, _key, _extra in shape]
    quote = connection.ops.quote_name
    common_names = ("id", "history_id", "history_date", "history_type", "history_user")
    columns = []  # (source index, history model's field)
    for index, history_model in enumerate(history_models):
        columns.extend((index, history_model._meta.get_field(field.name)) for field in fields_of[index])
    selects = []
    for index, (history_model, (_model, key, extra)) in enumerate(zip(history_models, shape)):
        # Typed NULLs: PostgreSQL settles each column's type from the first rows of the union.
        own = [
            quote(field.column) if source == index else f"CAST(NULL AS {field.db_type(connection)})"
            for source, field in columns
        ]
        common = [quote(history_model._meta.get_field(name).column) for name in common_names]
        where = " AND ".join(quote(history_model._meta.get_field(name).column) + " = %s" for name in (key, *extra))
        selects.append(f"SELECT {index}, {', '.join(common + own)} FROM {quote(history_model._meta.db_table)} WHERE {where}")
    sql = " UNION ALL ".join(selects) + " ORDER BY 1, 2, 4, 3"
    common = [column_converter(history_models[0]._meta.get_field(name)) for name in common_names]
    own_columns: list = [[] for _ in shape]
    for position, (index, field) in enumerate(columns, start=1 + len(common_names)):
        own_columns[index].append((position, field.attname, column_converter(field)))
    _HISTORY_QUERIES[cache_key] = sql, common, own_columns
    return _HISTORY_QUERIES[cache_key]


def _history_model(model):
    # The descriptor itself: reading `model.history` builds a manager class on every access.
    return inspect.getattr_static(model, "history").model


def _history_label(kind, values: dict, *, plan: AccountPlan, kpis: dict) -> str:
    """What a history record is about: the plan's part by its title, a KPI target by KPI and period."""
    if kind is None:
        return ""
    if kind == "kpi":
        return str(kpis.get(values["kpi_id"], values["kpi_id"]))
    if kind == "target":
        period = Period(values["period_kind"], values["fiscal_year"], values["period_index"], plan.start_month)
        return f"{kpis.get(values['kpi_id'], values['kpi_id'])} · {period.label}: {number(values['value'])}"
    if kind == "quarter":
        return f"Q{values['quarter']}"
    return str(values[kind])


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
