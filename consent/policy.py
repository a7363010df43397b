"""The sharing policy: may this user, now, see this category of this pupil's
information from the other side of the secrecy boundary?

Three things open the boundary, and nothing else does:
1. an active consent that names the user's unit (or the user) as a party and
   covers the category, with no giver, party or category withdrawn;
2. an active break-glass override by this user for this pupil;
3. a path the law itself opens (the report, återkoppling, a suspension notice,
   an information request), which is a named function marked with
   ``@legal_path`` and its legal ground, never an exception in a view.

Everything is decided at query time from the database: no cache, session or
grant can keep information visible after a withdrawal or an expiry.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal import rules
from portal.access import Scope, scope
from portal.pupil_page import asked_once_per_page, built_once_per_page

#: Every function registered with @legal_path, by its qualified name.
LEGAL_PATHS: dict[str, str] = {}


def legal_path(ground: str) -> Callable:
    """Mark a function that moves information across the boundary by law, not consent."""

    def mark(func):
        func.legal_ground = ground
        LEGAL_PATHS[f"{func.__module__}.{func.__qualname__}"] = ground
        return func

    return mark


def user_sides(user_scope: Scope) -> set[str]:
    sides = set()
    if user_scope.is_school:
        sides.add("school")
    if user_scope.is_social:
        sides.add("social")
    return sides


def crosses_boundary(user_scope: Scope, category: str) -> bool:
    """True when reading ``category`` is, for this user, reading the other side's
    information for at least some pupils. (A user on both sides still needs
    consent for pupils that are not their own side's: see ``own_information``.)"""
    owner = rules.CATEGORY_SIDE[category]
    if owner == "joint":
        return True
    return owner not in user_sides(user_scope)


def own_information(user_scope: Scope, student, category: str) -> bool:
    """True when ``category`` of ``student`` is the user's own side's information:
    school information of a pupil of the user's own school, or social-services
    information of a child in the user's own district. Nothing else is."""
    owner = rules.CATEGORY_SIDE[category]
    if owner == "school":
        return student.school_unit_id in user_scope.school_unit_ids
    if owner == "social":
        return student.home_district_id in user_scope.social_worker_district_ids
    return False


def not_withdrawn(at: datetime.datetime, field: str = "withdrawn_at") -> Q:
    """Rows whose withdrawal time ``field`` is empty or still to come at ``at``."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": at})


def active_consents(at: datetime.datetime | None = None) -> QuerySet:
    from consent.models import Consent

    at = at or timezone.now()
    today = timezone.localtime(at).date()
    return Consent.objects.filter(not_withdrawn(at), valid_from__lte=today, valid_to__gte=today)


def _consents_naming(user, at: datetime.datetime) -> QuerySet:
    """Active consents that name ``user``'s unit (not withdrawn) or ``user``."""
    from consent.models import ConsentParty, ConsentUserObjectPermission

    user_scope = scope(user)
    units = user_scope.school_unit_ids | user_scope.social_unit_ids
    names_unit = ConsentParty.objects.filter(
        not_withdrawn(at), consent=OuterRef("pk"), unit_id__in=units
    )
    names_user = ConsentUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        user_id=user_scope.user_id,
        permission__codename="view_consent",
    )
    return active_consents(at).filter(Exists(names_unit) | Exists(names_user))


def consents_covering(user, category: str, at: datetime.datetime | None = None) -> QuerySet:
    """Active consents under which ``user`` may read ``category``."""
    from consent.models import ConsentCategory

    at = at or timezone.now()
    covers_category = ConsentCategory.objects.filter(
        not_withdrawn(at), consent=OuterRef("pk"), category=category
    )
    return _consents_naming(user, at).filter(Exists(covers_category))


def active_overrides(user, at: datetime.datetime | None = None) -> QuerySet:
    from consent.models import Override

    at = at or timezone.now()
    return Override.objects.filter(
        user_id=scope(user).user_id, created_at__lte=at, expires_at__gt=at
    )


@asked_once_per_page
def _override_open(user, student, at: datetime.datetime | None = None) -> bool:
    return active_overrides(user, at).filter(student_id=student.pk).exists()


@asked_once_per_page
def _categories_by_consent(user, student, at: datetime.datetime | None = None) -> frozenset:
    """The categories of ``student``'s information that an active consent naming
    ``user`` covers (the category not withdrawn): one query for every category,
    so a pupil page asks it once for all its sections."""
    from consent.models import ConsentCategory

    at = at or timezone.now()
    consents = _consents_naming(user, at).filter(student_id=student.pk)
    return frozenset(
        ConsentCategory.objects.filter(not_withdrawn(at), consent__in=consents)
        .values_list("category", flat=True)
        .distinct()
    )


