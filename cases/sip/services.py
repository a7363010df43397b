"""Writes for SIP plans and their meetings. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.invites import meeting_invites_send
from cases.models import (
    Meeting,
    MeetingParticipant,
    SipIntervention,
    SipParticipant,
    SipPlan,
    SipVersion,
    Student,
)
from cases.reminders import meeting_reminders_sync
from cases.selectors import may_see_student
from cases.sip.reminders import sip_reminders_sync
from cases.sip.selectors import is_convening_side
from portal import changelog
from portal.access import scope
from portal.models import Unit
from portal.roles import Role

PROVIDERS = set(SipIntervention.Provider.values)


def _require_convenor(user, plan: SipPlan) -> None:
    if not is_convening_side(user, plan):
        raise PermissionDenied


@transaction.atomic
def sip_start(*, by, student: Student) -> SipPlan:
    """A SIP coordinator or social worker starts a SIP (a draft) for a pupil they see."""
    user_scope = scope(by)
    if not user_scope.has_role(Role.SIP_COORDINATOR, Role.SOCIAL_WORKER):
        raise PermissionDenied
    if not may_see_student(by, student):
        raise PermissionDenied
    unit = Unit.objects.filter(pk__in=user_scope.social_unit_ids).order_by("id").first()
    if unit is None:
        raise PermissionDenied
    if SipPlan.objects.filter(student=student).exclude(status=SipPlan.Status.CLOSED).exists():
        raise ValidationError(_("The pupil already has a SIP that is not closed."))
    plan = SipPlan.objects.create(student=student, convenor=by, convenor_unit=unit)
    changelog.bulk_create(
        SipParticipant,
        [
            SipParticipant(plan=plan, role=SipParticipant.Role.SOCIAL, unit=unit),
            SipParticipant(plan=plan, role=SipParticipant.Role.SCHOOL, unit=student.school_unit),
        ],
    )
    return plan


@transaction.atomic
def sip_participant_add(
    *,
    plan: SipPlan,
    by,
    role: str,
    unit: Unit | None = None,
    user=None,
    name: str = "",
    email: str = "",
) -> SipParticipant:
    _require_convenor(by, plan)
    if plan.status == SipPlan.Status.CLOSED:
        raise ValidationError(_("The SIP is closed."))
    if role not in SipParticipant.Role.values:
        raise ValidationError({"role": _("Choose how the participant takes part.")})
    if unit is None and user is None and not (name or "").strip():
        raise ValidationError({"name": _("Name the participant, or choose a unit or a user.")})
    if unit is not None and plan.participants.filter(unit=unit).exists():
        raise ValidationError({"unit": _("The unit already takes part.")})
    return SipParticipant.objects.create(
        plan=plan,
        role=role,
        unit=unit,
        user=user,
        name=(name or "").strip(),
        email=(email or "").strip(),
    )


@transaction.atomic
def sip_version_save(
    *,
    plan: SipPlan,
    by,
    needs: str,
    lead_unit: Unit,
    lead_person: str,
    follow_up_how: str,
    next_follow_up_on: datetime.date,
    interventions: list[dict],
) -> SipVersion:
    """Save the plan's content as a new version; earlier versions stay as they were."""
    _require_convenor(by, plan)
    plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == SipPlan.Status.CLOSED:
        raise ValidationError(_("The SIP is closed."))
    errors = {}
    if not (needs or "").strip():
        errors["needs"] = _("Describe the child's needs.")
    if not (lead_person or "").strip():
        errors["lead_person"] = _("Name who has overall responsibility.")
    if not (follow_up_how or "").strip():
        errors["follow_up_how"] = _("Say how the plan is followed up.")
    if next_follow_up_on is None or next_follow_up_on < timezone.localdate():
        errors["next_follow_up_on"] = _("Choose a follow-up date from today on.")
    if not plan.participants.filter(unit=lead_unit).exists():
        errors["lead_unit"] = _("Overall responsibility lies with one of the participating units.")
    clean = []
    for row in interventions:
        what = (row.get("what") or "").strip()
        if not what:
            continue
        if row.get("provider") not in PROVIDERS or not (row.get("responsible") or "").strip():
            errors["interventions"] = _(
                "Each intervention needs who provides it and a responsible person."
            )
            break
        clean.append(
            SipIntervention(
                what=what[:300],
                provider=row["provider"],
                responsible=row["responsible"].strip()[:200],
            )
        )
    if not clean and "interventions" not in errors:
        errors["interventions"] = _("Add at least one intervention.")
    if errors:
        raise ValidationError(errors)
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SipVersion.objects.create(
        plan=plan,
        number=number,
        needs=needs.strip(),
        lead_unit=lead_unit,
        lead_person=lead_person.strip(),
        follow_up_how=follow_up_how.strip(),
        next_follow_up_on=next_follow_up_on,
        created_by=by,
    )
    for item in clean:
        item.version = version
    changelog.bulk_create(SipIntervention, clean)
    sip_reminders_sync(plan)
    return version


