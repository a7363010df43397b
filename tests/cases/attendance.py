"""Helpers shared by the placement and absence tests: special teaching groups with
their staff, the antagningsgrupp's family-treatment unit, consents and absence."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cases.models import AbsenceRecord, Placement
from portal.models import Unit
from portal.roles import Role
from tests.consent.conftest import scan
from tests.factories import MembershipFactory, UnitFactory, UserFactory


@dataclass
class Groups:
    rsu: Unit
    sst: Unit
    rsu_teacher: object
    rsu_principal: object
    family_treatment_kungsholmen: Unit
    family_worker_kungsholmen: object
    investigation_worker_kungsholmen: object
    investigation_worker_sodermalm: object


def _person(username, role, unit):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def special_groups(world) -> Groups:
    """An RSU in Kungsholmen with a teacher and a principal, an SST in Södermalm,
    and the Kungsholmen antagningsgrupp's social side."""
    rsu = UnitFactory(
        code="rsu-kungsholmen",
        name="RSU Kungsholmen",
        kind=Unit.Kind.SPECIAL_GROUP,
        group_type=Unit.GroupType.RSU,
        district=world.kungsholmen,
    )
    sst = UnitFactory(
        code="sst-sodermalm",
        name="SST Södermalm",
        kind=Unit.Kind.SPECIAL_GROUP,
        group_type=Unit.GroupType.SST,
        district=world.sodermalm,
    )
    family = UnitFactory(
        code="kungsholmen-family",
        name="Familjebehandling Kungsholmen",
        kind=Unit.Kind.FAMILY_TREATMENT,
        district=world.kungsholmen,
    )
    investigation_sodermalm = UnitFactory(
        code="sodermalm-social_investigation",
        kind=Unit.Kind.SOCIAL_INVESTIGATION,
        district=world.sodermalm,
    )
    return Groups(
        rsu=rsu,
        sst=sst,
        rsu_teacher=_person("larare_rsu", Role.SCHOOL_STAFF, rsu),
        rsu_principal=_person("rektor_rsu", Role.PRINCIPAL, rsu),
        family_treatment_kungsholmen=family,
        family_worker_kungsholmen=_person("familjebehandlare_k", Role.SOCIAL_WORKER, family),
        investigation_worker_kungsholmen=_person(
            "utredare_k", Role.SOCIAL_WORKER, world.investigation_kungsholmen
        ),
        investigation_worker_sodermalm=_person(
            "utredare_s", Role.SOCIAL_WORKER, investigation_sodermalm
        ),
    )


def share(world, student, parties, categories=("school_attendance",)):
    """Record a written consent through the real service (by the pupil's principal)."""
    from consent import services

    today = timezone.localdate()
    return services.consent_record(
        by=world.principal_a,
        student=student,
        guardians=list(student.guardians.all()),
        pupil_gives=not student.guardians.exists(),
        parties=list(parties),
        categories=list(categories),
        purpose="Samordna stödet kring skolgången.",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=180),
        form="written",
        scan=scan(),
    )


def absence(student, by, start, end, total, invalid=0, source="manual") -> AbsenceRecord:
    """A period of absence, written directly (the services are tested on their own)."""
    return AbsenceRecord.objects.create(
        student=student,
        period_start=start,
        period_end=end,
        total_percent=Decimal(str(total)),
        invalid_percent=Decimal(str(invalid)),
        source=source,
        recorded_by=by,
    )


def placement(student, group, by, status=Placement.Status.APPLIED, **fields) -> Placement:
    """A placement in a given status, written directly."""
    values = {
        "reason": "Behöver mindre grupp.",
        "applied_by": by,
        "applied_at": timezone.now() - datetime.timedelta(days=30),
        "status": status,
    }
    if status in (Placement.Status.ACTIVE, Placement.Status.ENDED):
        values["starts_on"] = timezone.localdate() - datetime.timedelta(days=10)
    values.update(fields)
    return Placement.objects.create(student=student, group=group, **values)
