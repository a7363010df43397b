"""What the referrals app tells the audit kernel (portal.audit): its models' change
history, what it holds about a pupil for the personal data report, and the two
retention rules of the social services' records (rules in portal/rules.py).

Loaded from ``ReferralsConfig.ready()``.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Meeting, MeetingParticipant, Student
from portal import rules
from portal.audit import (
    ReportEntry,
    ReportPart,
    ReportSection,
    RetentionPlan,
    RetentionRule,
    register_report_section,
    register_retention_rule,
)
from portal.audit.retention import cutoff_date, purge, start_of_day_after
from portal.changelog import track
from referrals.models import (
    Amendment,
    Concern,
    ConcernCategory,
    ConcernEvent,
    Investigation,
    InvestigationExtension,
    NotificationMeeting,
    PreliminaryAssessment,
    PreliminaryExtension,
    ProtectionAssessment,
    Suspension,
)

NOT_OPEN = PreliminaryAssessment.Decision.NOT_OPEN


def register_change_history() -> None:
    # ConcernDraft is not tracked: it is the reporter's unsent text, saved every few
    # seconds and deleted when the report is sent; the report itself is tracked.
    track(
        Concern,
        masked=[
            "worry",
            "child_said",
            "observed",
            "earlier_concerns",
            "relation",
            "reporter_contact",
        ],
    )
    track(ConcernCategory)
    track(Amendment, masked=["text"])
    track(ConcernEvent)
    track(ProtectionAssessment, masked=["reasoning", "measures"])
    track(PreliminaryExtension, masked=["explanation"])
    track(PreliminaryAssessment, masked=["reasoning", "violence_override_reason"])
    track(Investigation, masked=["outcome_notes"], excluded=["pupil_gender", "concern_categories"])
    track(InvestigationExtension, masked=["reason"])
    track(NotificationMeeting, masked=["skip_explanation", "outcome_notes"])
    track(Suspension, masked=["reason"])


# --- retention ------------------------------------------------------------------------------------


def _research_sample() -> Q:
    """Pupils born on the 5th, 15th or 25th (SoL 12:2): never removed."""
    return Q(student__birth_date__day__in=sorted(rules.RETENTION_RESEARCH_SAMPLE_DAYS))


def _not_opened_old_enough(today: datetime.date) -> QuerySet[Concern]:
    cutoff = cutoff_date(today, rules.RETENTION_PRELIMINARY_NOT_OPENED_YEARS)
    return Concern.objects.filter(
        preliminary_assessment__decision=NOT_OPEN,
        preliminary_assessment__decided_at__lt=start_of_day_after(cutoff),
    )


def _not_opened_due(today: datetime.date) -> tuple[QuerySet[Concern], dict[str, int]]:
    old = _not_opened_old_enough(today)
    kept = {}
    if rules.RETENTION_RESEARCH_SAMPLE_COVERS_NOT_OPENED:
        kept["research_sample"] = old.filter(_research_sample()).count()
        old = old.exclude(_research_sample())
    return old, kept


def _not_opened_plan(today: datetime.date) -> RetentionPlan:
    due, kept = _not_opened_due(today)
    return RetentionPlan(unit=_("reports"), due=due.count(), kept=kept)


def _concern_records(concern_ids: list[int], investigation_ids: list[int]) -> list[QuerySet]:
    """Everything of these reports and utredningar, children first."""
    investigations = Investigation.objects.filter(
        Q(pk__in=investigation_ids) | Q(concern_id__in=concern_ids)
    )
    meeting_ids = list(
        NotificationMeeting.objects.filter(
            concern_id__in=concern_ids, meeting__isnull=False
        ).values_list("meeting_id", flat=True)
    )

    return [
        InvestigationExtension.objects.filter(investigation__in=investigations),
        investigations,
        NotificationMeeting.objects.filter(concern_id__in=concern_ids),
        MeetingParticipant.objects.filter(meeting_id__in=meeting_ids),
        Meeting.objects.filter(pk__in=meeting_ids, kind=Meeting.Kind.NOTIFICATION),
        ProtectionAssessment.objects.filter(concern_id__in=concern_ids),
        PreliminaryExtension.objects.filter(concern_id__in=concern_ids),
        PreliminaryAssessment.objects.filter(concern_id__in=concern_ids),
        Amendment.objects.filter(concern_id__in=concern_ids),
        ConcernEvent.objects.filter(concern_id__in=concern_ids),
        ConcernCategory.objects.filter(concern_id__in=concern_ids),
        Concern.objects.filter(pk__in=concern_ids),
    ]


def _not_opened_remove(today: datetime.date, limit: int) -> tuple[int, dict[str, int]]:
    due, _kept = _not_opened_due(today)
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0, {}
    return len(ids), purge(_concern_records(ids, []))


def _personakt_concerns() -> QuerySet[Concern]:
    """Reports that belong to a personakt: all but the non-opened ones, which have
    their own rule."""
    return Concern.objects.exclude(preliminary_assessment__decision=NOT_OPEN)


def _local_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _last_notes() -> dict[int, datetime.date]:
    """Per pupil, the date of the last note in their personakt."""
    concerns = _personakt_concerns()
    sources = [
        (concerns, "student_id", "received_at"),
        (Amendment.objects.filter(concern__in=concerns), "concern__student_id", "created_at"),
        (ConcernEvent.objects.filter(concern__in=concerns), "concern__student_id", "at"),
        (
            ProtectionAssessment.objects.filter(concern__in=concerns),
            "concern__student_id",
            "assessed_at",
        ),
        (
            PreliminaryExtension.objects.filter(concern__in=concerns),
            "concern__student_id",
            "decided_at",
        ),
        (
            PreliminaryAssessment.objects.filter(concern__in=concerns),
            "concern__student_id",
            "decided_at",
        ),
        (
            NotificationMeeting.objects.filter(concern__in=concerns),
            "concern__student_id",
            "decided_at",
        ),
        (
            NotificationMeeting.objects.filter(concern__in=concerns, meeting__isnull=False),
            "concern__student_id",
            "meeting__starts_at",
        ),
        (Investigation.objects.all(), "student_id", "started_on"),
        (Investigation.objects.filter(closed_on__isnull=False), "student_id", "closed_on"),
        (InvestigationExtension.objects.all(), "investigation__student_id", "decided_at"),
    ]
    last: dict[int, datetime.date] = {}
    for queryset, pupil, when in sources:
        for student_id, latest in (
            queryset.order_by()
            .values(pupil)
            .annotate(latest=Max(when))
            .values_list(pupil, "latest")
        ):
            if latest is None:
                continue
            day = _local_date(latest)
            if student_id not in last or day > last[student_id]:
                last[student_id] = day
    return last


def _personakt_due(today: datetime.date) -> tuple[list[int], dict[str, int]]:
    cutoff = cutoff_date(today, rules.RETENTION_PERSONAKT_YEARS)
    old = {pk for pk, day in _last_notes().items() if day <= cutoff}
    if not old:
        return [], {}
    open_now = set(
        Investigation.objects.filter(student_id__in=old, closed_on__isnull=True).values_list(
            "student_id", flat=True
        )
    )
    old -= open_now
    sample = set(
        Student.objects.filter(
            pk__in=old, birth_date__day__in=sorted(rules.RETENTION_RESEARCH_SAMPLE_DAYS)
        ).values_list("pk", flat=True)
    )
    by_law = set(
        Investigation.objects.filter(
            student_id__in=old - sample,
            outcome__in=sorted(rules.RETENTION_KEPT_BY_LAW_INVESTIGATION_OUTCOMES),
        ).values_list("student_id", flat=True)
    )
    kept = {}
    if sample:
        kept["research_sample"] = len(sample)
    if by_law:
        kept["kept_by_law"] = len(by_law)
    return sorted(old - sample - by_law), kept


def _personakt_plan(today: datetime.date) -> RetentionPlan:
    due, kept = _personakt_due(today)
    return RetentionPlan(unit=_("pupils' files"), due=len(due), kept=kept)


def _personakt_remove(today: datetime.date, limit: int) -> tuple[int, dict[str, int]]:
    due, _kept = _personakt_due(today)
    pupils = due[:limit]
    if not pupils:
        return 0, {}
    concern_ids = list(
        _personakt_concerns().filter(student_id__in=pupils).values_list("pk", flat=True)
    )
    investigation_ids = list(
        Investigation.objects.filter(student_id__in=pupils).values_list("pk", flat=True)
    )
    return len(pupils), purge(_concern_records(concern_ids, investigation_ids))


# --- the personal data report ---------------------------------------------------------------


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def _day(value):
    return date_format(value, "Y-m-d") if value else ""


def _withheld_from(requester: str, concern: Concern) -> bool:
    if requester != "guardian":
        return False
    return bool(rules.REPORT_WITHHELD_FROM_GUARDIAN_CATEGORIES.intersection(concern.category_codes))


def _reporter(concern: Concern) -> str:
    if concern.reporter_id:
        return f"{concern.reporter} ({concern.reporting_unit or ''})"
    if concern.reporter_is_professional:
        return f"{concern.reporter_name}, {concern.reporter_organisation}"
    # A private person's identity is secret toward the family (OSL 26:5).
    return str(_("A private person (withheld)"))


def _concerns(student_id: int, requester: str) -> ReportPart:
    part = ReportPart()
    concerns = (
        Concern.objects.filter(student_id=student_id)
        .select_related(
            "reporter",
            "reporting_unit",
            "intake_unit",
            "protection_assessment",
            "preliminary_assessment",
            "notification_meeting__meeting",
        )
        .prefetch_related("categories", "amendments", "extensions", "investigations")
        .order_by("received_at")
    )
    for c in concerns:
        if _withheld_from(requester, c):
            part.withheld += 1
            continue
        fields = [
            (_("Received"), _when(c.received_at)),
            (_("Received by"), c.get_channel_display()),
            (_("Receiving unit"), c.intake_unit.name),
            (_("Reporter"), _reporter(c)),
            (_("Categories"), ", ".join(str(x) for x in c.categories.all())),
            (_("What worries the reporter"), c.worry),
            (_("What the pupil said"), c.child_said),
            (_("What the reporter has seen"), c.observed),
            (_("Earlier concerns"), c.earlier_concerns),
        ]
        for amendment in c.amendments.all():
            fields.append(
                (_("Addition %(day)s") % {"day": _when(amendment.created_at)}, amendment.text)
            )
        protection = getattr(c, "protection_assessment", None)
        if protection:
            fields.append(
                (_("Skyddsbedömning"), f"{_when(protection.assessed_at)}: {protection.reasoning}")
            )
            if protection.measures:
                fields.append((_("Measures taken"), protection.measures))
        for ext in c.extensions.all():
            fields.append(
                (
                    _("Förhandsbedömning extended"),
                    f"{_day(ext.new_due_on)}: {ext.get_reason_display()}",
                )
            )
        decision = getattr(c, "preliminary_assessment", None)
        if decision:
            fields.append(
                (
                    _("Förhandsbedömning"),
                    f"{_when(decision.decided_at)}: {decision.get_decision_display()}",
                )
            )
            fields.append((_("Reasoning"), decision.reasoning))
        meeting = getattr(c, "notification_meeting", None)
        if meeting:
            if meeting.meeting_id:
                fields.append((_("Anmälningsmöte"), _when(meeting.meeting.starts_at)))
            else:
                fields.append((_("No anmälningsmöte"), meeting.get_skip_reason_display()))
        for inv in c.investigations.all():
            fields.append(
                (
                    _("Utredning"),
                    f"{_day(inv.started_on)} – {_day(inv.closed_on)} {inv.get_outcome_display()}",
                )
            )
            if inv.outcome_notes:
                fields.append((_("Notes on the outcome"), inv.outcome_notes))
        part.entries.append(
            ReportEntry(heading=f"{_('Concern report')} {c.reference}", fields=fields)
        )
    for inv in Investigation.objects.filter(student_id=student_id, concern__isnull=True):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Utredning')} {_day(inv.started_on)}",
                fields=[
                    (_("Closed"), _day(inv.closed_on)),
                    (_("Outcome"), inv.get_outcome_display()),
                    (_("Notes on the outcome"), inv.outcome_notes),
                ],
            )
        )
    return part


def _suspensions(student_id: int, requester: str) -> ReportPart:
    part = ReportPart()
    for s in Suspension.objects.filter(student_id=student_id).select_related("school_unit"):
        part.entries.append(
            ReportEntry(
                heading=f"{_('Suspension')} {_day(s.starts_on)} – {_day(s.ends_on)}",
                fields=[
                    (_("School"), s.school_unit.name),
                    (_("Reason"), s.reason),
                    (
                        _("Pupil and guardians heard"),
                        _("yes") if s.pupil_and_guardians_heard else _("no"),
                    ),
                    (
                        _("Social services notified"),
                        _when(s.decided_at) if s.notice_unit_id else "",
                    ),
                ],
            )
        )
    return part


def register() -> None:
    register_change_history()
    register_retention_rule(
        RetentionRule(
            key="preliminary_not_opened",
            title=_("Förhandsbedömningar that did not open an utredning"),
            source=f"{rules.RETENTION_PRELIMINARY_NOT_OPENED_YEARS} years after the decision "
            "(Stockholm stad, dokumenthanteringsplan)",
            order=10,
            due=_not_opened_plan,
            remove_batch=_not_opened_remove,
        )
    )
    register_retention_rule(
        RetentionRule(
            key="personakt",
            title=_("Social services' personakt"),
            source=f"{rules.RETENTION_PERSONAKT_YEARS} years after the last note "
            "(SoL 12:1-2, old numbering); born the 5th, 15th or 25th kept",
            order=20,
            due=_personakt_plan,
            remove_batch=_personakt_remove,
        )
    )
    register_report_section(
        ReportSection(
            key="concerns", title=_("Concern reports and utredningar"), order=20, build=_concerns
        )
    )
    register_report_section(
        ReportSection(key="suspensions", title=_("Suspensions"), order=30, build=_suspensions)
    )
