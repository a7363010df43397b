"""The portal's own part of the audit: its models' change history, the access log's
retention rule, the access history in the personal data report, and the log
reviewer's menu entry. Called from ``PortalConfig.ready()``."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.audit import ReportEntry, ReportPart, ReportSection, register_report_section

#: At most this many access-log rows go into one personal data report.
REPORT_ACCESS_ROWS = 20_000


def _access_history(student_id: int, requester: str) -> ReportPart:
    """When the pupil's information was read or changed, and by which units.

    Who in a unit read it is not named: the data subject is told when and by which
    part of the organisation (EU court, C-579/21); the reviewer sees the names."""
    from portal.audit_models import AccessLog, AccessLogSubject
    from portal.models import Unit

    subjects = (
        AccessLogSubject.objects.filter(student_id=student_id)
        .exclude(log__kind__in=[AccessLog.Kind.REVIEW, AccessLog.Kind.RETENTION])
        .select_related("log")
        .order_by("at")[:REPORT_ACCESS_ROWS]
    )
    rows = [(s.log.at, s.log.kind, tuple(s.log.unit_ids)) for s in subjects]
    unit_ids = {u for _at, _kind, units in rows for u in units}
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    kinds = dict(AccessLog.Kind.choices)
    counted: Counter = Counter()
    for at, kind, units in rows:
        day = date_format(timezone.localtime(at), "Y-m-d")
        where = ", ".join(sorted(names.get(u, "?") for u in units))
        counted[(day, str(kinds.get(kind, kind)), where)] += 1
    part = ReportPart()
    if counted:
        part.entries.append(
            ReportEntry(
                heading=str(_("Reads and changes in Samverkan")),
                fields=[
                    (f"{day} – {kind}", f"{where} ({count})")
                    for (day, kind, where), count in sorted(counted.items())
                ],
            )
        )
    return part


def register() -> None:
    from portal.audit import retention
    from portal.changelog import track
    from portal.models import Membership, Unit, User
    from portal.navigation import NavItem, register_nav

    track(Membership)
    track(Unit)
    track(User, excluded=["password", "last_login"])
    retention.register()
    register_report_section(
        ReportSection(
            key="access", title=_("Who has read the information"), order=90, build=_access_history
        )
    )
    register_nav(
        NavItem(
            key="audit",
            label=_("Log review"),
            url_name="audit:search",
            order=80,
            visible=lambda s: s.is_log_reviewer,
        )
    )
