"""manage.py gallring [--dry-run] [--now YYYY-MM-DD]: apply the retention rules.

Every rule is in portal/rules.py with its source; the records each rule removes are
decided by the app that owns them (portal.audit.retention). Nothing outside a rule
is touched. Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal.audit import retention


class Command(BaseCommand):
    help = "Destroy (gallra) what the retention rules say is due. --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what is due; remove nothing."
        )
        parser.add_argument(
            "--now",
            metavar="YYYY-MM-DD",
            help="Apply the rules as on this day (default: today in Stockholm).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=retention.BATCH_SIZE,
            help="Units removed per transaction (default %(default)s).",
        )

    def handle(self, *args, **options):
        # An operator's command: its report is in one language, English.
        with translation.override("en"):
            return self._handle(*args, **options)

    def _handle(self, *args, dry_run=False, now=None, batch_size=retention.BATCH_SIZE, **options):
        today = None
        if now:
            try:
                today = datetime.date.fromisoformat(now)
            except ValueError:
                raise CommandError("--now takes a date: YYYY-MM-DD") from None
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        def progress(rule, done, total):
            self.stderr.write(f"  {rule.key}: {done}/{total}")

        summary = retention.retention_run(
            today=today, dry_run=dry_run, progress=progress, batch_size=batch_size
        )
        heading = f"Gallring {summary.today.isoformat()}"
        if dry_run:
            heading += " (dry run: nothing was removed)"
        self.stdout.write(heading)
        for number, result in enumerate(summary.results, start=1):
            rule, plan = result.rule, result.plan
            self.stdout.write(f"[{number}] {rule.title} — {rule.source}")
            verb = "would be removed" if dry_run else "removed"
            done = plan.due if dry_run else result.removed_units
            self.stdout.write(f"    due: {plan.due} {plan.unit}; {verb}: {done}")
            for reason, count in sorted(plan.kept.items()):
                self.stdout.write(f"    kept although old enough ({reason}): {count}")
        if not dry_run:
            rows = summary.removed_rows
            self.stdout.write(f"Rows removed: {sum(rows.values())}")
            for label, count in sorted(rows.items()):
                self.stdout.write(f"    {label}: {count}")
