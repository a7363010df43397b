"""Writes for concerns and their handling. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Meeting, MeetingParticipant, Student
from cases.reminders import meeting_reminders_sync
from cases.selectors import may_see_student
from portal import calendar, changelog, rules
from portal.access import scope
from portal.models import Unit, User
from portal.roles import Role
from referrals import deadlines, facts
from referrals.models import (
    Amendment,
    Channel,
    Concern,
    ConcernCategory,
    ConcernDraft,
    ConcernEvent,
    Investigation,
    InvestigationExtension,
    NotificationMeeting,
    PreliminaryAssessment,
    PreliminaryExtension,
    ProtectionAssessment,
    Suspension,
)
from referrals.reminders import concern_reminders_sync, investigation_reminders_sync
from referrals.selectors import concerns_for_school, concerns_for_social, open_investigation_for

CATEGORY_CODES = {code for code, _label in rules.CONCERN_CATEGORIES}


# --- routing ---


def intake_unit_for(student: Student) -> Unit:
    """The intake unit of the child's home district (folkbokföring), not the school's."""
    unit = (
        Unit.objects.filter(kind=Unit.Kind.SOCIAL_INTAKE, district_id=student.home_district_id)
        .order_by("id")
        .first()
    )
    if unit is None:
        raise ValidationError(
            _(
                "The pupil's home district has no intake unit in Samverkan. "
                "Contact the administrator."
            )
        )
    return unit


def investigation_unit_for(intake: Unit) -> Unit:
    unit = (
        Unit.objects.filter(kind=Unit.Kind.SOCIAL_INVESTIGATION, district_id=intake.district_id)
        .order_by("id")
        .first()
    )
    return unit or intake


# --- the school side: drafts, reports, amendments ---


def _require_school_reporter_for(user, student: Student) -> None:
    s = scope(user)
    if not s.school_unit_ids or student.school_unit_id not in s.school_unit_ids:
        raise PermissionDenied
    if not may_see_student(user, student):
        raise PermissionDenied


@transaction.atomic
def draft_start(*, author, student: Student) -> ConcernDraft:
    """Start writing a report about one pupil of the author's own school."""
    _require_school_reporter_for(author, student)
    return ConcernDraft.objects.create(author=author, student=student)


DRAFT_FIELDS = (
    "categories",
    "worry",
    "child_said",
    "observed",
    "relation",
    "earlier_concerns",
    "guardians_informed",
    "immediate_danger",
)
DRAFT_TEXT_LIMIT = 20_000
#: Control characters other than tab and line breaks: no keyboard types them and
#: PostgreSQL cannot keep NUL in text or JSON, so a draft drops them.
_CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


@transaction.atomic
def draft_save(*, draft: ConcernDraft, author, data: dict) -> ConcernDraft:
    """Keep what has been written so far. Unknown keys are dropped; text is capped."""
    if draft.author_id != author.pk:
        raise PermissionDenied
    clean = {}
    for key in DRAFT_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "categories":
            value = [c for c in value if c in CATEGORY_CODES] if isinstance(value, list) else []
        elif key in ("guardians_informed", "immediate_danger"):
            value = bool(value)
        else:
            value = str(value).translate(_CONTROL_CHARACTERS)[:DRAFT_TEXT_LIMIT]
        clean[key] = value
    draft.data = clean
    draft.updated_at = timezone.now()
    # A submit of the same draft may have removed it a moment ago; then there
    # is nothing left to keep.
    if not ConcernDraft.objects.filter(pk=draft.pk).update(data=clean, updated_at=draft.updated_at):
        raise ConcernDraft.DoesNotExist
    return draft


def _validate_report(*, categories, guardians_informed: bool) -> list[str]:
    codes = sorted(set(categories))
    if not codes:
        raise ValidationError({"categories": _("Choose at least one category.")})
    if not set(codes) <= CATEGORY_CODES:
        raise ValidationError({"categories": _("Choose categories from the list.")})
    if guardians_informed and rules.VIOLENCE_CATEGORIES.intersection(codes):
        raise ValidationError(
            {
                "guardians_informed": _(
                    "Guardians must not be told when the concern is violence, sexual abuse "
                    "or honour-related violence."
                )
            }
        )
    return codes


