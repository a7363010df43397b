"""Demo: one pupil of Västerbroskolan placed in RSU Mälaren with an open utredning,
a request for information answered by rektor_a, and the consent prompt for a
second pupil in the same group."""

import datetime

from django.utils import timezone

from cases.models import Placement, Student
from portal.models import Unit, User
from referrals.information_requests import services
from referrals.models import InformationRequest, Investigation


def _place(student, group, principal) -> None:
    if Placement.objects.filter(student=student, status=Placement.Status.ACTIVE).exists():
        return
    started = timezone.localdate() - datetime.timedelta(days=30)
    Placement.objects.create(
        student=student,
        group=group,
        status=Placement.Status.ACTIVE,
        reason="Eleven behöver en mindre undervisningsgrupp med fler vuxna.",
        applied_by=principal,
        applied_at=timezone.now() - datetime.timedelta(days=45),
        decided_by=principal,
        decided_at=timezone.now() - datetime.timedelta(days=35),
        decision_reason="Antagen av antagningsgruppen.",
        starts_on=started,
    )


def seed_information_requests(stdout=None) -> None:
    if InformationRequest.objects.exists():
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=["rektor_a", "socsek_kungsholmen"])
    }
    group = Unit.objects.filter(code="rsu-malaren").first()
    pupils = list(
        Student.objects.filter(
            school_unit__code="vasterbroskolan", home_district__code="kungsholmen"
        ).order_by("id")[:3]
    )
    if len(users) < 2 or group is None or len(pupils) < 3:
        return
    with_utredning, waiting = pupils[2], pupils[1]
    investigation = (
        Investigation.objects.filter(student=with_utredning, closed_on__isnull=True)
        .select_related("unit")
        .first()
    )
    if investigation is None:
        return
    principal, worker = users["rektor_a"], users["socsek_kungsholmen"]
    # The pupil with the demo utredning goes to RSU Mälaren; so does a pupil whose
    # concern is still being assessed: no consent names the group for either, so
    # both get the consent prompt.
    _place(with_utredning, group, principal)
    _place(waiting, group, principal)
    request = services.information_request_send(
        by=worker,
        investigation=investigation,
        recipient_unit=with_utredning.school_unit,
        questions=(
            "Hur ser elevens närvaro ut denna termin? Hur fungerar eleven i undervisningen "
            "och med kamraterna? Har skolan sett något som oroar kring hemsituationen?"
        ),
        bbic_area="education",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    services.information_request_answer(
        by=principal,
        request=request,
        text=(
            "Närvaron är 72 procent sedan terminsstarten, mest frånvaro på måndagar. Eleven "
            "fungerar bättre i RSU-gruppen än i den ordinarie klassen och har en god relation "
            "till mentorn. Eleven har vid två tillfällen sagt att hen inte vill gå hem."
        ),
    )
