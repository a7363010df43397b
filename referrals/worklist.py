"""What concerns put on a manager's worklist: counts only."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Scope
from portal.dashboards import ScopeRule
from portal.models import Unit
from portal.roles import Role
from portal.worklist import WorklistItem, register_worklist_item
from referrals.models import Concern, ConcernFact, Investigation

FLAGGED_WINDOW_DAYS = 90
INBOX = "referrals:inbox"


def _may_open_inbox(scope: Scope) -> bool:
    return scope.has_role(Role.SOCIAL_WORKER)


def _count(model, unit_field: str, scope: Scope, **filters) -> int:
    """Rows within the manager's scope by their social-services unit, by the same
    rule as the dashboard's, compared on the row's own (indexed) unit column."""
    column = f"{unit_field}_id"
    rule = ScopeRule(districts=(), units=(column,), district_units=(column,))
    q = rule.q(
        scope,
        lambda: Unit.objects.filter(district_id__in=scope.manager_district_ids).values("pk"),
    )
    if q is None:
        return 0
    return model.objects.filter(q, **filters).count()


def _protection_overdue(scope):
    return _count(
        Concern,
        "intake_unit",
        scope,
        awaiting_protection=True,  # no skyddsbedömning yet, on the row itself
        protection_due_on__lt=timezone.localdate(),
    )


def _preliminary_overdue(scope):
    return _count(
        Concern,
        "intake_unit",
        scope,
        awaiting_decision=True,  # no förhandsbedömning yet, on the row itself
        preliminary_due_on__lt=timezone.localdate(),
    )


def _not_opened_despite_violence(scope):
    since = timezone.now() - datetime.timedelta(days=FLAGGED_WINDOW_DAYS)
    # From the reports' dashboard rows (referrals.facts): the decision is on the row.
    return _count(ConcernFact, "intake_unit", scope, flagged=True, decided_at__gte=since)


def _investigations_overdue(scope):
    return _count(
        Investigation, "unit", scope, closed_on__isnull=True, due_on__lt=timezone.localdate()
    )


register_worklist_item(
    WorklistItem(
        "protection_overdue",
        _("Skyddsbedömningar overdue"),
        10,
        _protection_overdue,
        urgent=True,
        url_name=INBOX,
        link_visible=_may_open_inbox,
    )
)
register_worklist_item(
    WorklistItem(
        "preliminary_overdue",
        _("Förhandsbedömningar past 14 days"),
        20,
        _preliminary_overdue,
        urgent=True,
        url_name=INBOX,
        link_visible=_may_open_inbox,
    )
)
register_worklist_item(
    WorklistItem(
        "not_opened_violence",
        _("Not opened despite violence (last 90 days), for follow-up"),
        30,
        _not_opened_despite_violence,
        urgent=True,
        url_name=INBOX,
        link_visible=_may_open_inbox,
    )
)
register_worklist_item(
    WorklistItem(
        "investigations_overdue",
        _("Utredningar past their end date"),
        40,
        _investigations_overdue,
        urgent=True,
        url_name=INBOX,
        link_visible=_may_open_inbox,
    )
)
