import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from performance.services import kpi_snapshot_refresh


class Command(BaseCommand):
    help = "Recompute the KPI snapshots the weekly dashboard reads (today, and optionally a week ago for movers)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The day to compute for (YYYY-MM-DD); today by default.")
        parser.add_argument(
            "--with-last-week",
            action="store_true",
            help="Also compute the day a week earlier, so the week's movers show at once on a new installation.",
        )

    def handle(self, *args, as_of=None, with_last_week=False, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2025-04-30, not {as_of!r}.") from None
        days = [day - datetime.timedelta(days=7), day] if with_last_week else [day]
        for each in days:
            count = kpi_snapshot_refresh(as_of=each)
            self.stdout.write(f"{each}: {count} KPI snapshot rows")
