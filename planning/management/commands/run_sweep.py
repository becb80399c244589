"""`manage.py run_sweep --date YYYY-MM-DD`: the daily sweep as of a date, for operators and the demo."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import notifications_deliver
from planning.sweep import executive_digest_create, stale_plan_notices_create, sweep_run


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Create due quarterly reviews, year-end reminders and notifications as of a date (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to sweep as of, YYYY-MM-DD (default: today)")
        parser.add_argument("--digest", action="store_true", help="also write this week's executive digest")
        parser.add_argument("--send", action="store_true", help="also e-mail the notifications now")

    def handle(self, *args, **options):
        as_of = _date(options["date"]) if options["date"] else timezone.localdate()
        result = sweep_run(as_of=as_of)
        self.stdout.write(
            f"Sweep as of {as_of.isoformat()}: {result.reviews_created} reviews created, "
            f"{result.notifications_created} notifications, {stale_plan_notices_create(as_of=as_of)} stale-plan notices."
        )
        if options["digest"]:
            self.stdout.write(f"Executive digests: {executive_digest_create(as_of=as_of)}.")
        if options["send"]:
            self.stdout.write(f"E-mails sent: {notifications_deliver()}.")
