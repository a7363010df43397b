"""What consents put on a manager's worklist: counts only."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import Override
from portal.worklist import WorklistItem, register_worklist_item


def _overrides_last_30_days(scope):
    since = timezone.now() - datetime.timedelta(days=30)
    qs = Override.objects.filter(created_at__gte=since)
    if scope.manager_city:
        return qs.count()
    if not (scope.manager_district_ids or scope.manager_unit_ids):
        return 0
    return qs.filter(
        Q(unit__district_id__in=scope.manager_district_ids) | Q(unit_id__in=scope.manager_unit_ids)
    ).count()


register_worklist_item(
    WorklistItem(
        "overrides",
        _("Access without consent (break-glass), last 30 days"),
        50,
        _overrides_last_30_days,
        url_name="consent:override_list",
        link_visible=lambda s: s.is_log_reviewer,
    )
)
