import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from portal.scale import FULL_CITY, Sizes, database_has_data, seed_scale


class Command(BaseCommand):
    help = (
        "Fill the database with the whole city for benchmarks: 13 districts, their "
        "schools and social services, pupils and years of casework. Defaults are the "
        "full city; every size can be made smaller."
    )

    def add_arguments(self, parser):
        for name, default in FULL_CITY.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default:,}")
        parser.add_argument(
            "--access-log",
            type=int,
            default=None,
            help="access-log rows (default: half the number of concerns)",
        )
        parser.add_argument("--years", type=int, default=5, help="years of casework (default 5)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the data is generated for, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "add to a database that already has data; on a city generated before, "
                "the new pupils and casework go to its schools and staff (no new users)"
            ),
        )

    def handle(self, *args, **options):
        if database_has_data() and not options["force"]:
            raise CommandError(
                "The database already has users, pupils or reports. seed_scale is meant "
                "for an empty benchmark database; use --force to add to it anyway."
            )
        sizes = Sizes(
            pupils=options["pupils"],
            concerns=options["concerns"],
            consents=options["consents"],
            meetings=options["meetings"],
            users=options["users"],
            access_log=(
                options["access_log"]
                if options["access_log"] is not None
                else options["concerns"] // 2
            ),
            years=options["years"],
        )
        every_size = (sizes.pupils, sizes.users, sizes.concerns, sizes.consents, sizes.meetings)
        if min(every_size) < 0 or sizes.access_log < 0 or sizes.years < 1:
            raise CommandError("Sizes cannot be negative, and --years is at least 1.")
        started = time.monotonic()
        try:
            counts = seed_scale(
                sizes, seed=options["seed"], today=options["today"], stdout=self.stdout
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self.stdout.write(self.style.SUCCESS(f"City generated: {total:,} rows in {elapsed:.0f} s."))
