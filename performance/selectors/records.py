"""What an account's team records by hand: NPS answers and manual actuals, newest first."""

from django.db.models import QuerySet

from accounts.models import Account
from performance.models import ManualActual, NpsResponse


def nps_responses_for_account(*, account: Account) -> QuerySet[NpsResponse]:
    return NpsResponse.objects.filter(account=account).select_related("contact").order_by("-responded_on", "-id")


def manual_actuals_for_account(*, account: Account) -> QuerySet[ManualActual]:
    return (
        ManualActual.objects.filter(account=account)
        .select_related("kpi", "recorded_by", "account")
        .order_by("-fiscal_year", "kpi__sort_order", "period_kind", "-period_index")
    )
