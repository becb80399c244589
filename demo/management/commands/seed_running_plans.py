"""`manage.py seed_running_plans [--year N]`: approved plans for demo accounts, so the sweep has work."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.running_plans import default_demo_year, running_plans_create


class Command(BaseCommand):
    help = "Give every account without a plan for the year an approved plan (demo data; needs KAM_DEMO_DATA_ALLOWED)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="fiscal year (default: last year)")

    def handle(self, *args, **options):
        if not getattr(settings, "KAM_DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is not allowed with these settings (KAM_DEMO_DATA_ALLOWED is off).")
        year = options["year"] or default_demo_year()
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        self.stdout.write(f"Approved plans made for FY {year}: {running_plans_create(fiscal_year=year)}.")
