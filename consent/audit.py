"""What the consent app tells the audit kernel (portal.audit): its models' change
history, how a reader reaches a pupil through an override or a consent, and what it
holds about a pupil for the personal data report.

Loaded from ``ConsentConfig.ready()``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Student
from consent import policy
from consent.models import (
    Consent,
    ConsentCategory,
    ConsentGiver,
    ConsentGroupObjectPermission,
    ConsentParty,
    ConsentUserObjectPermission,
    Override,
)
from portal.access import scope
from portal.audit import (
    ReportEntry,
    ReportPart,
    ReportSection,
    register_access_basis,
    register_report_section,
)
from portal.changelog import track


def register_change_history() -> None:
    track(Consent, masked=["purpose", "withdrawal_note"], excluded=["pupil_gender"])
    track(ConsentGiver)
    # The copies of the consent on each party are bookkeeping (consent.party_copy).
    track(
        ConsentParty,
        excluded=[
            "consent_student_id",
            "consent_valid_from",
            "consent_valid_to",
            "consent_withdrawn_at",
        ],
    )
    track(ConsentCategory)
    track(ConsentUserObjectPermission)
    track(ConsentGroupObjectPermission)
    track(Override, masked=["reason"])


def _override(user, ids: set[int]) -> set[int]:
    return set(
        policy.active_overrides(user)
        .filter(student_id__in=ids)
        .values_list("student_id", flat=True)
    )


def _consent(user, ids: set[int]) -> set[int]:
    named = policy.students_named_in_consents(scope(user))
    if named is None:
        return set()
    return set(Student.objects.filter(named, pk__in=ids).values_list("pk", flat=True))


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def _day(value):
    return date_format(value, "Y-m-d") if value else ""


def _consents(student_id: int, requester: str) -> ReportPart:
    part = ReportPart()
    consents = (
        Consent.objects.filter(student_id=student_id)
        .select_related("recorded_by_unit")
        .prefetch_related("givers", "parties__unit", "categories")
        .order_by("valid_from", "id")
    )
    for c in consents:
        part.entries.append(
            ReportEntry(
                heading=f"{_('Consent')} {_day(c.valid_from)} – {_day(c.valid_to)}",
                fields=[
                    (_("Recorded by"), c.recorded_by_unit.name),
                    (_("Form"), c.get_form_display()),
                    (_("Purpose"), c.purpose),
                    (_("Given by"), ", ".join(g.name for g in c.givers.all())),
                    (_("Parties"), ", ".join(p.unit.name for p in c.parties.all())),
                    (
                        _("Information"),
                        ", ".join(x.get_category_display() for x in c.categories.all()),
                    ),
                    (_("Withdrawn"), _when(c.withdrawn_at)),
                ],
            )
        )
    for o in Override.objects.filter(student_id=student_id).select_related("unit"):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Access without consent')} {_when(o.created_at)}",
                fields=[
                    (_("Unit"), o.unit.name),
                    (_("Legal ground"), o.get_legal_ground_display()),
                    (_("Reason"), o.reason),
                    (_("Until"), _when(o.expires_at)),
                ],
            )
        )
    return part


def register() -> None:
    register_change_history()
    register_access_basis("override", _override, order=20)
    register_access_basis("consent", _consent, order=40)
    register_report_section(
        ReportSection(
            key="consents",
            title=_("Consents and access without consent"),
            order=60,
            build=_consents,
        )
    )
