from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import USERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo organisation, users and pupils (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Demo users share one known password.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: demo users share a known "
                "password. Use --force if this really is a demo installation."
            )
        summary = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {districts} districts, {units} units, {users} users, "
                "{pupils} pupils ({pupils_created} new).".format(**summary)
            )
        )
        self.stdout.write(
            f"Demo logins (password {settings.SAMVERKAN_DEMO_PASSWORD}): "
            + ", ".join(u[0] for u in USERS)
        )
