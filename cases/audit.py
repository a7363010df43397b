"""What the cases app tells the audit kernel (portal.audit): its models' change
history, how to look pupils up, how a reader reaches a pupil through a placement or a
named grant, and what it holds about a pupil for the personal data report.

Loaded from ``CasesConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases import identity
from cases.models import (
    AbsenceInvestigation,
    AbsenceRecord,
    Guardian,
    Guardianship,
    Insats,
    JointAdviceNote,
    Meeting,
    MeetingParticipant,
    Placement,
    SipIntervention,
    SipParticipant,
    SipPlan,
    SipVersion,
    Student,
    StudentGroupObjectPermission,
    StudentUserObjectPermission,
)
from portal.audit import (
    PupilDirectory,
    PupilFacts,
    ReportEntry,
    ReportPart,
    ReportSection,
    register_access_basis,
    register_pupil_directory,
    register_report_section,
)
from portal.changelog import track

_CHUNK = 500


def _day(value):
    return date_format(value, "Y-m-d") if value else ""


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


# --- change history ----------------------------------------------------------------------------


def register_change_history() -> None:
    track(Student, masked=["personnummer"], excluded=["updated_at", "birth_date"])
    track(Guardian, masked=["phone", "email", "address"])
    track(Guardianship)
    track(StudentUserObjectPermission)
    track(StudentGroupObjectPermission)
    track(Meeting, masked=["agenda", "minutes", "video_link"], excluded=["updated_at"])
    track(MeetingParticipant, masked=["email"])
    track(
        SipPlan,
        masked=["outcome", "escalation_reason"],
        excluded=["pupil_gender", "follow_up_on"],
    )
    track(SipParticipant, masked=["email"])
    track(SipVersion, masked=["needs", "follow_up_how"])
    track(SipIntervention, masked=["what"])
    track(
        Placement,
        masked=["reason", "decision_reason", "end_reason"],
        excluded=["pupil_gender"],
    )
    track(AbsenceRecord)
    track(AbsenceInvestigation, masked=["findings", "outcome"])
    track(Insats, excluded=["updated_at"])
    track(JointAdviceNote, masked=["text"])


# --- pupils ---------------------------------------------------------------------------------------


def _facts(ids: Collection[int]) -> dict[int, PupilFacts]:
    ids = sorted(set(ids))
    found: dict[int, PupilFacts] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = Student.objects.filter(pk__in=ids[start : start + _CHUNK]).values_list(
            "pk", "school_unit_id", "home_district_id", "first_name", "last_name", "personnummer"
        )
        for pk, school, district, first, last, pnr in rows:
            found[pk] = PupilFacts(
                school_unit_id=school,
                home_district_id=district,
                label=f"{first} {last} ({identity.masked(pnr)})",
                birth_day=identity.birth_date(pnr).day,
            )
    return found


def _find(text: str) -> int | None:
    try:
        pnr = identity.normalize_personnummer(text)
    except ValidationError:
        return None
    return Student.objects.filter(personnummer=pnr).values_list("pk", flat=True).first()


def _placed_in_own_group(user, ids: set[int]) -> set[int]:
    from portal.access import scope

    groups = scope(user).school_unit_ids
    if not groups:
        return set()
    return set(
        Placement.objects.filter(
            group_id__in=groups,
            student_id__in=ids,
            status__in=[Placement.Status.ADMITTED, Placement.Status.ACTIVE],
        ).values_list("student_id", flat=True)
    )


def _named_grant(user, ids: set[int]) -> set[int]:
    return set(
        StudentUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename="view_student", content_object_id__in=ids
        ).values_list("content_object_id", flat=True)
    )


# --- the personal data report -----------------------------------------------------------------


def _identity(student_id: int, requester: str) -> ReportPart:
    student = Student.objects.select_related("school_unit", "home_district").get(pk=student_id)
    part = ReportPart()
    part.entries.append(
        ReportEntry(
            heading=str(_("The pupil")),
            fields=[
                (_("Name"), student.full_name),
                (_("Personal identity number"), student.personnummer_display),
                (_("Gender"), student.get_gender_display()),
                (_("School"), student.school_unit.name),
                (_("Grade"), student.grade),
                (_("Home district"), student.home_district.name),
                (_("Registered in Samverkan"), _when(student.created_at)),
            ],
        )
    )
    for link in Guardianship.objects.filter(student_id=student_id).select_related("guardian"):
        g = link.guardian
        part.entries.append(
            ReportEntry(
                heading=f"{_('Guardian')}: {g.first_name} {g.last_name}",
                fields=[
                    (_("Relation"), link.get_relation_display()),
                    (_("Phone"), g.phone),
                    (_("E-mail"), g.email),
                    (_("Address"), g.address),
                ],
            )
        )
    return part


def _meetings_and_sip(student_id: int, requester: str) -> ReportPart:
    part = ReportPart()
    for plan in SipPlan.objects.filter(student_id=student_id).select_related("convenor_unit"):
        fields = [
            (_("Convening unit"), plan.convenor_unit.name),
            (_("Status"), plan.get_status_display()),
            (_("Started"), _when(plan.created_at)),
            (_("Activated"), _when(plan.activated_at)),
            (_("Closed"), _when(plan.closed_at)),
            (_("Outcome"), plan.outcome),
            (_("Escalated to BUS"), _when(plan.escalated_at)),
            (_("Reason for escalation"), plan.escalation_reason),
        ]
        for version in plan.versions.prefetch_related("interventions").order_by("number"):
            fields.append((_("Plan version %(n)s") % {"n": version.number}, version.needs))
            fields.append(
                (_("Follow-up"), f"{version.follow_up_how} ({_day(version.next_follow_up_on)})")
            )
            for item in version.interventions.all():
                fields.append((_("Intervention"), f"{item.what} – {item.get_provider_display()}"))
        part.entries.append(
            ReportEntry(heading=str(_("SIP (coordinated individual plan)")), fields=fields)
        )
    meetings = Meeting.objects.filter(student_id=student_id).exclude(kind=Meeting.Kind.NOTIFICATION)
    for meeting in meetings.order_by("starts_at"):
        part.entries.append(
            ReportEntry(
                heading=f"{meeting.get_kind_display()} {_when(meeting.starts_at)}",
                fields=[
                    (_("Status"), meeting.get_status_display()),
                    (_("Place"), meeting.place),
                    (_("Agenda"), meeting.agenda),
                    (_("Minutes"), meeting.minutes),
                ],
            )
        )
    return part


def _school(student_id: int, requester: str) -> ReportPart:
    part = ReportPart()
    for p in Placement.objects.filter(student_id=student_id).select_related("group"):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Special teaching group')}: {p.group.name}",
                fields=[
                    (_("Status"), p.get_status_display()),
                    (_("Applied"), _when(p.applied_at)),
                    (_("Reason for the application"), p.reason),
                    (_("Decided"), _when(p.decided_at)),
                    (_("Reason for the decision"), p.decision_reason),
                    (_("Start"), _day(p.starts_on)),
                    (_("End"), _day(p.ends_on)),
                    (_("Reason for ending"), p.end_reason),
                ],
            )
        )
    records = AbsenceRecord.objects.filter(student_id=student_id).order_by("period_start")
    if records:
        part.entries.append(
            ReportEntry(
                heading=str(_("Absence")),
                fields=[
                    (
                        f"{_day(r.period_start)} – {_day(r.period_end)}",
                        _("%(total)s %% (of which invalid %(invalid)s %%)")
                        % {"total": r.total_percent, "invalid": r.invalid_percent},
                    )
                    for r in records
                ],
            )
        )
    for inv in AbsenceInvestigation.objects.filter(student_id=student_id).select_related(
        "school_unit"
    ):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Absence investigation')} {_day(inv.opened_on)}",
                fields=[
                    (_("School"), inv.school_unit.name),
                    (_("Findings"), inv.findings),
                    (_("Outcome and measures"), inv.outcome),
                    (_("Closed"), _day(inv.closed_on)),
                ],
            )
        )
    return part


def _insatser(student_id: int, requester: str) -> ReportPart:
    """Insatser are given with the guardians' consent, and the joint notes record
    what the guardians were told: neither is secret toward the family. Units are
    named, not staff, as in the rest of the report."""
    part = ReportPart()
    for i in Insats.objects.filter(student_id=student_id).select_related("unit"):
        part.entries.append(
            ReportEntry(
                heading=f"{i.get_kind_display()} {_day(i.starts_on)}",
                fields=[
                    (_("Unit"), i.unit.name),
                    (_("Start"), _day(i.starts_on)),
                    (_("End"), _day(i.ends_on)),
                ],
            )
        )
    notes = JointAdviceNote.objects.filter(student_id=student_id).select_related("author_unit")
    for n in notes.order_by("written_on", "id"):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Joint advice to the guardians')} {_day(n.written_on)}",
                fields=[(_("Unit"), n.author_unit.name), (_("Note"), n.text)],
            )
        )
    return part


def register() -> None:
    register_change_history()
    register_pupil_directory(PupilDirectory(facts=_facts, find=_find))
    register_access_basis("placement", _placed_in_own_group, order=10)
    register_access_basis("grant", _named_grant, order=30)
    register_report_section(
        ReportSection(
            key="pupil", title=_("The pupil and the guardians"), order=10, build=_identity
        )
    )
    register_report_section(
        ReportSection(
            key="school", title=_("Special teaching groups and absence"), order=40, build=_school
        )
    )
    register_report_section(
        ReportSection(key="sip", title=_("SIP and meetings"), order=50, build=_meetings_and_sip)
    )
    register_report_section(
        ReportSection(
            key="insatser",
            title=_("Insatser and joint advice"),
            order=55,
            build=_insatser,
        )
    )
