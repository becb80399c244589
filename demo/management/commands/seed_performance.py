"""`python manage.py seed_performance`: demo performance data for accounts already in the database.

`seed_demo` loads the same data itself; this command adds it to accounts loaded another way
(and the dashboards' benchmark uses it). Safe to run twice.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from demo.accounts_content import DEFAULT_SEED
from accounts import portfolio_cache
from accounts.services import account_revenue_refresh
from demo.performance import performance_demo_seed


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Add demo KPI targets, NPS responses and time entries to every account, then compute KPI snapshots "
            "for today and a week ago. Safe to run twice."
        )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("Random seed, for repeatable data."))

    def handle(self, *args, seed: int, **options):
        if not getattr(settings, "KAM_DEMO_DATA_ALLOWED", False):
            raise CommandError(_("Demo data is not allowed with these settings (KAM_DEMO_DATA_ALLOWED is off)."))
        with transaction.atomic():
            account_revenue_refresh()
            summary = performance_demo_seed(seed=seed)
            portfolio_cache.bump(portfolio_cache.SALES)  # the personal goals, written in bulk
        self.stdout.write(
            _("%(targets)d targets, %(responses)d NPS responses, %(entries)d time entries offered; "
              "%(snapshots)d KPI snapshot rows.") % {
                "targets": summary.targets, "responses": summary.nps_responses,
                "entries": summary.time_entries, "snapshots": summary.snapshots,
            }
        )
