"""What concerns add to who may see a pupil."""

from django.db.models import Q

from portal.access import Scope


def pupils_in_social_cases(scope: Scope) -> Q | None:
    """A social worker sees the pupils of the reports, utredningar and suspension
    notices of their district. A report that did not lead to an utredning does
    not make the pupil findable (only the report's own number finds it)."""
    if not scope.social_worker_district_ids:
        return None
    from referrals.models import Concern, Investigation, PreliminaryAssessment, Suspension

    districts = scope.social_worker_district_ids
    concerns = (
        Concern.objects.filter(intake_unit__district_id__in=districts)
        .exclude(preliminary_assessment__decision=PreliminaryAssessment.Decision.NOT_OPEN)
        .values("student_id")
    )
    investigations = Investigation.objects.filter(unit__district_id__in=districts).values(
        "student_id"
    )
    notices = Suspension.objects.filter(notice_unit__district_id__in=districts).values("student_id")
    return Q(id__in=concerns) | Q(id__in=investigations) | Q(id__in=notices)


def pupils_for_sip_coordinators(scope: Scope) -> Q | None:
    """A SIP coordinator sees the pupils with an open utredning in their district:
    the children a SIP may be convened for."""
    if not scope.sip_district_ids:
        return None
    from referrals.models import Investigation

    return Q(
        id__in=Investigation.objects.filter(
            unit__district_id__in=scope.sip_district_ids, closed_on__isnull=True
        ).values("student_id")
    )