def _create_concern(*, codes: list[str], received_at: datetime.datetime, **fields) -> Concern:
    concern = Concern(
        # A unique placeholder until the primary key gives the real number.
        reference=uuid.uuid4().hex[:20],
        received_at=received_at,
        protection_due_on=deadlines.protection_due_on(received_at),
        preliminary_due_on=deadlines.preliminary_due_on(received_at),
        **fields,
    )
    concern.full_clean(exclude=["reference"])
    with transaction.atomic():
        concern.save()
    concern.reference = f"ORO-{calendar.local_date(received_at).year}-{concern.pk:06d}"
    changelog.update(Concern.objects.filter(pk=concern.pk), reference=concern.reference)
    changelog.bulk_create(
        ConcernCategory, [ConcernCategory(concern=concern, category=code) for code in codes]
    )
    # Written in bulk, without signals: the dashboard row takes the categories here.
    facts.refresh([concern.pk])
    return concern


@transaction.atomic
def concern_submit(
    *,
    reporter,
    draft: ConcernDraft,
    categories: list[str],
    worry: str,
    relation: str,
    child_said: str = "",
    observed: str = "",
    earlier_concerns: str = "",
    guardians_informed: bool = False,
    immediate_danger: bool = False,
) -> Concern:
    """File a report from a draft. Submitting the same draft twice files one report."""
    if draft.author_id != reporter.pk:
        raise PermissionDenied
    existing = Concern.objects.filter(draft_token=draft.token).first()
    if existing is not None:
        return existing
    student = draft.student
    _require_school_reporter_for(reporter, student)
    codes = _validate_report(categories=categories, guardians_informed=guardians_informed)
    if not worry.strip():
        raise ValidationError({"worry": _("Describe what worries you.")})
    if not relation.strip():
        raise ValidationError({"relation": _("Describe your relation to the pupil.")})
    now = timezone.now()
    try:
        concern = _create_concern(
            codes=codes,
            received_at=now,
            student=student,
            channel=Channel.PORTAL,
            reporter=reporter,
            reporting_unit=student.school_unit,
            intake_unit=intake_unit_for(student),
            worry=worry.strip(),
            child_said=child_said.strip(),
            observed=observed.strip(),
            relation=relation.strip(),
            earlier_concerns=earlier_concerns.strip(),
            guardians_informed=guardians_informed,
            immediate_danger=immediate_danger,
            draft_token=draft.token,
        )
    except IntegrityError:
        # Another request submitted this draft at the same moment and won.
        return Concern.objects.get(draft_token=draft.token)
    ConcernEvent.objects.create(
        concern=concern, kind=ConcernEvent.Kind.RECEIVED, actor=reporter, at=now
    )
    ConcernDraft.objects.filter(pk=draft.pk).delete()
    concern_reminders_sync(concern)
    return concern


@transaction.atomic
def amendment_add(*, concern: Concern, author, text: str) -> Amendment:
    """Add a dated addition to one's own report. The report itself never changes."""
    if (
        concern.reporter_id != author.pk
        or not concerns_for_school(author).filter(pk=concern.pk).exists()
    ):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the addition.")})
    amendment = Amendment.objects.create(concern=concern, author=author, text=text)
    ConcernEvent.objects.create(
        concern=concern, kind=ConcernEvent.Kind.AMENDED, actor=author, at=amendment.created_at
    )
    return amendment


# --- the social side ---


def _require_social_worker_for(user, concern: Concern) -> None:
    if not concerns_for_social(user).filter(pk=concern.pk).exists():
        raise PermissionDenied


