"""Begäran om uppgifter: the social services ask the school for information in an
open utredning, and the school answers in the portal (issue 12, part 1)."""
