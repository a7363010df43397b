"""Who the current user is in the organisation, computed once per request.

Every selector starts from ``scope(user)``. Views decide *which roles* may use
them with ``roles_required``; selectors decide *which rows* a user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied

from portal.roles import NO_CASE_ROLES, SCHOOL_ROLES, SOCIAL_ROLES, Role

_CACHE_ATTR = "_samverkan_scope"


@dataclass(frozen=True)
class Scope:
    """The memberships of one user, grouped the way selectors filter on them."""

    user_id: int | None
    roles: frozenset[str] = frozenset()
    #: unit id -> roles held there
    unit_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    #: units where the user holds a school role (staff, principal, student health)
    school_unit_ids: frozenset[int] = frozenset()
    #: units where the user is principal (rektor)
    principal_unit_ids: frozenset[int] = frozenset()
    #: social-services units where the user is a social worker or SIP coordinator
    social_unit_ids: frozenset[int] = frozenset()
    #: districts of those social-services units
    social_district_ids: frozenset[int] = frozenset()
    #: districts where the user is a social worker (socialsekreterare)
    social_worker_district_ids: frozenset[int] = frozenset()
    #: social-services units where the user is a social worker
    social_worker_unit_ids: frozenset[int] = frozenset()
    #: districts where the user is SIP coordinator
    sip_district_ids: frozenset[int] = frozenset()
    #: manager scope: units, whole districts, or the whole city
    manager_unit_ids: frozenset[int] = frozenset()
    manager_district_ids: frozenset[int] = frozenset()
    manager_city: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_school(self) -> bool:
        return bool(self.school_unit_ids)

    @property
    def is_social(self) -> bool:
        return bool(self.social_unit_ids)

    @property
    def may_see_cases(self) -> bool:
        """True for roles that work with individual pupils at all."""
        return bool(self.roles - NO_CASE_ROLES)

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.roles

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def is_log_reviewer(self) -> bool:
        return Role.LOG_REVIEWER in self.roles


ANONYMOUS_SCOPE = Scope(user_id=None)


def compute_scope(user) -> Scope:
    from portal.models import Membership, Unit

    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS_SCOPE
    rows = Membership.objects.filter(user=user).values_list(
        "role", "unit_id", "unit__kind", "unit__district_id"
    )
    roles: set[str] = set()
    unit_roles: dict[int, set[str]] = {}
    school, principal, social, social_d, sip_d = set(), set(), set(), set(), set()
    worker_d, worker_u = set(), set()
    mgr_units, mgr_districts, mgr_city = set(), set(), False
    for role, unit_id, kind, district_id in rows:
        roles.add(role)
        unit_roles.setdefault(unit_id, set()).add(role)
        if role in SCHOOL_ROLES and kind in Unit.SCHOOL_KINDS:
            school.add(unit_id)
            if role == Role.PRINCIPAL:
                principal.add(unit_id)
        elif role in SOCIAL_ROLES and kind in Unit.SOCIAL_KINDS:
            social.add(unit_id)
            social_d.add(district_id)
            if role == Role.SIP_COORDINATOR:
                sip_d.add(district_id)
            else:
                worker_d.add(district_id)
                worker_u.add(unit_id)
        elif role == Role.MANAGER:
            if kind == Unit.Kind.CITY:
                mgr_city = True
            elif kind == Unit.Kind.DISTRICT_OFFICE:
                mgr_districts.add(district_id)
            else:
                mgr_units.add(unit_id)
    return Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        unit_roles={k: frozenset(v) for k, v in unit_roles.items()},
        school_unit_ids=frozenset(school),
        principal_unit_ids=frozenset(principal),
        social_unit_ids=frozenset(social),
        social_district_ids=frozenset(social_d),
        social_worker_district_ids=frozenset(worker_d),
        social_worker_unit_ids=frozenset(worker_u),
        sip_district_ids=frozenset(sip_d),
        manager_unit_ids=frozenset(mgr_units),
        manager_district_ids=frozenset(mgr_districts),
        manager_city=mgr_city,
    )


def scope(user) -> Scope:
    """The user's scope, computed once and kept on the user object of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = compute_scope(user)
        if user.is_authenticated:
            setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_scope(user) -> None:
    """Drop a cached scope after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_required(*roles: str):
    """View decorator: 403 unless the user holds one of ``roles`` somewhere.

    Login itself is enforced for every view by LoginRequiredMiddleware.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not scope(request.user).has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


#: Roles that may open a pupil page at all; which pupils is the selector's job.
PUPIL_ROLES = tuple(SCHOOL_ROLES | SOCIAL_ROLES)
