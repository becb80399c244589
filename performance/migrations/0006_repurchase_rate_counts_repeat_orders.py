"""Repurchase rate is how often the customer buys again: the catalogue's definitions say so.

Only definitions still worded as shipped are rewritten: an admin's own wording stays.
"""

from django.db import migrations

OLD = {
    "repurchase_count": (
        "Of the distinct offerings the account ordered in the previous period of the same length, "
        "the share it ordered again in this period.",
        "직전 같은 길이의 기간에 주문한 오퍼링 가운데 이번 기간에 다시 주문한 오퍼링의 비율(종류 수 기준).",
    ),
    "repurchase_amount": (
        "Of the previous period's order amount, the share spent on offerings the account ordered again "
        "in this period.",
        "직전 기간 주문 금액 가운데 이번 기간에 다시 주문한 오퍼링의 금액이 차지하는 비율.",
    ),
}
NEW = {
    "repurchase_count": (
        "How often the customer buys again: of the orders in the period, the share that are repeat purchases "
        "(the account had ordered the same offering on an earlier day, in any period) × 100. No orders: no value.",
        "고객이 얼마나 자주 다시 구매하는지: 기간 중 수주 건 가운데 재구매(같은 오퍼링을 이전 날짜에 이미 주문한 적이 "
        "있는 수주) 건수의 비율 × 100. 수주가 없으면 값이 없습니다.",
    ),
    "repurchase_amount": (
        "Of the amount ordered in the period, the share spent on repeat purchases (offerings the account had "
        "ordered on an earlier day) × 100. No orders: no value.",
        "기간 중 수주 금액 가운데 재구매(이전에 이미 주문한 오퍼링) 금액이 차지하는 비율 × 100. 수주가 없으면 값이 없습니다.",
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
    dependencies = [("performance", "0005_order_to_accounts")]
    operations = [migrations.RunPython(forwards, backwards)]