@transaction.atomic
def sip_activate(*, plan: SipPlan, by) -> SipPlan:
    """Activate the plan. It needs a plan version and a consent that covers
    "SIP plan" for every participating unit (SoL 2:7: the person's consent)."""
    from consent.policy import consent_covering_parties

    _require_convenor(by, plan)
    plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != SipPlan.Status.DRAFT:
        raise ValidationError(_("Only a draft can be activated."))
    if not plan.versions.exists():
        raise ValidationError(_("Write the plan before activating it."))
    unit_ids = {p.unit_id for p in plan.participants.all() if p.unit_id}
    if consent_covering_parties(plan.student, "sip_plan", unit_ids) is None:
        raise ValidationError(
            _(
                "No active consent covers the SIP plan for every participating unit. "
                "Record the family's consent first."
            )
        )
    plan.status = SipPlan.Status.ACTIVE
    plan.activated_at = timezone.now()
    plan.save(update_fields=["status", "activated_at"])
    sip_reminders_sync(plan)
    return plan


@transaction.atomic
def sip_escalate(*, plan: SipPlan, by, reason: str) -> SipPlan:
    """The SIP cannot solve the coordination: escalate to BUS collaboration."""
    _require_convenor(by, plan)
    plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != SipPlan.Status.ACTIVE:
        raise ValidationError(_("Only an active SIP can be escalated."))
    if plan.escalated_at:
        raise ValidationError(_("The SIP is already escalated to BUS."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the escalation.")})
    plan.escalated_at = timezone.now()
    plan.escalation_reason = reason.strip()
    plan.save(update_fields=["escalated_at", "escalation_reason"])
    return plan


@transaction.atomic
def sip_close(*, plan: SipPlan, by, outcome: str) -> SipPlan:
    _require_convenor(by, plan)
    plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == SipPlan.Status.CLOSED:
        raise ValidationError(_("The SIP is already closed."))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe the outcome.")})
    plan.status = SipPlan.Status.CLOSED
    plan.closed_at = timezone.now()
    plan.outcome = outcome.strip()
    plan.save(update_fields=["status", "closed_at", "outcome"])
    sip_reminders_sync(plan)
    return plan


@transaction.atomic
def sip_meeting_schedule(
    *,
    plan: SipPlan,
    by,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
    agenda: str = "",
) -> Meeting:
    """Schedule a SIP meeting, follow-up or BUS meeting and invite the participants:
    their users, the staff named in the plan and external people with e-mail."""
    _require_convenor(by, plan)
    if kind not in (Meeting.Kind.SIP, Meeting.Kind.SIP_FOLLOW_UP, Meeting.Kind.BUS):
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    if plan.status == SipPlan.Status.CLOSED:
        raise ValidationError(_("The SIP is closed."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if not 0 < duration_minutes <= 480:
        raise ValidationError({"duration_minutes": _("Give a duration between 1 and 480 minutes.")})
    if not (place or "").strip() and not (video_link or "").strip():
        raise ValidationError({"place": _("Give a place or a video link.")})
    meeting = Meeting.objects.create(
        kind=kind,
        student=plan.student,
        organiser=by,
        organiser_unit=plan.convenor_unit,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=(place or "").strip(),
        video_link=(video_link or "").strip(),
        agenda=(agenda or "").strip(),
        sip=plan,
    )
    seen_users = {by.pk}
    rows = [
        MeetingParticipant(
            meeting=meeting,
            user=by,
            role_label=_("Convenor"),
            response=MeetingParticipant.Response.ACCEPTED,
        )
    ]
    for participant in plan.participants.select_related("user", "unit"):
        if participant.user_id and participant.user_id not in seen_users:
            seen_users.add(participant.user_id)
            rows.append(
                MeetingParticipant(
                    meeting=meeting,
                    user=participant.user,
                    role_label=participant.get_role_display(),
                )
            )
        elif participant.user_id is None and participant.unit_id is None and participant.name:
            rows.append(
                MeetingParticipant(
                    meeting=meeting,
                    name=participant.name,
                    email=participant.email,
                    role_label=participant.get_role_display(),
                )
            )
    changelog.bulk_create(MeetingParticipant, rows)
    meeting_reminders_sync(meeting)
    transaction.on_commit(lambda: meeting_invites_send(meeting, method="REQUEST"))
    return meeting


@transaction.atomic
def meeting_respond(*, meeting: Meeting, by, response: str) -> MeetingParticipant:
    """RSVP for an invited user."""
    if response not in (MeetingParticipant.Response.ACCEPTED, MeetingParticipant.Response.DECLINED):
        raise ValidationError({"response": _("Answer yes or no.")})
    participant = MeetingParticipant.objects.filter(meeting=meeting, user=by).first()
    if participant is None:
        raise PermissionDenied
    participant.response = response
    participant.save(update_fields=["response"])
    meeting_reminders_sync(meeting)
    return participant


@transaction.atomic
def meeting_minutes_save(*, meeting: Meeting, by, minutes: str) -> Meeting:
    """Minutes with decisions, kept by the organising side."""
    if meeting.organiser_unit_id not in scope(by).unit_roles:
        raise PermissionDenied
    meeting.minutes = (minutes or "").strip()
    meeting.save(update_fields=["minutes", "updated_at"])
    return meeting
