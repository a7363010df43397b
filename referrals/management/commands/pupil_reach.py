"""Check, or rebuild, the rows of which pupils each district's social services reach."""

from django.core.management.base import BaseCommand, CommandError

from referrals import reach


class Command(BaseCommand):
    help = (
        "Compare the kept rows of pupils reached by each district with the reports, "
        "utredningar and suspension notices (--check), or rebuild them (--rebuild)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="exit 1 if any row differs")
        action.add_argument("--rebuild", action="store_true", help="write every row again")

    def handle(self, *args, check=False, rebuild=False, **options):
        if rebuild:
            count = reach.rebuild()
            self.stdout.write(f"{count} rows written.")
            return
        differences = reach.drift()
        if any(differences.values()):
            summary = ", ".join(f"{name}: {len(rows)}" for name, rows in differences.items())
            raise CommandError(f"The kept rows differ from the source tables ({summary}).")
        self.stdout.write("The kept rows match the source tables.")
