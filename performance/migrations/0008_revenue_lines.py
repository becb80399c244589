"""Revenue lines: imports take them (a kind of import), and the catalogue says revenue and profit read them.

Only definitions still worded as shipped are rewritten: an admin's own wording stays.
"""

from django.db import migrations, models

OLD = {
    "revenue": (
        "Sum of the amounts of the account's orders in the period.",
        "기간 중 어카운트 수주 금액의 합계.",
    ),
    "profit": (
        "Revenue less the cost of the same orders.",
        "매출에서 같은 수주의 원가를 뺀 금액.",
    ),
}
NEW = {
    "revenue": (
        "Sum of the account's revenue lines recognised in the period's months (revenue as the ERP books it; "
        "orders are order intake and count only in the orders KPI).",
        "기간 중 인식된 어카운트 매출 내역 금액의 합계(ERP 매출 기준, 수주는 수주 건수 평가지표에만 반영).",
    ),
    "profit": (
        "Revenue less the cost of the same revenue lines.",
        "매출에서 같은 매출 내역의 원가를 뺀 금액.",
    ),
}


def _rewrite(apps, source, target):
    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    for code, (formula, formula_ko) in source.items():
        new_formula, new_formula_ko = target[code]
        KpiDefinition.objects.filter(code=code, formula=formula).update(formula=new_formula)
        KpiDefinition.objects.filter(code=code, formula_ko=formula_ko).update(formula_ko=new_formula_ko)


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("performance", "0007_snapshot_week_before"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                choices=[("orders", "Orders"), ("revenue", "Revenue lines"), ("nps", "NPS responses"),
                         ("actuals", "Manual actuals"), ("time", "Time entries")],
                max_length=8,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
