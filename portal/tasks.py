"""Celery tasks: thin wrappers around the reminder services (portal.reminders) and the
dashboard figures (portal.dashboard_figures)."""

from celery import shared_task

from portal import dashboard_figures, reminders


def _dispatch(ids: list[int], claim_token: str) -> None:
    reminders_send.delay(ids, claim_token)


@shared_task(name="portal.reminders_sweep", ignore_result=True)
def reminders_sweep() -> int:
    """Beat, every minute: claim the due reminders and queue their sending."""
    return reminders.reminders_sweep(dispatch=_dispatch)


@shared_task(name="portal.reminders_send", acks_late=True, ignore_result=True)
def reminders_send(ids: list[int], claim_token: str) -> dict:
    """Send one claim's reminders. Safe to run twice: each row is sent only by the
    holder of its claim, and only once (see portal.reminders.reminder_send)."""
    return dict(reminders.reminders_send_batch(ids=ids, claim_token=claim_token))


@shared_task(name="portal.manager_digests", ignore_result=True)
def manager_digests() -> int:
    """Beat, 07:00 Stockholm time: arm the managers' daily digests; the next sweep
    sends them."""
    return reminders.manager_digests_schedule()


@shared_task(name="portal.dashboard_figures_refresh", ignore_result=True)
def dashboard_figures_refresh() -> int:
    """Beat, every few minutes: compute every manager's dashboard for each named period."""
    return dashboard_figures.refresh()
