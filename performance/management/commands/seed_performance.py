"""Demo performance data on top of `seed_demo`: KPI targets, NPS responses, time entries, and KPI snapshots."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Contact
from accounts.services import account_revenue_refresh
from performance.models import KpiDefinition, KpiTarget, NpsResponse, TimeEntry
from performance.periods import Period, PeriodKind, fiscal_year_of, periods_in_year
from performance.services import kpi_snapshot_refresh

COMMENTS = [
    "Quick response from the support team.",
    "Delivery slipped twice this quarter.",
    "The new dashboard saves us hours every week.",
    "Pricing is hard to justify to our finance team.",
    "Great workshop with your engineers.",
    "",
    "",
]


class Command(BaseCommand):
    help = (
        "Add demo KPI targets, NPS responses and time entries to every account, then compute KPI snapshots "
        "for today and a week ago. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7, help="Random seed, for repeatable data.")

    def handle(self, *args, seed: int = 7, **options):
        if not getattr(settings, "KAM_DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is not allowed with these settings (KAM_DEMO_DATA_ALLOWED is off).")
        rng = random.Random(seed)
        today = timezone.localdate()
        account_revenue_refresh()
        kpis = {kpi.code: kpi for kpi in KpiDefinition.objects.filter(is_active=True)}
        accounts = list(Account.objects.order_by("pk").values("pk", "fiscal_year_start_month", "team_type", "revenue_ttm"))
        contacts: dict[int, list[tuple[int, str]]] = {}
        for pk, account_id, name in Contact.objects.filter(status=Contact.Status.ACTIVE).values_list("pk", "account_id", "name"):
            contacts.setdefault(account_id, []).append((pk, name))
        engineers = dict(
            AccountTeamMember.objects.order_by("account_id", "role", "pk").values_list("account_id", "user_id").distinct()
        )

        targets, responses, entries = [], [], []
        for account in accounts:
            targets += self._targets(account, kpis, rng, today)
            responses += self._responses(account, contacts.get(account["pk"], []), rng, today)
            if account["team_type"] != Account.TeamType.SALES and account["pk"] in engineers:
                entries += self._time_entries(account, engineers[account["pk"]], rng, today)

        KpiTarget.objects.bulk_create(targets, batch_size=5000, ignore_conflicts=True)
        NpsResponse.objects.bulk_create(responses, batch_size=5000, ignore_conflicts=True)
        TimeEntry.objects.bulk_create(entries, batch_size=5000, ignore_conflicts=True)
        self.stdout.write(f"{len(targets)} targets, {len(responses)} NPS responses, {len(entries)} time entries offered")
        for day in (today - datetime.timedelta(days=7), today):
            self.stdout.write(f"{day}: {kpi_snapshot_refresh(as_of=day)} KPI snapshot rows")

    def _targets(self, account: dict, kpis: dict, rng: random.Random, today: datetime.date) -> list[KpiTarget]:
        month = account["fiscal_year_start_month"]
        current = fiscal_year_of(today, month)
        yearly = Decimal(account["revenue_ttm"] or 0) * Decimal(str(rng.uniform(0.9, 1.35)))
        margin = Decimal(str(round(rng.uniform(22, 32), 1)))
        values = {
            "revenue": yearly,
            "profit": yearly * margin / 100,
            "margin": margin,
            "nps": Decimal(rng.choice([20, 30, 40])),
            "repurchase_amount": Decimal(rng.choice([60, 70, 80])),
            "utilisation": Decimal(80),
            "deployment": Decimal(90),
        }
        targets = []
        for code, value in values.items():
            kpi = kpis.get(code)
            if kpi is None or not kpi.applies_to(account["team_type"]) or not value:
                continue
            for year in (current - 1, current):
                periods = [Period(PeriodKind.YEAR, year, 1, month)] + periods_in_year(year, PeriodKind.QUARTER, month)
                for period in periods:
                    share = Decimal(period.months) / 12 if kpi.is_cumulative else Decimal(1)
                    targets.append(
                        KpiTarget(
                            account_id=account["pk"],
                            kpi=kpi,
                            fiscal_year=period.fiscal_year,
                            period_kind=period.kind,
                            period_index=period.index,
                            value=(value * share).quantize(Decimal("1") if kpi.is_cumulative else Decimal("0.1")),
                        )
                    )
        return targets

    def _responses(self, account: dict, people: list, rng: random.Random, today: datetime.date) -> list[NpsResponse]:
        loyalty = rng.uniform(5.5, 9.5)
        responses = []
        for quarter in range(8):
            for _ in range(rng.randint(2, 5)):
                day = today - datetime.timedelta(days=quarter * 91 + rng.randint(0, 90))
                contact_id, name = rng.choice(people) if people else (None, f"Respondent {rng.randint(1, 40)}")
                score = max(0, min(10, round(rng.gauss(loyalty, 1.8))))
                responses.append(
                    NpsResponse(
                        account_id=account["pk"],
                        contact_id=contact_id,
                        respondent_name=name,
                        score=score,
                        responded_on=day,
                        comment=rng.choice(COMMENTS),
                        survey=f"Relationship survey {day.year}",
                    )
                )
        return responses

    def _time_entries(self, account: dict, user_id: int, rng: random.Random, today: datetime.date) -> list[TimeEntry]:
        entries = []
        monday = today - datetime.timedelta(days=today.weekday())
        busy = rng.uniform(0.6, 0.95)
        for week in range(1, 40):
            day = monday - datetime.timedelta(weeks=week)
            billable = Decimal(str(round(8 * busy + rng.uniform(-1, 1), 1)))
            for kind, hours in (
                (TimeEntry.Kind.BILLABLE, billable),
                (TimeEntry.Kind.NON_BILLABLE, Decimal(str(round(rng.uniform(0, 1.5), 1)))),
                (TimeEntry.Kind.AVAILABLE, Decimal(str(round(max(8 - float(billable), 0.5), 1)))),
            ):
                if hours > 0:
                    entries.append(
                        TimeEntry(account_id=account["pk"], user_id=user_id, worked_on=day, kind=kind, hours=hours)
                    )
        return entries
