"""Order intake (수주액) is an amount: the catalogue gets the computed KPI `order_intake`, the sum of the amounts
of the orders signed in the period, and the orders count says what it is ("Orders signed", 수주 건수; its code
`orders` stays, so stored targets keep working). Personal goals take order intake too.

Only labels and formulas still worded as shipped are rewritten: an admin's own wording stays. An existing
`order_intake` KPI (an admin's manual one) is left as it is.
"""

import django.db.models.deletion
from django.db import migrations, models

ORDER_INTAKE = {
    "name": "Order intake",
    "name_ko": "수주액",
    "unit": "money",
    "rollup": "sum",
    "direction": "higher",
    "source": "computed",
    "show_on_dashboard": True,
    "sort_order": 15,  # between the orders count (10) and revenue (20) of the shipped catalogue
    "formula": "Sum of the amounts of the orders signed with the account in the period (by order date).",
    "formula_ko": "기간 중 어카운트와 체결한 수주 금액의 합계(수주일 기준).",
    "applies_to_sales": True,
    "applies_to_operations": False,
    "applies_to_mixed": True,
}

# (code, field): (as shipped, now)
LABELS = {
    ("orders", "name"): ("Orders", "Orders signed"),
    ("orders", "name_ko"): ("수주", "수주 건수"),
    ("revenue", "formula"): (
        "Sum of the account's revenue lines recognised in the period's months (revenue as the ERP books it; "
        "orders are order intake and count only in the orders KPI).",
        "Sum of the account's revenue lines recognised in the period's months (revenue as the ERP books it; "
        "orders count only in the orders signed and order intake KPIs).",
    ),
    ("revenue", "formula_ko"): (
        "기간 중 인식된 어카운트 매출 내역 금액의 합계(ERP 매출 기준, 수주는 수주 건수 평가지표에만 반영).",
        "기간 중 인식된 어카운트 매출 내역 금액의 합계(ERP 매출 기준, 수주는 수주 건수와 수주액 평가지표에만 반영).",
    ),
}


def _relabel(apps, *, forwards: bool) -> None:
    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    for (code, field), (shipped, now) in LABELS.items():
        old, new = (shipped, now) if forwards else (now, shipped)
        KpiDefinition.objects.filter(code=code, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    _kpi, created = KpiDefinition.objects.get_or_create(code="order_intake", defaults=ORDER_INTAKE)
    if not created:  # left manual by a migration back: computed again
        KpiDefinition.objects.filter(code="order_intake", formula=ORDER_INTAKE["formula"]).update(source="computed")
    _relabel(apps, forwards=True)


def backwards(apps, schema_editor):
    # The older catalogue's constraint does not know the code as computed: the KPI stays, with its targets and
    # goals, as a manual one.
    apps.get_model("performance", "KpiDefinition").objects.filter(code="order_intake").update(source="manual")
    _relabel(apps, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0009_personal_goals"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="kpidefinition",
            name="kpi_computed_code_known",
        ),
        migrations.AlterField(
            model_name="personalgoal",
            name="kpi",
            field=models.ForeignKey(help_text="Orders signed, order intake, revenue or profit: the KPIs counted per person from the orders they sold.", limit_choices_to={"code__in": ("orders", "order_intake", "revenue", "profit")}, on_delete=django.db.models.deletion.PROTECT, related_name="personal_goals", to="performance.kpidefinition", verbose_name="KPI"),
        ),
        migrations.AddConstraint(
            model_name="kpidefinition",
            constraint=models.CheckConstraint(condition=models.Q(("source", "manual"), ("code__in", ("orders", "order_intake", "revenue", "profit", "margin", "nps", "repurchase_count", "repurchase_amount", "cross_sell", "up_sell", "pipeline_coverage", "utilisation", "deployment")), _connector="OR"), name="kpi_computed_code_known"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
