"""A demo insats shared with the school under consent, and a joint advice note."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.insatser import selectors, services
from cases.models import Insats, Student
from portal.models import Unit, User


def _record_consent(principal, pupil, today) -> None:
    from consent.models import Consent
    from consent.services import consent_record

    consent_record(
        by=principal,
        student=pupil,
        guardians=list(pupil.guardians.all()),
        pupil_gives=False,
        parties=list(Unit.objects.filter(code__in=["vasterbroskolan", "kungsholmen-mottagning"])),
        categories=["social_interventions"],
        purpose=(
            "Skolan och socialtjänsten samordnar insatserna och de råd familjen får, "
            "så att råden inte går på tvärs."
        ),
        valid_from=today,
        valid_to=today + datetime.timedelta(days=180),
        form=Consent.Form.ORAL,
        oral_received_at=timezone.now() - datetime.timedelta(hours=1),
    )


def seed_insatser(stdout=None) -> None:
    if Insats.objects.exists():
        return
    social = User.objects.filter(username="socsek_kungsholmen").first()
    principal = User.objects.filter(username="rektor_a").first()
    pupils = list(
        Student.objects.filter(
            school_unit__code="vasterbroskolan", home_district__code="kungsholmen"
        ).order_by("id")[:3]
    )
    if social is None or principal is None or len(pupils) < 3:
        return
    pupil = pupils[2]  # the pupil with the demo utredning and the demo consent
    if not selectors.may_manage_insatser(social, pupil):
        return
    today = timezone.localdate()
    try:
        services.insats_register(
            by=social,
            student=pupil,
            kind=Insats.Kind.FAMILY_TREATMENT,
            starts_on=today - datetime.timedelta(days=21),
            ends_on=today + datetime.timedelta(days=120),
            contact_person=social,
        )
        services.insats_register(
            by=social,
            student=pupil,
            kind=Insats.Kind.CONTACT_PERSON,
            starts_on=today - datetime.timedelta(days=200),
            ends_on=today - datetime.timedelta(days=30),
            contact_person=social,
        )
        _record_consent(principal, pupil, today)
        services.joint_advice_add(
            by=social,
            student=pupil,
            text=(
                "Vi har sagt till vårdnadshavarna att eleven ska vara i skolan hela dagar "
                "även under familjebehandlingen; mötena med familjebehandlaren läggs efter 15."
            ),
        )
    except (PermissionDenied, ValidationError):
        return
