"""makemessages without fuzzy matching: a new text must get its own translation
instead of silently borrowing a similar one's."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
