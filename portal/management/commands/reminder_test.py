import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import User
from portal.reminders import reminder_schedule, subject_key


class Command(BaseCommand):
    help = (
        "Send a test reminder to a user, through every channel, with the next sweep "
        "(within a minute when the worker and its beat are running)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        reminder = reminder_schedule(
            subject=subject_key("test", uuid.uuid4().hex[:12]),
            kind="test",
            recipient=user,
            due_at=timezone.now(),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Test reminder {reminder.pk} for {username} is due now: the bell and "
                "the mail (var/mail/ by default) get it with the next sweep."
            )
        )
