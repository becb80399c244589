"""`python manage.py seed_demo`: load the deterministic demo data set (development and tests only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import portfolio_cache
from demo.accounts_content import DEFAULT_ACCOUNT_COUNT, DEFAULT_SEED, DEMO_PASSWORD, USERS
from demo.accounts_seed import demo_data_exists, demo_flush, demo_seed
from demo.bulk import gc_paused, sqlite_loading
from demo.performance import performance_demo_flush, performance_demo_seed, personal_goals_demo_seed
from demo.planning import planning_demo_flush, planning_demo_seed


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not a class attribute, so the text is translated when shown, not at import.
        return _(
            "Load demo data: our business units, offerings, pricing tiers, demo users and customer accounts "
            "with org charts, opportunities, three years of orders, customer activities, KPI targets, NPS, "
            "KPI snapshots, account plans and consensus meetings. Refused unless KAM_DEMO_DATA_ALLOWED is on."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--accounts", type=int, default=DEFAULT_ACCOUNT_COUNT,
            help=_("Number of customer accounts to make (default: %(default)s)."),
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED,
            help=_("Seed of the random generator; the same seed gives the same data (default: %(default)s)."),
        )
        parser.add_argument(
            "--flush", action="store_true",
            help=_("First delete all accounts (with their plans and performance data), meetings, orders, offerings, "
                   "pricing tiers, business units and the demo users."),
        )

    def handle(self, *args, accounts: int, seed: int, flush: bool, **options) -> None:
        if not getattr(settings, "KAM_DEMO_DATA_ALLOWED", False):
            raise CommandError(_(
                "Demo data is not allowed with these settings (KAM_DEMO_DATA_ALLOWED is off). "
                "Load it only in a development database."
            ))
        if accounts < 1:
            raise CommandError(_("--accounts must be at least 1."))

        existing = demo_data_exists()
        if existing and not flush:
            self.stdout.write(_(
                "The database already holds accounts or demo data; nothing was changed. "
                "Run with --flush to replace it."
            ))
            return

        started = time.monotonic()
        today = timezone.localdate()
        # One transaction: if loading fails, the data that was there before is still there.
        # Rows are written and deleted in bulk: the cached sums are made stale once, at the end.
        with gc_paused(), sqlite_loading(), transaction.atomic(), portfolio_cache.bulk_writes():
            if existing:
                self.stdout.write(_("Deleting existing data…"))
                planning_demo_flush()
                performance_demo_flush()
                demo_flush()
            summary = demo_seed(account_count=accounts, seed=seed, today=today)
            performance = performance_demo_seed(seed=seed, today=today)
            planning = planning_demo_seed(seed=seed, today=today)
            # Last: the personal goals split the revenue targets the plans have set.
            personal_goals_demo_seed(today=today)
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(
            _("Demo data loaded in %(seconds).1f s: %(accounts)d accounts, %(contacts)d contacts, "
              "%(opportunities)d opportunities, %(orders)d orders.") % {
                "seconds": elapsed, "accounts": summary.accounts, "contacts": summary.contacts,
                "opportunities": summary.opportunities, "orders": summary.orders,
            }
        ))
        self.stdout.write(
            _("%(activities)d customer activities, %(targets)d KPI targets, %(responses)d NPS responses, "
              "%(snapshots)d KPI snapshot rows, %(plans)d account plans, %(meetings)d consensus meetings.") % {
                "activities": summary.activities, "targets": performance.targets,
                "responses": performance.nps_responses, "snapshots": performance.snapshots,
                "plans": planning.plans, "meetings": planning.meetings,
            }
        )
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, _first, _last, role, _unit, job_title, _level in USERS:
            self.stdout.write(f"  {username:<6} {role.label} · {job_title}")
