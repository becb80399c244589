"""Every write to targets, actuals, NPS responses, time entries and KPI snapshots. Keyword-only, atomic, told who acts."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, User
from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse
from performance.periods import Period


def _period_fields(account: Account, period: Period) -> dict:
    if period.start_month != account.fiscal_year_start_month:
        period = Period(period.kind, period.fiscal_year, period.index, account.fiscal_year_start_month)
    return {"fiscal_year": period.fiscal_year, "period_kind": period.kind, "period_index": period.index}


def kpi_target_set(
    *, account: Account, kpi: KpiDefinition, period: Period, value: Decimal | None, acting_user: User | None, note: str = ""
) -> KpiTarget | None:
    """Set (or with `value=None`, remove) the target of one KPI for one account and fiscal period."""
    fields = _period_fields(account, period)
    with transaction.atomic():
        if value is None:
            KpiTarget.objects.filter(account=account, kpi=kpi, **fields).delete()
            return None
        target, _created = KpiTarget.objects.update_or_create(
            account=account, kpi=kpi, **fields, defaults={"value": value, "note": note, "set_by": acting_user}
        )
    return target


def manual_actual_record(
    *, account: Account, kpi: KpiDefinition, period: Period, value: Decimal, acting_user: User | None, note: str = ""
) -> ManualActual:
    """Record (or correct) the actual of a KPI entered by hand; computed KPIs take no hand-entered actuals."""
    if kpi.is_computed:
        raise ValidationError({"kpi": _("%(kpi)s is computed from data; it cannot be entered by hand.") % {"kpi": kpi}})
    fields = _period_fields(account, period)
    with transaction.atomic():
        actual, _created = ManualActual.objects.update_or_create(
            account=account, kpi=kpi, **fields, defaults={"value": value, "note": note, "recorded_by": acting_user}
        )
    return actual


def nps_response_record(
    *,
    account: Account,
    contact: Contact | None,
    score: int,
    responded_on: datetime.date,
    acting_user: User | None,
    respondent_name: str = "",
    comment: str = "",
    survey: str = "",
) -> NpsResponse:
    """Record one NPS survey answer (0–10) from a contact of the account."""
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError({"contact": _("The respondent belongs to another account.")})
    if responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("The response date is in the future.")})
    response = NpsResponse(
        account=account,
        contact=contact,
        respondent_name=respondent_name or (contact.name if contact else ""),
        score=score,
        responded_on=responded_on,
        comment=comment,
        survey=survey,
        recorded_by=acting_user,
    )
    response.full_clean()
    with transaction.atomic():
        response.save()
    return response
