"""Frozen snapshots name KPIs by their code and months by their number, so every view can render them
in the reader's language: rows frozen before carry only the name in the language of whoever froze them."""

from django.db import migrations


def _codes(apps) -> dict[str, str]:
    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    codes = {}
    for code, name, name_ko in KpiDefinition.objects.values_list("code", "name", "name_ko"):
        codes[name] = code
        if name_ko:
            codes[name_ko] = code
    return codes


def _fill(rows, codes) -> bool:
    changed = False
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        if not row.get("key") and row.get("kpi") in codes:
            row["key"] = codes[row["kpi"]]
            changed = True
        for index, month in enumerate(row.get("months") or [], start=1):
            if isinstance(month, dict) and "month" not in month:
                month["month"] = index
                changed = True
    return changed


def codes_in_snapshots(apps, schema_editor):
    codes = _codes(apps)
    PlanVersion = apps.get_model("planning", "PlanVersion")
    for version in PlanVersion.objects.only("snapshot").iterator():
        strategy = (version.snapshot or {}).get("strategy") or {}
        if _fill(strategy.get("targets"), codes):
            version.save(update_fields=["snapshot"])
    QuarterlyReview = apps.get_model("planning", "QuarterlyReview")
    for review in QuarterlyReview.objects.only("kpi_snapshot").iterator():
        if _fill(review.kpi_snapshot, codes):
            review.save(update_fields=["kpi_snapshot"])
    AccountPlan = apps.get_model("planning", "AccountPlan")
    for plan in AccountPlan.objects.exclude(carried_context={}).only("carried_context").iterator():
        if _fill((plan.carried_context or {}).get("unmet_targets"), codes):
            plan.save(update_fields=["carried_context"])


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0008_meeting_text_limits"),
        ("performance", "0005_order_to_accounts"),
    ]

    operations = [migrations.RunPython(codes_in_snapshots, migrations.RunPython.noop)]
