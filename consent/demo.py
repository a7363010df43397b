"""A demo consent, so both sides see what crossing the boundary looks like."""

import datetime

from django.utils import timezone

from cases.models import Student
from consent.models import Consent
from consent.services import consent_record
from portal.models import Unit, User


def seed_consents(stdout=None) -> None:
    if Consent.objects.exists():
        return
    principal = User.objects.filter(username="rektor_a").first()
    pupils = list(
        Student.objects.filter(
            school_unit__code="vasterbroskolan", home_district__code="kungsholmen"
        ).order_by("id")[:3]
    )
    if principal is None or len(pupils) < 3:
        return
    pupil = pupils[2]
    today = timezone.localdate()
    consent_record(
        by=principal,
        student=pupil,
        guardians=list(pupil.guardians.all()),
        pupil_gives=False,
        parties=list(
            Unit.objects.filter(
                code__in=[
                    "vasterbroskolan",
                    "kungsholmen-mottagning",
                    "kungsholmen-utredning",
                    "bup-stockholm",
                ]
            )
        ),
        categories=["school_attendance", "social_assessment", "sip_plan"],
        purpose=(
            "Skolan och socialtjänsten samordnar stödet kring elevens frånvaro och hemsituation."
        ),
        valid_from=today,
        valid_to=today + datetime.timedelta(days=180),
        form=Consent.Form.ORAL,
        oral_received_at=timezone.now() - datetime.timedelta(hours=2),
    )
