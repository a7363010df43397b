"""Who may see and edit the forums, always for a given user.

- Read: the district's managers, its social-services staff (social workers and
  SIP coordinators of its units), the principals of the schools located in it,
  and city managers.
- Edit (members, meetings, minutes, agreements): the district's managers.
- Nobody else, and no external participant: they have no account.

A forum holds no case data (its lägesbild is aggregates with small cells
suppressed, its minutes are refused when they name a pupil), which is why the
principals and managers, who never see the other side's pupils, may read it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from portal.access import Scope, scope
from portal.forums.models import CollaborationAgreement, Forum, ForumMeeting
from portal.models import District, Unit
from portal.roles import Role

#: Roles that may open the forum pages at all; which forums is decided below.
FORUM_ROLES = (Role.MANAGER, Role.SOCIAL_WORKER, Role.SIP_COORDINATOR, Role.PRINCIPAL)


def readable_district_ids(user_scope: Scope) -> set[int] | None:
    """Districts whose forum the user may read; None means every district."""
    if user_scope.manager_city:
        return None
    districts = set(user_scope.manager_district_ids) | set(user_scope.social_district_ids)
    if user_scope.principal_unit_ids:
        districts |= set(
            Unit.objects.filter(
                pk__in=user_scope.principal_unit_ids, district__isnull=False
            ).values_list("district_id", flat=True)
        )
    return districts


def _district_filter(user, path: str) -> Q | None:
    districts = readable_district_ids(scope(user))
    if districts is None:
        return Q()
    if not districts:
        return None
    return Q(**{f"{path}__in": sorted(districts)})


def forums_visible_to(user) -> QuerySet[Forum]:
    where = _district_filter(user, "district_id")
    if where is None:
        return Forum.objects.none()
    return Forum.objects.filter(where).select_related("district")


def forum_get(user, pk: int) -> Forum:
    """The forum if ``user`` may read it, else 404 (no existence leak)."""
    return get_object_or_404(forums_visible_to(user), pk=pk)


def meeting_get(user, pk: int) -> ForumMeeting:
    return get_object_or_404(
        ForumMeeting.objects.filter(forum__in=forums_visible_to(user)).select_related(
            "forum__district"
        ),
        pk=pk,
    )


def agreements_visible_to(user) -> QuerySet[CollaborationAgreement]:
    where = _district_filter(user, "district_id")
    if where is None:
        return CollaborationAgreement.objects.none()
    return CollaborationAgreement.objects.filter(where).select_related("district")


def agreement_get(user, pk: int) -> CollaborationAgreement:
    return get_object_or_404(agreements_visible_to(user), pk=pk)


def may_edit_district(user, district_id: int) -> bool:
    """The district's managers edit its forum and agreements."""
    return district_id in scope(user).manager_district_ids


def may_edit(user, forum: Forum) -> bool:
    return may_edit_district(user, forum.district_id)


def editable_districts(user) -> QuerySet[District]:
    return District.objects.filter(pk__in=scope(user).manager_district_ids).order_by("name")


def member_units(forum: Forum) -> QuerySet[Unit]:
    """The portal units that may be members: the district's schools and social services."""
    return Unit.objects.filter(
        district_id=forum.district_id, kind__in=(*Unit.SCHOOL_KINDS, *Unit.SOCIAL_KINDS)
    ).order_by("kind", "name")
