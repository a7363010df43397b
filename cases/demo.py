"""Some months of SIPs, placements and absence investigations in Kungsholmen, so the
demo manager's dashboard has figures to show (most of them five or more).

The rows are history: they are written with their past dates, as the services
would have written them then, each pupil's consent to the SIP included. The pupils
the other demo steps and the journeys use (the first four of Västerbroskolan who
live in Kungsholmen) are left alone, so their pages read as before.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import (
    AbsenceInvestigation,
    Placement,
    SipParticipant,
    SipPlan,
    SipVersion,
    Student,
)
from cases.sip.reminders import sip_reminders_sync
from portal import tallies
from portal.models import Unit, User

SCHOOL = "vasterbroskolan"
CONVENING_UNIT = "kungsholmen-utredning"
#: The pupils other demo steps and the journeys use: concerns, the demo SIP, a new SIP.
RESERVED = 4

#: Active SIPs: (days since activation, days to the next follow-up, days since an
#: escalation to BUS or None). A negative follow-up is overdue.
ACTIVE_SIPS = [
    (190, 21, None),
    (150, -12, 10),
    (120, 35, None),
    (90, -5, None),
    (60, 14, None),
    (45, 40, None),
]
#: Placements in RSU Mälaren: (status, days since the application, since the
#: decision, since the start, since the end).
PLACEMENTS = [
    (Placement.Status.APPLIED, 6, None, None, None),
    (Placement.Status.APPLIED, 12, None, None, None),
    (Placement.Status.ADMITTED, 25, 10, None, None),
    (Placement.Status.ACTIVE, 28, 18, 7, None),
    (Placement.Status.ACTIVE, 95, 80, 60, None),
    (Placement.Status.ACTIVE, 160, 140, 120, None),
    (Placement.Status.DECLINED, 20, 5, None, None),
    (Placement.Status.ENDED, 300, 280, 260, 15),
]
#: Absence investigations at Västerbroskolan: (days since opened, since closed,
#: reported to the huvudman).
INVESTIGATIONS = [
    (3, None, False),
    (9, None, False),
    (16, None, False),
    (24, 4, True),
    (27, 11, True),
    (45, None, False),
    (70, 40, True),
]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _day(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _record_sip_consent(principal, pupil, activated: datetime.datetime) -> None:
    """The family's consent to the SIP, given the day before it was activated."""
    from consent.models import Consent
    from consent.services import consent_record

    consent = consent_record(
        by=principal,
        student=pupil,
        guardians=list(pupil.guardians.all()),
        pupil_gives=False,
        parties=list(Unit.objects.filter(code__in=[SCHOOL, CONVENING_UNIT])),
        categories=["sip_plan"],
        purpose="Skolan och socialtjänsten samordnar stödet i en SIP.",
        valid_from=timezone.localtime(activated).date() - datetime.timedelta(days=1),
        valid_to=timezone.localdate() + datetime.timedelta(days=150),
        form=Consent.Form.ORAL,
        oral_received_at=activated - datetime.timedelta(days=1),
    )
    rows = Consent.objects.filter(pk=consent.pk)
    with tallies.recounting(rows):
        rows.update(recorded_at=activated - datetime.timedelta(days=1))


def _sip(pupil, *, coordinator, unit, school, status, created, **fields) -> SipPlan:
    plan = SipPlan.objects.create(
        student=pupil, convenor=coordinator, convenor_unit=unit, status=status, **fields
    )
    with tallies.recounting(SipPlan.objects.filter(pk=plan.pk)) as rows:
        rows.update(created_at=created)
    SipParticipant.objects.bulk_create(
        [
            SipParticipant(plan=plan, role=SipParticipant.Role.SOCIAL, unit=unit),
            SipParticipant(plan=plan, role=SipParticipant.Role.SCHOOL, unit=school),
        ]
    )
    return plan


def _version(plan, *, coordinator, unit, follow_up_on: datetime.date) -> None:
    version = SipVersion.objects.create(
        plan=plan,
        number=1,
        needs="Eleven behöver stöd i att komma till skolan och samtalsstöd.",
        lead_unit=unit,
        lead_person="Maria Dahl, SIP-samordnare",
        follow_up_how="Uppföljningsmöte med familjen, skolan och socialtjänsten.",
        next_follow_up_on=follow_up_on,
        created_by=coordinator,
    )
    SipVersion.objects.filter(pk=version.pk).update(created_at=plan.activated_at or plan.created_at)


