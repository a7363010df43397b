"""What concerns put on a manager's worklist: counts only."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Scope
from portal.models import Unit
from portal.roles import Role
from portal.worklist import WorklistItem, register_worklist_item
from referrals.models import Concern, ConcernFact, Investigation

FLAGGED_WINDOW_DAYS = 90
INBOX = "referrals:inbox"


def _may_open_inbox(scope: Scope) -> bool:
    return scope.has_role(Role.SOCIAL_WORKER)


def _unit_filter(scope: Scope, unit_field: str) -> Q | None:
    """Rows whose social-services unit is within the manager's scope, compared on
    the row's own (indexed) unit column."""
    if scope.manager_city:
        return Q()
    q = Q(
        **{
            f"{unit_field}_id__in": Unit.objects.filter(
                district_id__in=scope.manager_district_ids
            ).values("pk")
        }
    ) | Q(**{f"{unit_field}_id__in": scope.manager_unit_ids})
    return q if scope.manager_district_ids or scope.manager_unit_ids else None


def _count(model, unit_field: str, scope: Scope, **filters) -> int:
    q = _unit_filter(scope, unit_field)
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
