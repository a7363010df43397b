"""What concerns add to who may see a pupil."""

from django.db.models import Q

from portal.access import Scope


def pupils_in_social_cases(scope: Scope) -> Q | None:
    """A social worker sees the pupils of the reports, utredningar and suspension
    notices of their district. A report that did not lead to an utredning does
    not make the pupil findable (only the report's own number finds it).
    ``referrals.reach`` keeps these as rows, one per district and pupil."""
    if not scope.social_worker_district_ids:
        return None
    from referrals.models import DistrictReach

    reached = DistrictReach.objects.filter(district_id__in=sorted(scope.social_worker_district_ids))
    return Q(id__in=reached.values("student_id"))


def pupils_for_sip_coordinators(scope: Scope) -> Q | None:
    """A SIP coordinator sees the pupils with an open utredning in their district:
    the children a SIP may be convened for."""
    if not scope.sip_district_ids:
        return None
    from referrals.models import DistrictReach

    reached = DistrictReach.objects.filter(
        district_id__in=sorted(scope.sip_district_ids), open_investigation=True
    )
    return Q(id__in=reached.values("student_id"))