def _seed_sips(pupils, *, coordinator, principal, unit, school) -> None:
    for pupil, (activated_days, follow_up_days, escalated_days) in zip(
        pupils, ACTIVE_SIPS, strict=False
    ):
        activated = _ago(activated_days)
        _record_sip_consent(principal, pupil, activated)
        plan = _sip(
            pupil,
            coordinator=coordinator,
            unit=unit,
            school=school,
            status=SipPlan.Status.ACTIVE,
            created=activated - datetime.timedelta(days=14),
            activated_at=activated,
            escalated_at=_ago(escalated_days) if escalated_days else None,
            escalation_reason="Insatserna räcker inte; ärendet lyfts till BUS-samverkan."
            if escalated_days
            else "",
        )
        _version(
            plan,
            coordinator=coordinator,
            unit=unit,
            follow_up_on=timezone.localdate() + datetime.timedelta(days=follow_up_days),
        )
        sip_reminders_sync(plan)
    if len(pupils) > len(ACTIVE_SIPS):
        # A draft started last week, waiting for the family's consent.
        draft = _sip(
            pupils[len(ACTIVE_SIPS)],
            coordinator=coordinator,
            unit=unit,
            school=school,
            status=SipPlan.Status.DRAFT,
            created=_ago(6),
        )
        _version(draft, coordinator=coordinator, unit=unit, follow_up_on=_day(-30))
    # An earlier SIP of the first pupil, closed when its goals were met.
    closed = _sip(
        pupils[0],
        coordinator=coordinator,
        unit=unit,
        school=school,
        status=SipPlan.Status.CLOSED,
        created=_ago(420),
        activated_at=_ago(400),
        closed_at=_ago(230),
        outcome="Målen nåddes; familjen och skolan fortsätter utan SIP.",
    )
    _version(closed, coordinator=coordinator, unit=unit, follow_up_on=_day(300))


def _seed_placements(pupils, *, principal, decider, group) -> None:
    rows = []
    for pupil, (status, applied, decided, starts, ends) in zip(pupils, PLACEMENTS, strict=False):
        rows.append(
            Placement(
                student=pupil,
                # Written in bulk, without the signal that copies it.
                pupil_gender=pupil.gender,
                group=group,
                status=status,
                reason="Stora behov av en mindre grupp; anpassningarna i klassen har inte räckt.",
                absence_percent_at_intake=35,
                applied_by=principal,
                applied_at=_ago(applied),
                decided_by=decider if decided is not None else None,
                decided_at=_ago(decided) if decided is not None else None,
                decision_reason="Beslut i antagningsgruppen." if decided is not None else "",
                starts_on=_day(starts) if starts is not None else None,
                ends_on=_day(ends) if ends is not None else None,
                end_reason="Tillbaka i ordinarie klass." if ends is not None else "",
            )
        )
    Placement.objects.bulk_create(rows)


def _seed_investigations(pupils, *, principal, school) -> None:
    rows = []
    for pupil, (opened, closed, reported) in zip(pupils, INVESTIGATIONS, strict=False):
        rows.append(
            AbsenceInvestigation(
                student=pupil,
                school_unit=school,
                opened_by=principal,
                opened_on=_day(opened),
                pupil_heard=True,
                guardians_heard=True,
                student_health_involved=closed is not None,
                findings="Frånvaron har ökat sedan terminsstarten.",
                outcome="Anpassad studiegång och veckovisa samtal med mentor."
                if closed is not None
                else "",
                closed_on=_day(closed) if closed is not None else None,
                reported_to_huvudman=reported,
            )
        )
    AbsenceInvestigation.objects.bulk_create(rows)


def seed_case_figures(stdout=None) -> None:
    if Placement.objects.exists() or AbsenceInvestigation.objects.exists():
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=["rektor_a", "sip_kungsholmen"])
    }
    units = {
        u.code: u for u in Unit.objects.filter(code__in=[SCHOOL, CONVENING_UNIT, "rsu-malaren"])
    }
    if len(users) < 2 or len(units) < 3:
        return
    at_school = (
        Student.objects.filter(school_unit=units[SCHOOL])
        .select_related("home_district")
        .order_by("id")
    )
    reserved = at_school.filter(home_district__code="kungsholmen").values_list("id", flat=True)[
        :RESERVED
    ]
    free = list(at_school.exclude(id__in=list(reserved)))
    living_here = [p for p in free if p.home_district.code == "kungsholmen"]
    others = [p for p in free if p.home_district.code != "kungsholmen"]
    if living_here:
        _seed_sips(
            living_here,
            coordinator=users["sip_kungsholmen"],
            principal=users["rektor_a"],
            unit=units[CONVENING_UNIT],
            school=units[SCHOOL],
        )
    # Placements and investigations are the school's: any of its pupils.
    school_side = others + living_here
    _seed_placements(
        school_side,
        principal=users["rektor_a"],
        decider=users["sip_kungsholmen"],
        group=units["rsu-malaren"],
    )
    _seed_investigations(
        list(reversed(school_side)), principal=users["rektor_a"], school=units[SCHOOL]
    )