@transaction.atomic
def concern_register_received(
    *,
    registered_by,
    student: Student,
    channel: str,
    received_at: datetime.datetime,
    reporter_name: str,
    reporter_organisation: str,
    reporter_contact: str,
    reporter_is_professional: bool,
    categories: list[str],
    worry: str,
    relation: str,
    child_said: str = "",
    observed: str = "",
    earlier_concerns: str = "",
    guardians_informed: bool = False,
    immediate_danger: bool = False,
) -> Concern:
    """Register a report received by phone or letter. It is routed to the intake
    unit of the child's home district, which may be another district's."""
    if not scope(registered_by).social_worker_district_ids:
        raise PermissionDenied
    if channel not in (Channel.PHONE, Channel.LETTER):
        raise ValidationError({"channel": _("Choose phone or letter.")})
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("The time of receipt cannot be in the future.")})
    if reporter_is_professional and not reporter_name.strip():
        raise ValidationError(
            {"reporter_name": _("A professional reporter cannot be anonymous: give the name.")}
        )
    codes = _validate_report(categories=categories, guardians_informed=guardians_informed)
    if not worry.strip():
        raise ValidationError({"worry": _("Describe what worries the reporter.")})
    concern = _create_concern(
        codes=codes,
        received_at=received_at,
        student=student,
        channel=channel,
        registered_by=registered_by,
        reporter_name=reporter_name.strip(),
        reporter_organisation=reporter_organisation.strip(),
        reporter_contact=reporter_contact.strip(),
        reporter_is_professional=reporter_is_professional,
        intake_unit=intake_unit_for(student),
        worry=worry.strip(),
        child_said=child_said.strip(),
        observed=observed.strip(),
        relation=(relation or "").strip() or "-",
        earlier_concerns=earlier_concerns.strip(),
        guardians_informed=guardians_informed,
        immediate_danger=immediate_danger,
    )
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.RECEIVED,
        actor=registered_by,
        at=timezone.now(),
        detail=concern.get_channel_display(),
    )
    concern_reminders_sync(concern)
    return concern


