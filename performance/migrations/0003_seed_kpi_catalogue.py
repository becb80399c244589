"""The KPI catalogue the application computes from data (admins may change names, thresholds and add manual KPIs)."""

from django.db import migrations

SALES = {"applies_to_sales": True, "applies_to_operations": False, "applies_to_mixed": True}
OPERATIONS = {"applies_to_sales": False, "applies_to_operations": True, "applies_to_mixed": True}
EVERY_TEAM = {"applies_to_sales": True, "applies_to_operations": True, "applies_to_mixed": True}

KPIS = [
    {
        "code": "orders",
        "name": "Orders",
        "name_ko": "수주",
        "unit": "count",
        "rollup": "sum",
        "formula": "Number of orders booked with the account in the period (by order date).",
        "formula_ko": "기간 중 어카운트와 체결한 수주 건수(수주일 기준).",
        **SALES,
    },
    {
        "code": "revenue",
        "name": "Revenue",
        "name_ko": "매출",
        "unit": "money",
        "rollup": "sum",
        "show_on_dashboard": True,
        "formula": "Sum of the amounts of the account's orders in the period.",
        "formula_ko": "기간 중 어카운트 수주 금액의 합계.",
        **SALES,
    },
    {
        "code": "profit",
        "name": "Profit",
        "name_ko": "이익",
        "unit": "money",
        "rollup": "sum",
        "show_on_dashboard": True,
        "formula": "Revenue less the cost of the same orders.",
        "formula_ko": "매출에서 같은 수주의 원가를 뺀 금액.",
        **SALES,
    },
    {
        "code": "margin",
        "name": "Margin %",
        "name_ko": "이익률",
        "unit": "percent",
        "rollup": "average",
        "show_on_dashboard": True,
        "formula": "Profit ÷ revenue × 100. No revenue in the period: no value.",
        "formula_ko": "이익 ÷ 매출 × 100. 기간 매출이 없으면 값이 없습니다.",
        **SALES,
    },
    {
        "code": "nps",
        "name": "NPS (customer loyalty)",
        "name_ko": "고객충성도(NPS)",
        "unit": "score",
        "rollup": "average",
        "show_on_dashboard": True,
        "formula": "% promoters (scores 9–10) − % detractors (0–6) among the survey responses dated in the period; "
        "from −100 to +100. No responses: no value.",
        "formula_ko": "기간 중 설문 응답 가운데 추천자(9–10점) 비율 − 비추천자(0–6점) 비율. −100~+100. 응답이 없으면 값이 없습니다.",
        **EVERY_TEAM,
    },
    {
        "code": "repurchase_count",
        "name": "Repurchase rate by count",
        "name_ko": "재구매율(건수)",
        "unit": "percent",
        "rollup": "average",
        "formula": "Of the distinct offerings the account ordered in the previous period of the same length, "
        "the share it ordered again in this period.",
        "formula_ko": "직전 같은 길이의 기간에 주문한 오퍼링 가운데 이번 기간에 다시 주문한 오퍼링의 비율(종류 수 기준).",
        **EVERY_TEAM,
    },
    {
        "code": "repurchase_amount",
        "name": "Repurchase rate by amount",
        "name_ko": "재구매율(금액)",
        "unit": "percent",
        "rollup": "average",
        "show_on_dashboard": True,
        "formula": "Of the previous period's order amount, the share spent on offerings the account ordered again "
        "in this period.",
        "formula_ko": "직전 기간 주문 금액 가운데 이번 기간에 다시 주문한 오퍼링의 금액이 차지하는 비율.",
        **EVERY_TEAM,
    },
    {
        "code": "cross_sell",
        "name": "Cross-sell breadth",
        "name_ko": "교차 판매(오퍼링 수)",
        "unit": "count",
        "rollup": "average",
        "formula": "Number of distinct offerings the account ordered in the period.",
        "formula_ko": "기간 중 어카운트가 주문한 서로 다른 오퍼링의 수.",
        **SALES,
    },
    {
        "code": "up_sell",
        "name": "Up-sell (average order value growth)",
        "name_ko": "상향 판매(평균 주문액 증가율)",
        "unit": "percent",
        "rollup": "average",
        "formula": "(Average order value in the period ÷ average order value in the previous period − 1) × 100.",
        "formula_ko": "(이번 기간 평균 주문액 ÷ 직전 기간 평균 주문액 − 1) × 100.",
        **SALES,
    },
    {
        "code": "pipeline_coverage",
        "name": "Pipeline coverage",
        "name_ko": "파이프라인 커버리지",
        "unit": "ratio",
        "rollup": "average",
        "formula": "Open opportunities expected to close in the period ÷ the period's revenue target. "
        "Shown for periods that have not ended.",
        "formula_ko": "기간 내 종료 예정인 진행 중 사업 기회 금액 ÷ 기간 매출 목표. 끝나지 않은 기간에만 표시합니다.",
        **SALES,
    },
    {
        "code": "utilisation",
        "name": "Utilisation",
        "name_ko": "가동률",
        "unit": "percent",
        "rollup": "average",
        "show_on_dashboard": True,
        "formula": "Billable hours ÷ available hours (billable + non-billable + available, not deployed) × 100.",
        "formula_ko": "유상 투입 시간 ÷ 가용 시간(유상 + 무상 투입 + 대기) × 100.",
        **OPERATIONS,
    },
    {
        "code": "deployment",
        "name": "Deployment rate",
        "name_ko": "투입률",
        "unit": "percent",
        "rollup": "average",
        "formula": "(Billable + non-billable customer hours) ÷ available hours × 100.",
        "formula_ko": "(유상 + 무상 고객 투입 시간) ÷ 가용 시간 × 100.",
        **OPERATIONS,
    },
]


def seed(apps, schema_editor):
    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    for order, fields in enumerate(KPIS, start=1):
        values = {"source": "computed", "direction": "higher", "sort_order": order * 10, **fields}
        code = values.pop("code")
        KpiDefinition.objects.update_or_create(code=code, defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("performance", "KpiDefinition").objects.filter(code__in=[kpi["code"] for kpi in KPIS]).delete()


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_kpis")]

    operations = [migrations.RunPython(seed, unseed)]