@asked_once_per_page
def shared_with(user, student, category: str, at: datetime.datetime | None = None) -> bool:
    """Does ``category`` of ``student`` cross to ``user`` by an active consent or a
    break-glass override? ``students_shared_with`` asked for one pupil."""
    if not scope(user).may_see_cases:
        return False
    return _override_open(user, student, at) or category in _categories_by_consent(
        user, student, at
    )


@asked_once_per_page
def may_see(user, student, category: str, at: datetime.datetime | None = None) -> bool:
    """May ``user``, now, see ``category`` of ``student``'s information from the other side?"""
    user_scope = scope(user)
    if not user_scope.may_see_cases:
        return False
    if own_information(user_scope, student, category):
        return True
    return shared_with(user, student, category, at)


@built_once_per_page
def students_shared_with(user, category: str, at: datetime.datetime | None = None) -> Q | None:
    """The pupils whose ``category`` crosses to ``user`` by consent or override, as
    a filter over Student for lists, exports and counts. The user's own side's
    information is not included: the ordinary selectors give that. None means
    "no pupil"."""
    user_scope = scope(user)
    if not user_scope.may_see_cases:
        return None
    # Correlated to the pupil (EXISTS, not IN): asked about one pupil, as the pupil
    # page's sections do, each is an index probe on that pupil's consents instead of
    # every consent that names the user's unit.
    consent = consents_covering(user, category, at).filter(student_id=OuterRef("pk"))
    override = active_overrides(user, at).filter(student_id=OuterRef("pk"))
    return Q(Exists(consent)) | Q(Exists(override))


def students_named_in_consents(user_scope: Scope) -> Q | None:
    """Pupil identity for the parties of an active consent: the people of a named
    unit, and people named on the consent, see who the pupil is while it lasts."""
    if not user_scope.may_see_cases:
        return None
    from consent.models import ConsentParty, ConsentUserObjectPermission

    now = timezone.now()
    today = timezone.localtime(now).date()
    units = user_scope.school_unit_ids | user_scope.social_unit_ids
    # The unit's parties on running consents, read off the copies of the consent's
    # pupil, days and withdrawal that each party carries (consent.party_copy): one
    # index range, not every consent that ever named the unit.
    by_unit = ConsentParty.objects.filter(
        not_withdrawn(now),
        not_withdrawn(now, "consent_withdrawn_at"),
        unit_id__in=units,
        consent_valid_from__lte=today,
        consent_valid_to__gte=today,
    ).values("consent_student_id")
    active = active_consents(now)
    by_name = ConsentUserObjectPermission.objects.filter(
        user_id=user_scope.user_id, permission__codename="view_consent", content_object__in=active
    ).values("content_object__student_id")
    return Q(id__in=by_unit) | Q(id__in=by_name)


def consent_covering_parties(student, category: str, unit_ids, at: datetime.datetime | None = None):
    """An active consent for ``student`` that covers ``category`` for every unit in
    ``unit_ids`` (none withdrawn), or None. Used before a joint plan is activated."""
    from consent.models import ConsentCategory, ConsentParty

    at = at or timezone.now()
    candidates = active_consents(at).filter(
        student_id=student.pk,
        pk__in=ConsentCategory.objects.filter(not_withdrawn(at), category=category).values(
            "consent_id"
        ),
    )
    wanted = set(unit_ids)
    for consent in candidates.order_by("-valid_to"):
        named = set(
            ConsentParty.objects.filter(not_withdrawn(at), consent=consent).values_list(
                "unit_id", flat=True
            )
        )
        if wanted <= named:
            return consent
    return None


#: The consent category that opens social services' insatser to the school side.
INTERVENTIONS = "social_interventions"


def may_see_ongoing_interventions(user, student, at: datetime.datetime | None = None) -> bool:
    """May ``user`` see which insatser are ongoing for ``student``? Social services'
    own information for the child's district; for anyone else only while a consent
    covering "social_interventions" names them (or a break-glass override is open).
    What crosses is the fact, the kind, the start and the contact person: the
    selector in cases.insatser decides the fields, this decides whether at all."""
    return may_see(user, student, INTERVENTIONS, at)


def joint_advice_consent(user, student, at: datetime.datetime | None = None):
    """The active consent under which ``user`` shares the joint advice note about
    ``student``, or None. The note is a joint record of both sides, so neither
    side's own information opens it, nor does a break-glass override (which opens
    reading, not a shared record): only a consent covering "social_interventions"
    that names the user's unit or the user."""
    if not scope(user).may_see_cases:
        return None
    if INTERVENTIONS not in _categories_by_consent(user, student, at):
        return None  # no such consent: the pupil page asked it once for every category
    return (
        consents_covering(user, INTERVENTIONS, at)
        .filter(student_id=student.pk)
        .order_by("-valid_to", "-id")
        .first()
    )