def social_workers_for(concern: Concern):
    """Who a report can be assigned to: social workers of the receiving district."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SOCIAL_WORKER,
            memberships__unit__district_id=concern.intake_unit.district_id,
            memberships__unit__kind__in=Unit.SOCIAL_KINDS,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def concern_assign(*, concern: Concern, assignee, by) -> Concern:
    """Assign (or reassign) the report to a social worker of the district. Logged."""
    _require_social_worker_for(by, concern)
    if not social_workers_for(concern).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose a social worker in the receiving district.")})
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    previous = concern.assigned_to
    if previous is not None and previous.pk == assignee.pk:
        return concern
    concern.assigned_to = assignee
    concern.save(update_fields=["assigned_to"])
    detail = f"{previous} → {assignee}" if previous else str(assignee)
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.ASSIGNED,
        actor=by,
        at=timezone.now(),
        detail=detail,
    )
    # The deadlines now remind the assigned social worker, not the whole unit.
    concern_reminders_sync(concern)
    for investigation in concern.investigations.filter(closed_on__isnull=True):
        investigation_reminders_sync(investigation)
    return concern


@transaction.atomic
def protection_assessment_record(
    *, concern: Concern, by, immediate_protection_needed: bool, reasoning: str, measures: str = ""
) -> ProtectionAssessment:
    """Record the skyddsbedömning. It is recorded once."""
    _require_social_worker_for(by, concern)
    if ProtectionAssessment.objects.filter(concern=concern).exists():
        raise ValidationError(_("The skyddsbedömning is already recorded."))
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": _("Give the reasoning behind the assessment.")})
    if immediate_protection_needed and not (measures or "").strip():
        raise ValidationError({"measures": _("Describe the measures taken to protect the child.")})
    now = timezone.now()
    assessment = ProtectionAssessment.objects.create(
        concern=concern,
        immediate_protection_needed=immediate_protection_needed,
        reasoning=reasoning.strip(),
        measures=(measures or "").strip(),
        assessed_by=by,
        assessed_at=now,
    )
    concern.awaiting_protection = False
    concern.save(update_fields=["awaiting_protection"])
    ConcernEvent.objects.create(
        concern=concern, kind=ConcernEvent.Kind.PROTECTION_ASSESSED, actor=by, at=now
    )
    concern_reminders_sync(concern)
    return assessment


@transaction.atomic
def preliminary_extension_record(
    *, concern: Concern, by, reason: str, explanation: str, new_due_on: datetime.date
) -> PreliminaryExtension:
    """Extend the förhandsbedömning past 14 days for synnerliga skäl, never workload."""
    _require_social_worker_for(by, concern)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if PreliminaryAssessment.objects.filter(concern=concern).exists():
        raise ValidationError(_("The förhandsbedömning is already decided."))
    if reason not in dict(rules.EXTENSION_REASONS):
        raise ValidationError({"reason": _("Choose one of the listed exceptional reasons.")})
    if not (explanation or "").strip():
        raise ValidationError({"explanation": _("Document the exceptional reason.")})
    latest = concern.preliminary_due_on + datetime.timedelta(
        days=rules.PRELIMINARY_EXTENSION_MAX_DAYS
    )
    if not concern.preliminary_due_on < new_due_on <= latest:
        raise ValidationError(
            {
                "new_due_on": _(
                    "The new date must be after %(due)s and at most %(days)s days later."
                )
                % {"due": concern.preliminary_due_on, "days": rules.PRELIMINARY_EXTENSION_MAX_DAYS}
            }
        )
    now = timezone.now()
    extension = PreliminaryExtension.objects.create(
        concern=concern,
        reason=reason,
        explanation=explanation.strip(),
        previous_due_on=concern.preliminary_due_on,
        new_due_on=new_due_on,
        decided_by=by,
        decided_at=now,
    )
    concern.preliminary_due_on = new_due_on
    concern.save(update_fields=["preliminary_due_on"])
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.EXTENDED,
        actor=by,
        at=now,
        detail=f"{extension.previous_due_on} → {new_due_on}",
    )
    concern_reminders_sync(concern)  # the day-14 and overdue reminders move
    return extension


@transaction.atomic
def preliminary_decision_record(
    *, concern: Concern, by, decision: str, reasoning: str, violence_override_reason: str = ""
) -> PreliminaryAssessment:
    """Decide the förhandsbedömning. "Open" opens an utredning with its 4-month
    deadline; "not open" despite a violence category needs an explicit reason and
    is flagged to the manager."""
    _require_social_worker_for(by, concern)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if PreliminaryAssessment.objects.filter(concern=concern).exists():
        raise ValidationError(_("The förhandsbedömning is already decided."))
    if decision not in PreliminaryAssessment.Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": _("Give the reasoning behind the decision.")})
    violence = concern.has_violence_category
    override = (violence_override_reason or "").strip()
    flagged = False
    if decision == PreliminaryAssessment.Decision.NOT_OPEN and violence:
        if not override:
            raise ValidationError(
                {
                    "violence_override_reason": _(
                        "The report concerns violence: an utredning is normally opened without "
                        "delay. Explain why none is opened; the manager is told."
                    )
                }
            )
        flagged = True
    ongoing = open_investigation_for(concern.student)
    if decision == PreliminaryAssessment.Decision.ONGOING and ongoing is None:
        raise ValidationError({"decision": _("No ongoing utredning is registered for this pupil.")})
    now = timezone.now()
    assessment = PreliminaryAssessment.objects.create(
        concern=concern,
        decision=decision,
        reasoning=reasoning.strip(),
        violence_override_reason=override if flagged else "",
        flagged_to_manager=flagged,
        decided_by=by,
        decided_at=now,
    )
    concern.awaiting_decision = False
    concern.save(update_fields=["awaiting_decision"])
    concern_reminders_sync(concern)  # decided: nothing left to remind of
    if decision == PreliminaryAssessment.Decision.OPEN:
        started = calendar.local_date(now)
        investigation = Investigation.objects.create(
            student=concern.student,
            concern=concern,
            unit=investigation_unit_for(concern.intake_unit),
            started_on=started,
            due_on=deadlines.investigation_due_on(started),
            opened_by=by,
        )
        investigation_reminders_sync(investigation)
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.DECIDED,
        actor=by,
        at=now,
        detail=assessment.get_decision_display(),
    )
    return assessment


def _require_investigation_access(user, investigation: Investigation) -> None:
    if investigation.unit.district_id not in scope(user).social_worker_district_ids:
        raise PermissionDenied


@transaction.atomic
def investigation_extend(
    *, investigation: Investigation, by, reason: str, new_due_on: datetime.date
) -> InvestigationExtension:
    """Extend an utredning for särskilda skäl, to a set date."""
    _require_investigation_access(by, investigation)
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.closed_on:
        raise ValidationError(_("The utredning is closed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Document the särskilda skäl.")})
    if new_due_on <= investigation.due_on:
        raise ValidationError(
            {
                "new_due_on": _("The new end date must be after %(due)s.")
                % {"due": investigation.due_on}
            }
        )
    extension = InvestigationExtension.objects.create(
        investigation=investigation,
        reason=reason.strip(),
        previous_due_on=investigation.due_on,
        new_due_on=new_due_on,
        decided_by=by,
        decided_at=timezone.now(),
    )
    investigation.due_on = new_due_on
    investigation.save(update_fields=["due_on"])
    investigation_reminders_sync(investigation)
    return extension


@transaction.atomic
def investigation_close(
    *,
    investigation: Investigation,
    by,
    outcome: str,
    notes: str = "",
    closed_on: datetime.date | None = None,
) -> Investigation:
    _require_investigation_access(by, investigation)
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.closed_on:
        raise ValidationError(_("The utredning is already closed."))
    if outcome not in Investigation.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    closed_on = closed_on or calendar.today()
    if closed_on < investigation.started_on:
        raise ValidationError({"closed_on": _("An utredning cannot close before it started.")})
    investigation.closed_on = closed_on
    investigation.outcome = outcome
    investigation.outcome_notes = (notes or "").strip()
    investigation.save(update_fields=["closed_on", "outcome", "outcome_notes"])
    investigation_reminders_sync(investigation)
    return investigation


# --- anmälningsmöte ---


@transaction.atomic
def notification_meeting_schedule(
    *,
    concern: Concern,
    by,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
    invite_reporter: bool = True,
    invite_guardians: bool = True,
) -> NotificationMeeting:
    """Offer an anmälningsmöte to the child, the guardians and the reporter."""
    _require_social_worker_for(by, concern)
    if NotificationMeeting.objects.filter(concern=concern).exists():
        raise ValidationError(_("The anmälningsmöte is already decided for this report."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if not (place or "").strip() and not (video_link or "").strip():
        raise ValidationError({"place": _("Give a place or a video link.")})
    if not 0 < duration_minutes <= 480:
        raise ValidationError({"duration_minutes": _("Give a duration between 1 and 480 minutes.")})
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.NOTIFICATION,
        student=concern.student,
        organiser=by,
        organiser_unit=concern.intake_unit,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=(place or "").strip(),
        video_link=(video_link or "").strip(),
    )
    participants = [
        MeetingParticipant(meeting=meeting, user=by, role_label=_("Social worker")),
        MeetingParticipant(meeting=meeting, name=concern.student.full_name, role_label=_("Pupil")),
    ]
    if invite_reporter and concern.reporter_id:
        participants.append(
            MeetingParticipant(meeting=meeting, user=concern.reporter, role_label=_("Reporter"))
        )
    if invite_guardians:
        for guardian in concern.student.guardians.all():
            participants.append(
                MeetingParticipant(
                    meeting=meeting,
                    name=f"{guardian.first_name} {guardian.last_name}",
                    email=guardian.email,
                    role_label=_("Guardian"),
                )
            )
    changelog.bulk_create(MeetingParticipant, participants)
    meeting_reminders_sync(meeting)
    decision = NotificationMeeting.objects.create(
        concern=concern, meeting=meeting, decided_by=by, decided_at=timezone.now()
    )
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.MEETING,
        actor=by,
        at=decision.decided_at,
        detail=_("Scheduled"),
    )
    return decision


@transaction.atomic
def notification_meeting_skip(
    *, concern: Concern, by, reason: str, explanation: str = ""
) -> NotificationMeeting:
    """Record that no anmälningsmöte is held, and why."""
    _require_social_worker_for(by, concern)
    if NotificationMeeting.objects.filter(concern=concern).exists():
        raise ValidationError(_("The anmälningsmöte is already decided for this report."))
    if reason not in dict(rules.MEETING_SKIP_REASONS):
        raise ValidationError({"skip_reason": _("Choose a reason.")})
    if reason == "child_best_interest" and not (explanation or "").strip():
        raise ValidationError({"skip_explanation": _("Describe the reason.")})
    decision = NotificationMeeting.objects.create(
        concern=concern,
        skip_reason=reason,
        skip_explanation=(explanation or "").strip(),
        decided_by=by,
        decided_at=timezone.now(),
    )
    ConcernEvent.objects.create(
        concern=concern,
        kind=ConcernEvent.Kind.MEETING,
        actor=by,
        at=decision.decided_at,
        detail=_("Not held"),
    )
    return decision


@transaction.atomic
def notification_meeting_notes(*, concern: Concern, by, notes: str) -> NotificationMeeting:
    """Social-side notes from the meeting. The school never sees them."""
    _require_social_worker_for(by, concern)
    decision = (
        NotificationMeeting.objects.select_for_update()
        .filter(concern=concern, meeting__isnull=False)
        .first()
    )
    if decision is None:
        raise ValidationError(_("Notes can be kept only for a scheduled anmälningsmöte."))
    decision.outcome_notes = (notes or "").strip()
    decision.save(update_fields=["outcome_notes"])
    return decision


# --- avstängning ---


def _half_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if day.month <= 6:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30)
    return datetime.date(day.year, 7, 1), datetime.date(day.year, 12, 31)


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_suspension_limits(
    *,
    student: Student,
    school_form: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    huvudman_decision: str,
) -> None:
    days = (ends_on - starts_on).days + 1
    first, last = _half_year(starts_on)
    if ends_on > last:
        raise ValidationError(
            {"ends_on": _("A suspension cannot run into the next calendar half-year: record two.")}
        )
    earlier = Suspension.objects.filter(student=student, starts_on__gte=first, starts_on__lte=last)
    if earlier.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError(_("The pupil is already suspended during part of this period."))
    if school_form == Unit.SchoolForm.GRUNDSKOLA:
        if days > rules.SUSPENSION_GRUNDSKOLA_MAX_DAYS:
            raise ValidationError(
                {
                    "ends_on": _(
                        "In grundskola a suspension lasts at most one week (skollagen 5:14)."
                    )
                }
            )
        if earlier.count() >= rules.SUSPENSION_GRUNDSKOLA_MAX_PER_HALF_YEAR:
            raise ValidationError(
                _(
                    "In grundskola a pupil may be suspended at most twice per calendar "
                    "half-year (skollagen 5:14). This pupil already has been."
                )
            )
    else:
        used = sum((s.ends_on - s.starts_on).days + 1 for s in earlier)
        if (
            used + days > rules.SUSPENSION_GYMNASIESKOLA_MAX_DAYS_PER_HALF_YEAR
            and not huvudman_decision
        ):
            raise ValidationError(
                {
                    "huvudman_decision": _(
                        "In gymnasieskola suspensions may total two weeks per calendar half-year "
                        "(this would make %(days)s days). A longer period needs the huvudman's "
                        "decision: give its reference."
                    )
                    % {"days": used + days}
                }
            )


@transaction.atomic
def suspension_record(
    *,
    by,
    student: Student,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    pupil_and_guardians_heard: bool,
    huvudman_decision: str = "",
) -> Suspension:
    """Record an avstängning decided by the rektor. For a pupil under 18 the
    social services of the home district get a notice in their inbox."""
    if student.school_unit_id not in scope(by).principal_unit_ids:
        raise PermissionDenied
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
    if not pupil_and_guardians_heard:
        raise ValidationError(
            {"pupil_and_guardians_heard": _("The pupil and the guardians must be heard first.")}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the suspension.")})
    # Serialise suspensions of one pupil so the half-year limits hold under concurrency.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    school_form = student.school_unit.school_form
    _check_suspension_limits(
        student=student,
        school_form=school_form,
        starts_on=starts_on,
        ends_on=ends_on,
        huvudman_decision=(huvudman_decision or "").strip(),
    )
    under_18 = _age_on(student.birth_date, starts_on) < rules.ADULT_AGE
    return Suspension.objects.create(
        student=student,
        school_unit=student.school_unit,
        school_form=school_form,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        pupil_and_guardians_heard=True,
        huvudman_decision=(huvudman_decision or "").strip(),
        decided_by=by,
        decided_at=timezone.now(),
        notice_unit=intake_unit_for(student) if under_18 else None,
    )


@transaction.atomic
def suspension_notice_mark_read(*, suspension: Suspension, by) -> Suspension:
    s = scope(by)
    if (
        suspension.notice_unit is None
        or suspension.notice_unit.district_id not in s.social_worker_district_ids
    ):
        raise PermissionDenied
    if suspension.notice_read_at is None:
        suspension.notice_read_at = timezone.now()
        suspension.notice_read_by = by
        suspension.save(update_fields=["notice_read_at", "notice_read_by"])
    return suspension
