"""A demo SIP, activated under the demo consent, with a booked follow-up."""

import datetime

from django.utils import timezone

from cases.models import SipPlan, Student
from cases.sip import services
from portal.models import Unit, User


def seed_sip(stdout=None) -> None:
    if SipPlan.objects.exists():
        return
    coordinator = User.objects.filter(username="sip_kungsholmen").first()
    pupils = list(
        Student.objects.filter(
            school_unit__code="vasterbroskolan", home_district__code="kungsholmen"
        ).order_by("id")[:3]
    )
    if coordinator is None or len(pupils) < 3:
        return
    pupil = pupils[2]  # the pupil with the demo utredning and the demo consent
    try:
        plan = services.sip_start(by=coordinator, student=pupil)
    except Exception:  # noqa: BLE001 - the demo pupil may not be visible yet; skip quietly
        return
    services.sip_participant_add(
        plan=plan, by=coordinator, role="school", user=User.objects.get(username="kurator_a")
    )
    services.sip_participant_add(
        plan=plan, by=coordinator, role="region", unit=Unit.objects.get(code="bup-stockholm")
    )
    guardian = pupil.guardians.first()
    if guardian:
        services.sip_participant_add(
            plan=plan,
            by=coordinator,
            role="family",
            name=f"{guardian.first_name} {guardian.last_name}",
            email=guardian.email,
        )
    services.sip_version_save(
        plan=plan,
        by=coordinator,
        needs="Eleven behöver en trygg skolgång, stöd i att komma till skolan och samtalsstöd.",
        lead_unit=Unit.objects.get(code="kungsholmen-utredning"),
        lead_person="Maria Dahl, SIP-samordnare",
        follow_up_how="Uppföljningsmöte med familjen, skolan, socialtjänsten och BUP.",
        next_follow_up_on=timezone.localdate() + datetime.timedelta(days=28),
        interventions=[
            {
                "what": "Familjebehandling en gång i veckan",
                "provider": "municipality",
                "responsible": "Familjebehandlingen, Kungsholmen",
            },
            {"what": "Samtalsstöd", "provider": "region", "responsible": "BUP Stockholm"},
            {
                "what": "Anpassad studiegång och mentorsamtal",
                "provider": "school",
                "responsible": "Eva Holmgren, rektor",
            },
        ],
    )
    services.sip_activate(plan=plan, by=coordinator)
    services.sip_meeting_schedule(
        plan=plan,
        by=coordinator,
        kind="sip_follow_up",
        starts_at=(timezone.localtime() + datetime.timedelta(days=28)).replace(
            hour=9, minute=0, second=0, microsecond=0
        ),
        duration_minutes=90,
        place="Kungsholmens stadsdelsförvaltning, rum 3",
        agenda="1. Hur går det i skolan\n2. Insatserna\n3. Nästa uppföljning",
    )
