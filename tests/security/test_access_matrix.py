"""The access matrix: every URL of the project, as every persona, on both sides.

Each route of the URLconf has one entry in MATRIX below saying which personas may
use it on which side's object (``ok``), who must not even learn the object exists
(``hidden``: 404), and which methods it answers. Everyone else gets 403; a method
the route does not answer gets 405; an anonymous visitor is sent to the login page.
The test requests every route with GET and with an empty POST (valid CSRF token)
as every persona and anonymous, and compares the outcome class exactly. A route
without an entry fails the test by name, so a new view cannot ship without one.

Side A is Kungsholmen (school A, pupil_a), side B Södermalm (school B, pupil_b);
tests/security/world.py builds one object of every kind on each side.
"""

from __future__ import annotations

import copy
import logging
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import conftest
from tests.security.world import SIDES, build_world

# --- who ----------------------------------------------------------------------------------

SCHOOL_A = frozenset({"teacher_a", "principal_a", "health_a"})
SCHOOL_B = frozenset({"teacher_b", "principal_b"})
PRINCIPALS = frozenset({"principal_a", "principal_b"})
SOCIAL_KH = frozenset({"social_kungsholmen", "sip_kungsholmen"})
SOCIAL_SO = frozenset({"social_sodermalm"})
SOCIAL_WORKERS = frozenset({"social_kungsholmen", "social_sodermalm"})
MANAGERS = frozenset({"manager_kungsholmen", "manager_sodermalm"})
SCHOOL = SCHOOL_A | SCHOOL_B
SOCIAL = SOCIAL_KH | SOCIAL_SO
CASE_WORKERS = SCHOOL | SOCIAL
PERSONAS = (
    "teacher_a",
    "principal_a",
    "health_a",
    "teacher_b",
    "principal_b",
    "social_kungsholmen",
    "social_sodermalm",
    "sip_kungsholmen",
    "manager_kungsholmen",
    "manager_sodermalm",
    "admin",
    "log_reviewer",
    "nobody",
)
EVERYONE = frozenset(PERSONAS)
ANONYMOUS = "anonymous"
NONE: frozenset[str] = frozenset()
#: Who is offered a consent form prepared for the pupil: the pupil's principal and
#: the intake social worker of the home district.
PROMPT_A = frozenset({"principal_a", "social_kungsholmen"})
PROMPT_B = frozenset({"principal_b", "social_sodermalm"})

# --- what ---------------------------------------------------------------------------------

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", "login", "403", "404", "405"
GET, POST = "GET", "POST"
BOTH = (GET, POST)
GET_ONLY = (GET,)
POST_ONLY = (POST,)


def sides(a=NONE, b=NONE) -> dict[str, frozenset[str]]:
    """Personas per side: ``sides(a=SCHOOL_A, b=SCHOOL_B)``."""
    return {"A": frozenset(a), "B": frozenset(b)}


def mirror(a, b) -> dict[str, frozenset[str]]:
    """Each side's own people: ``a`` on side A's object and ``b`` on side B's."""
    return sides(a, b)


def crossed(a, b) -> dict[str, frozenset[str]]:
    """The other side's people: ``b`` on side A's object and ``a`` on side B's."""
    return sides(b, a)


@dataclass(frozen=True)
class Route:
    """What one route answers.

    ``obj`` names the kind of object its URL parameters point at (None: no
    parameters, the route is requested once, not per side). ``ok`` and ``hidden``
    are a persona set (routes without an object) or a per-side mapping. Everyone
    else logged in gets 403. ``role_first``: the role check runs before the method
    check, so a refused persona sees 403 even for a method the route does not answer.
    ``open``: reachable without logging in.
    """

    methods: tuple[str, ...]
    obj: str | None = None
    ok: object = NONE
    hidden: object = field(default_factory=dict)
    role_first: bool = False
    open: bool = False
    #: What a persona outside ``ok`` and ``hidden`` gets: 403, or for the admin
    #: site the admin login page. ``forbidden``: 403 even where refused is LOGIN.
    refused: str = "403"
    forbidden: object = NONE
    #: Overrides for one (persona, method) whatever the side, e.g. a login page
    #: that sends a logged-in user on.
    special: dict = field(default_factory=dict)


def _per_side(value, side) -> frozenset[str]:
    if isinstance(value, dict):
        return value.get(side, NONE)
    return frozenset(value)


def expected(route: Route, persona: str, side: str | None, method: str) -> str:
    if (persona, method) in route.special:
        return route.special[(persona, method)]
    if persona == ANONYMOUS:
        if not route.open:
            return LOGIN
        return OK if method in route.methods else NOT_ALLOWED
    ok = _per_side(route.ok, side)
    hidden = _per_side(route.hidden, side)
    passes_role = persona in ok or persona in hidden
    if method not in route.methods and (passes_role or not route.role_first):
        return NOT_ALLOWED
    if persona in ok:
        return OK
    if persona in hidden:
        return NOT_FOUND
    if persona in _per_side(route.forbidden, side):
        return FORBIDDEN
    return route.refused


def special(personas, method, result) -> dict:
    """Overrides for ``personas`` on ``method``: ``**special(EVERYONE, POST, LOGIN)``."""
    return {(persona, method): result for persona in personas}


# --- the matrix: one entry per route ----------------------------------------------------

MATRIX: dict[str, Route] = {
    "home": Route(GET_ONLY, ok=EVERYONE),
    "healthz": Route(GET_ONLY, ok=EVERYONE, open=True),
    "login": Route(BOTH, ok=EVERYONE, open=True),
    "logout": Route(POST_ONLY, ok=NONE, special=special(EVERYONE, POST, LOGIN)),
    "password_change": Route(BOTH, ok=EVERYONE),
    "password_change_done": Route(GET_ONLY, ok=EVERYONE),
    "security": Route(GET_ONLY, ok=EVERYONE),
    "two_factor_verify": Route(BOTH, ok=EVERYONE),
    "two_factor_setup": Route(BOTH, ok=EVERYONE),
    "two_factor_recovery_codes": Route(BOTH, ok=EVERYONE),
    "two_factor_remove": Route(POST_ONLY, ok=EVERYONE),
    "set_language": Route(BOTH, ok=EVERYONE, open=True),
    "notifications": Route(GET_ONLY, ok=EVERYONE),
    "notification_read": Route(POST_ONLY, ok=EVERYONE),
    "notification_open": Route(
        POST_ONLY,
        obj="notification",
        ok=sides(a={"teacher_a"}, b={"teacher_b"}),
        hidden=sides(
            a=SCHOOL_B
            | SOCIAL_KH
            | SOCIAL_SO
            | MANAGERS
            | {"admin", "health_a", "log_reviewer", "nobody", "principal_a"},
            b=SCHOOL_A
            | SOCIAL_KH
            | SOCIAL_SO
            | MANAGERS
            | {"admin", "log_reviewer", "nobody", "principal_b"},
        ),
    ),
    "notification_settings": Route(BOTH, ok=EVERYONE),
    "dashboard": Route(GET_ONLY, ok=MANAGERS, role_first=True),
    "dashboard_export": Route(GET_ONLY, obj="panel", ok=MANAGERS, role_first=True),
    "cases:student_list": Route(GET_ONLY, ok=CASE_WORKERS),
    "cases:student_create": Route(BOTH, ok=PRINCIPALS),
    "cases:student_detail": Route(
        GET_ONLY,
        obj="pupil",
        ok=sides(a=SCHOOL_A | SOCIAL_KH, b=SCHOOL_B | SOCIAL_SO),
        hidden=sides(a=SCHOOL_B | SOCIAL_SO, b=SCHOOL_A | SOCIAL_KH),
    ),
    "cases:sip_list": Route(GET_ONLY, ok=CASE_WORKERS),
    "cases:sip_start": Route(
        POST_ONLY,
        obj="pupil",
        ok=sides(a=SOCIAL_KH, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b=SOCIAL_KH),
    ),
    "cases:sip_detail": Route(
        GET_ONLY,
        obj="sip",
        ok=sides(a=SCHOOL_A | {"sip_kungsholmen"}, b=SCHOOL_B),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_version": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_participant": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_activate": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_escalate": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_close": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:sip_meeting": Route(
        POST_ONLY,
        obj="sip",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "cases:meeting_detail": Route(
        GET_ONLY,
        obj="meeting",
        ok=sides(a={"sip_kungsholmen", "teacher_a"}, b={"teacher_b"}),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"health_a", "principal_a", "social_kungsholmen"},
            b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO | {"principal_b"},
        ),
    ),
    "cases:meeting_respond": Route(
        POST_ONLY,
        obj="meeting",
        ok=sides(a={"sip_kungsholmen", "teacher_a"}, b={"teacher_b"}),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"health_a", "principal_a", "social_kungsholmen"},
            b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO | {"principal_b"},
        ),
    ),
    "cases:meeting_minutes": Route(
        POST_ONLY,
        obj="meeting",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"health_a", "principal_a", "social_kungsholmen"},
            b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO | {"principal_b"},
        ),
    ),
    "cases:placement_list": Route(GET_ONLY, ok=CASE_WORKERS),
    "cases:placement_new": Route(
        BOTH,
        obj="pupil",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "cases:placement_decide": Route(
        BOTH,
        obj="placement",
        ok=sides(a={"sip_kungsholmen"}, b=NONE),
        hidden=sides(
            a=SOCIAL_SO | {"principal_b", "social_kungsholmen"},
            b=SOCIAL_KH | SOCIAL_SO | {"principal_a"},
        ),
    ),
    "cases:placement_start": Route(
        BOTH,
        obj="placement",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "cases:placement_end": Route(
        BOTH,
        obj="placement",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "cases:absence_new": Route(
        BOTH, obj="pupil", ok=sides(a=SCHOOL_A, b=SCHOOL_B), hidden=sides(a=SCHOOL_B, b=SCHOOL_A)
    ),
    "cases:absence_import": Route(BOTH, ok=SCHOOL_A | SCHOOL_B),
    "cases:absence_investigation_new": Route(
        BOTH,
        obj="pupil",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "cases:absence_investigation_close": Route(
        BOTH,
        obj="absence_investigation",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "referrals:concern_start": Route(BOTH, ok=SCHOOL_A | SCHOOL_B),
    "referrals:concern_write": Route(
        BOTH,
        obj="draft",
        ok=sides(a={"teacher_a"}, b={"teacher_b"}),
        hidden=sides(a=SCHOOL_B | {"health_a", "principal_a"}, b=SCHOOL_A | {"principal_b"}),
    ),
    "referrals:concern_autosave": Route(
        POST_ONLY,
        obj="draft",
        ok=sides(a={"teacher_a"}, b={"teacher_b"}),
        hidden=sides(a=SCHOOL_B | {"health_a", "principal_a"}, b=SCHOOL_A | {"principal_b"}),
    ),
    "referrals:concern_draft_discard": Route(
        POST_ONLY,
        obj="draft",
        ok=sides(a={"teacher_a"}, b={"teacher_b"}),
        hidden=sides(a=SCHOOL_B | {"health_a", "principal_a"}, b=SCHOOL_A | {"principal_b"}),
    ),
    "referrals:concern_mine": Route(GET_ONLY, ok=SCHOOL_A | SCHOOL_B),
    "referrals:concern_detail": Route(
        GET_ONLY,
        obj="concern",
        ok=sides(a={"principal_a", "teacher_a"}, b=SCHOOL_B),
        hidden=sides(a=SCHOOL_B | {"health_a"}, b=SCHOOL_A),
    ),
    "referrals:concern_amend": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"principal_a", "teacher_a"}, b=SCHOOL_B),
        hidden=sides(a=SCHOOL_B | {"health_a"}, b=SCHOOL_A),
    ),
    "referrals:suspension_list": Route(GET_ONLY, ok=SCHOOL_A | SCHOOL_B),
    "referrals:suspension_new": Route(BOTH, ok=PRINCIPALS),
    "referrals:inbox": Route(GET_ONLY, ok=SOCIAL_SO | {"social_kungsholmen"}),
    "referrals:concern_register": Route(BOTH, ok=SOCIAL_SO | {"social_kungsholmen"}),
    "referrals:case": Route(
        GET_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_assign": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_protection": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_extend": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_decide": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_meeting": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_meeting_skip": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:case_meeting_notes": Route(
        POST_ONLY,
        obj="concern",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:investigation_extend": Route(
        POST_ONLY,
        obj="investigation",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:investigation_close": Route(
        POST_ONLY,
        obj="investigation",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:notice_read": Route(
        POST_ONLY,
        obj="suspension",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "cases:insats_new": Route(
        BOTH,
        obj="pupil",
        ok=sides(a=SOCIAL_KH, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b=SOCIAL_KH),
    ),
    "cases:insats_edit": Route(
        BOTH,
        obj="insats",
        ok=sides(a=SOCIAL_KH, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b=SOCIAL_KH),
    ),
    "cases:joint_advice_add": Route(
        POST_ONLY,
        obj="pupil",
        ok=sides(a=NONE, b=NONE),
        hidden=sides(
            a=CASE_WORKERS,
            b=CASE_WORKERS,
        ),
    ),
    "referrals:information_request_new": Route(
        BOTH,
        obj="investigation",
        ok=sides(a={"social_kungsholmen"}, b=SOCIAL_SO),
        hidden=sides(a=SOCIAL_SO, b={"social_kungsholmen"}),
    ),
    "referrals:information_request_detail": Route(
        GET_ONLY,
        obj="information_request",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a=SCHOOL_B | {"health_a", "teacher_a"}, b=SCHOOL_A | {"teacher_b"}),
    ),
    "referrals:information_request_answer": Route(
        POST_ONLY,
        obj="information_request",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a=SCHOOL_B | {"health_a", "teacher_a"}, b=SCHOOL_A | {"teacher_b"}),
    ),
    "referrals:information_request_assign": Route(
        POST_ONLY,
        obj="information_request",
        ok=sides(a={"principal_a"}, b={"principal_b"}),
        hidden=sides(a={"principal_b"}, b={"principal_a"}),
    ),
    "referrals:information_attachment": Route(
        GET_ONLY,
        obj="information_attachment",
        ok=sides(a={"principal_a", "social_kungsholmen"}, b=SOCIAL_SO | {"principal_b"}),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"health_a", "teacher_a"},
            b=SCHOOL_A | {"social_kungsholmen", "teacher_b"},
        ),
    ),
    "forums:detail": Route(
        GET_ONLY,
        obj="forum",
        ok=sides(
            a=SOCIAL_KH | {"manager_kungsholmen", "principal_a"},
            b=SOCIAL_SO | {"manager_sodermalm", "principal_b"},
        ),
        hidden=sides(
            a=SOCIAL_SO | {"manager_sodermalm", "principal_b"},
            b=SOCIAL_KH | {"manager_kungsholmen", "principal_a"},
        ),
    ),
    "forums:member_add": Route(
        BOTH,
        obj="forum",
        ok=sides(a={"manager_kungsholmen"}, b={"manager_sodermalm"}),
        hidden=sides(a={"manager_sodermalm"}, b={"manager_kungsholmen"}),
    ),
    "forums:meeting_new": Route(
        BOTH,
        obj="forum",
        ok=sides(a={"manager_kungsholmen"}, b={"manager_sodermalm"}),
        hidden=sides(a={"manager_sodermalm"}, b={"manager_kungsholmen"}),
    ),
    "forums:agreement_new": Route(
        BOTH,
        obj="forum",
        ok=sides(a={"manager_kungsholmen"}, b={"manager_sodermalm"}),
        hidden=sides(a={"manager_sodermalm"}, b={"manager_kungsholmen"}),
    ),
    "forums:meeting_detail": Route(
        GET_ONLY,
        obj="forum_meeting",
        ok=sides(
            a=SOCIAL_KH | {"manager_kungsholmen", "principal_a"},
            b=SOCIAL_SO | {"manager_sodermalm", "principal_b"},
        ),
        hidden=sides(
            a=SOCIAL_SO | {"manager_sodermalm", "principal_b"},
            b=SOCIAL_KH | {"manager_kungsholmen", "principal_a"},
        ),
    ),
    "forums:meeting_edit": Route(
        BOTH,
        obj="forum_meeting",
        ok=sides(a={"manager_kungsholmen"}, b={"manager_sodermalm"}),
        hidden=sides(a={"manager_sodermalm"}, b={"manager_kungsholmen"}),
    ),
    "forums:agreement_edit": Route(
        BOTH,
        obj="agreement",
        ok=sides(a={"manager_kungsholmen"}, b={"manager_sodermalm"}),
        hidden=sides(a={"manager_sodermalm"}, b={"manager_kungsholmen"}),
    ),
    "referrals:information_request_list": Route(GET_ONLY, ok=SCHOOL_A | SCHOOL_B),
    "consent:consent_new": Route(
        BOTH,
        obj="pupil",
        ok=sides(a=SCHOOL_A | SOCIAL_KH, b=SCHOOL_B | SOCIAL_SO),
        hidden=sides(a=SCHOOL_B | SOCIAL_SO, b=SCHOOL_A | SOCIAL_KH),
    ),
    "consent:override_new": Route(
        BOTH,
        obj="pupil",
        ok=sides(a={"principal_a", "social_kungsholmen"}, b=SOCIAL_SO | {"principal_b"}),
        hidden=sides(a=SOCIAL_SO | {"principal_b"}, b={"principal_a", "social_kungsholmen"}),
    ),
    "consent:consent_withdraw": Route(
        BOTH,
        obj="consent",
        ok=sides(a=SCHOOL_A | {"sip_kungsholmen"}, b=SCHOOL_B),
        hidden=sides(
            a=SCHOOL_B | SOCIAL_SO | {"social_kungsholmen"}, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO
        ),
    ),
    "consent:consent_document": Route(
        GET_ONLY,
        obj="consent",
        ok=sides(a=SCHOOL_A, b=SCHOOL_B),
        hidden=sides(a=SCHOOL_B | SOCIAL_KH | SOCIAL_SO, b=SCHOOL_A | SOCIAL_KH | SOCIAL_SO),
    ),
    "consent:override_list": Route(GET_ONLY, ok={"log_reviewer"}),
    "consent:prompt_list": Route(
        GET_ONLY, ok=SOCIAL_SO | {"principal_a", "principal_b", "social_kungsholmen"}
    ),
    "consent:prompt_form": Route(
        GET_ONLY, obj="pupil", ok=mirror(PROMPT_A, PROMPT_B), hidden=crossed(PROMPT_A, PROMPT_B)
    ),
    "forums:list": Route(GET_ONLY, ok=SOCIAL_KH | SOCIAL_SO | MANAGERS | PRINCIPALS),
    # Each manager's district has its forum already: nothing left to create.
    "forums:new": Route(BOTH, ok=MANAGERS, special=special(MANAGERS, GET, FORBIDDEN)),
    "audit:search": Route(GET_ONLY, ok={"log_reviewer"}),
    "audit:export": Route(GET_ONLY, ok={"log_reviewer"}),
    "audit:flags": Route(GET_ONLY, ok={"log_reviewer"}),
    "audit:pupil_history": Route(
        GET_ONLY, obj="pupil", ok=sides(a={"log_reviewer"}, b={"log_reviewer"})
    ),
    "audit:personal_data_report": Route(
        GET_ONLY, obj="pupil", ok=sides(a={"log_reviewer"}, b={"log_reviewer"})
    ),
    "audit:request": Route(GET_ONLY, obj="request", ok=NONE, hidden={"log_reviewer"}),
    "admin:index": Route(BOTH, ok={"admin"}, refused=LOGIN),
    "admin:login": Route(BOTH, ok=EVERYONE, refused=LOGIN, open=True),
    "admin:logout": Route(
        BOTH,
        ok=CASE_WORKERS | MANAGERS | {"log_reviewer", "nobody"},
        refused=LOGIN,
        special=special({"admin"}, GET, NOT_ALLOWED),
    ),
    "admin:password_change": Route(BOTH, ok={"admin"}, refused=LOGIN),
    "admin:password_change_done": Route(
        BOTH, ok={"admin"}, refused=LOGIN, special=special({"admin"}, POST, NOT_ALLOWED)
    ),
    "admin:autocomplete": Route(
        BOTH,
        ok=NONE,
        forbidden={"admin"},
        refused=LOGIN,
        special=special({"admin"}, POST, NOT_ALLOWED),
    ),
    "admin:jsi18n": Route(
        BOTH, ok={"admin"}, refused=LOGIN, special=special({"admin"}, POST, NOT_ALLOWED)
    ),
    "admin:view_on_site": Route(BOTH, obj="view_on_site", ok=NONE, hidden={"admin"}, refused=LOGIN),
    "admin:auth_group_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:auth_group_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:auth_group_history": Route(
        BOTH, obj="admin:auth.group", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:auth_group_delete": Route(
        BOTH, obj="admin:auth.group", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:auth_group_change": Route(
        BOTH, obj="admin:auth.group", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/auth/group/<path:object_id>/>": Route(
        BOTH, obj="admin:auth.group", ok={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessattempt_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:axes_accessattempt_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:axes_accessattempt_history": Route(
        BOTH, obj="admin:axes.accessattempt", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessattempt_delete": Route(
        BOTH, obj="admin:axes.accessattempt", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessattempt_change": Route(
        BOTH, obj="admin:axes.accessattempt", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/axes/accessattempt/<path:object_id>/>": Route(
        BOTH, obj="admin:axes.accessattempt", ok={"admin"}, refused=LOGIN
    ),
    "admin:axes_accesslog_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:axes_accesslog_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:axes_accesslog_history": Route(
        BOTH, obj="admin:axes.accesslog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accesslog_delete": Route(
        BOTH, obj="admin:axes.accesslog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accesslog_change": Route(
        BOTH, obj="admin:axes.accesslog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/axes/accesslog/<path:object_id>/>": Route(
        BOTH, obj="admin:axes.accesslog", ok={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessfailurelog_changelist": Route(
        BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessfailurelog_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:axes_accessfailurelog_history": Route(
        BOTH, obj="admin:axes.accessfailurelog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessfailurelog_delete": Route(
        BOTH, obj="admin:axes.accessfailurelog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:axes_accessfailurelog_change": Route(
        BOTH, obj="admin:axes.accessfailurelog", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/axes/accessfailurelog/<path:object_id>/>": Route(
        BOTH, obj="admin:axes.accessfailurelog", ok={"admin"}, refused=LOGIN
    ),
    "admin:auth_user_password_change": Route(
        BOTH, obj="admin:portal.user", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_user_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_user_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_user_history": Route(
        BOTH, obj="admin:portal.user", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_user_delete": Route(
        BOTH, obj="admin:portal.user", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_user_change": Route(
        BOTH, obj="admin:portal.user", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/portal/user/<path:object_id>/>": Route(
        BOTH, obj="admin:portal.user", ok={"admin"}, refused=LOGIN
    ),
    "admin:portal_district_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_district_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_district_history": Route(
        BOTH, obj="admin:portal.district", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_district_delete": Route(
        BOTH, obj="admin:portal.district", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_district_change": Route(
        BOTH, obj="admin:portal.district", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/portal/district/<path:object_id>/>": Route(
        BOTH, obj="admin:portal.district", ok={"admin"}, refused=LOGIN
    ),
    "admin:portal_unit_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_unit_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_unit_history": Route(
        BOTH, obj="admin:portal.unit", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_unit_delete": Route(
        BOTH, obj="admin:portal.unit", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_unit_change": Route(
        BOTH, obj="admin:portal.unit", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/portal/unit/<path:object_id>/>": Route(
        BOTH, obj="admin:portal.unit", ok={"admin"}, refused=LOGIN
    ),
    "admin:portal_membership_changelist": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_membership_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_membership_history": Route(
        BOTH, obj="admin:portal.membership", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_membership_delete": Route(
        BOTH, obj="admin:portal.membership", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_membership_change": Route(
        BOTH, obj="admin:portal.membership", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:<admin/portal/membership/<path:object_id>/>": Route(
        BOTH, obj="admin:portal.membership", ok={"admin"}, refused=LOGIN
    ),
    "admin:portal_reminder_changelist": Route(BOTH, ok={"admin"}, refused=LOGIN),
    "admin:portal_reminder_add": Route(BOTH, ok=NONE, forbidden={"admin"}, refused=LOGIN),
    "admin:portal_reminder_history": Route(
        BOTH, obj="admin:portal.reminder", ok={"admin"}, refused=LOGIN
    ),
    "admin:portal_reminder_delete": Route(
        BOTH, obj="admin:portal.reminder", ok=NONE, forbidden={"admin"}, refused=LOGIN
    ),
    "admin:portal_reminder_change": Route(
        BOTH,
        obj="admin:portal.reminder",
        ok={"admin"},
        forbidden={"admin"},
        refused=LOGIN,
        special=special({"admin"}, POST, FORBIDDEN),
    ),
    "admin:<admin/portal/reminder/<path:object_id>/>": Route(
        BOTH, obj="admin:portal.reminder", ok={"admin"}, refused=LOGIN
    ),
    "admin:app_list": Route(BOTH, obj="app", ok=NONE, hidden={"admin"}, refused=LOGIN),
    "admin:<admin/(?P<url>.*)$>": Route(
        BOTH, obj="anywhere", ok=NONE, hidden={"admin"}, refused=LOGIN
    ),
}


# --- the URLconf --------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            key = f"{namespace}{p.name}" if p.name else f"{namespace}<{prefix}{p.pattern}>"
            yield key, prefix + str(p.pattern), p


def url_routes() -> dict[str, tuple[str, URLPattern]]:
    return {key: (route, p) for key, route, p in _walk(get_resolver().url_patterns)}


# --- the world ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back after it;
    every request runs in a savepoint of its own, so a POST changes nothing for the next."""
    refusals = logging.getLogger("django.request")
    level = refusals.level
    refusals.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), transaction.atomic():
        world, by_side, admin_objects = build_world()
        make_client = conftest.client_for.__wrapped__()
        clients = {ANONYMOUS: make_client(None)}
        clients.update({name: make_client(getattr(world, name)) for name in PERSONAS})
        yield world, by_side, admin_objects, clients
        transaction.set_rollback(True)
    refusals.setLevel(level)


#: Side objects by the kind a route's ``obj`` names; the value fills the URL parameter.
SIDE_OBJECTS = {
    "pupil": lambda side: side.pupil.pk,
    "concern": lambda side: side.concern.pk,
    "draft": lambda side: side.draft.token,
    "investigation": lambda side: side.investigation.pk,
    "sip": lambda side: side.sip.pk,
    "meeting": lambda side: side.meeting.pk,
    "consent": lambda side: side.consent.pk,
    "placement": lambda side: side.placement.pk,
    "absence_investigation": lambda side: side.absence_investigation.pk,
    "suspension": lambda side: side.suspension.pk,
    "notification": lambda side: side.notification.pk,
    "insats": lambda side: side.insats.pk,
    "information_request": lambda side: side.information_request.pk,
    "information_attachment": lambda side: side.information_attachment.pk,
    "forum": lambda side: side.forum.pk,
    "forum_meeting": lambda side: side.forum_meeting.pk,
    "agreement": lambda side: side.agreement.pk,
}


def _fixed_kwargs(obj: str, admin_objects) -> dict:
    """URL parameters of routes that point at no side: dashboard panels, request ids
    and the admin's objects (``admin:<app_label>.<model>``: its first row)."""
    if obj == "panel":
        return {"panel": "consents", "fmt": "csv"}
    if obj == "request":
        return {"cid": uuid.uuid4().hex}
    if obj == "app":
        return {"app_label": "portal"}
    if obj == "anywhere":
        return {"url": "no-such-page/"}
    if obj == "view_on_site":
        return {"content_type_id": admin_objects.user_type.pk, "object_id": admin_objects.user.pk}
    model = apps.get_model(obj.removeprefix("admin:"))
    row = model.objects.order_by("pk").first()
    pk = row.pk if row is not None else 0
    return {"object_id": pk, "id": pk}


def _url(key: str, pattern_route: str, pattern: URLPattern, kwargs: dict) -> str:
    names = set(pattern.pattern.regex.groupindex)
    values = {k: v for k, v in kwargs.items() if k in names}
    if not key.endswith(">"):
        return reverse(key, kwargs=values)
    # An unnamed admin route: put the values in by hand.
    url = pattern_route
    for name, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), url)
    return "/" + url.replace("^", "").replace("$", "")


def requests_for(key, route: Route, routes, by_side, admin_objects):
    """Yield (side, url) for one route: per side for side objects, once otherwise."""
    pattern_route, pattern = routes[key]
    if route.obj is None:
        yield None, _url(key, pattern_route, pattern, {})
    elif route.obj in SIDE_OBJECTS:
        for side in SIDES:
            value = SIDE_OBJECTS[route.obj](by_side[side])
            names = list(pattern.pattern.regex.groupindex)
            yield side, _url(key, pattern_route, pattern, dict.fromkeys(names, value))
    else:
        yield None, _url(key, pattern_route, pattern, _fixed_kwargs(route.obj, admin_objects))


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303) and re.search(r"/login/", response.get("Location", "")):
        return LOGIN
    if status in (403, 404, 405):
        return str(status)
    if status >= 500:
        return f"{status}!"
    if 200 <= status < 400:
        return OK
    return OK if response.request["REQUEST_METHOD"] == POST else str(status)


def ask(client, method, url, csrf_post):
    """One request in a savepoint that is rolled back afterwards, with the client's
    cookies put back too: a logout or a language switch changes nothing for the next."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        try:
            response = client.get(url) if method == GET else csrf_post(client, url, {})
        except Exception as exc:  # noqa: BLE001 # a crash is an outcome to report
            response, crash = None, f"raised {type(exc).__name__}: {exc}"
        transaction.set_rollback(True)
    token = client.cookies.get("csrftoken")
    client.cookies = cookies
    if token is not None:
        client.cookies["csrftoken"] = token
    if response is None:
        return crash, None
    return outcome(response), response


# --- the tests ----------------------------------------------------------------------------

#: Who must never see a side's pupil by name or personnummer (no consent covers them).
STRANGERS = {
    "A": SCHOOL_B | SOCIAL_SO | MANAGERS | {"admin", "nobody", ANONYMOUS},
    "B": SCHOOL_A | SOCIAL_KH | MANAGERS | {"admin", "nobody", ANONYMOUS},
}


def test_every_route_has_an_entry():
    missing = sorted(set(url_routes()) - set(MATRIX))
    assert not missing, f"routes without an entry in the access matrix: {', '.join(missing)}"


def test_no_entry_for_a_route_that_is_gone():
    assert not sorted(set(MATRIX) - set(url_routes()))


def _leaks(response, persona, by_side) -> list[str]:
    if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
        return []
    body = response.content.decode(errors="replace")
    found = []
    for side in SIDES:
        if persona not in STRANGERS[side]:
            continue
        pupil = by_side[side].pupil
        for secret in (pupil.personnummer, f"{pupil.first_name} {pupil.last_name}"):
            if secret in body:
                found.append(f"{persona} sees side {side}'s pupil ({secret!r})")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(set(MATRIX) & set(url_routes())))
def test_access_matrix(key, matrix_world, csrf_post):
    world, by_side, admin_objects, clients = matrix_world
    route = MATRIX[key]
    routes = url_routes()
    wrong = []
    for side, url in requests_for(key, route, routes, by_side, admin_objects):
        for method in (GET, POST):
            for persona in (*PERSONAS, ANONYMOUS):
                want = expected(route, persona, side, method)
                got, response = ask(clients[persona], method, url, csrf_post)
                if got != want:
                    wrong.append(
                        f"{method} {url} as {persona} (side {side}): {got}, expected {want}"
                    )
                elif response is not None and 200 <= response.status_code < 300:
                    wrong += _leaks(response, persona, by_side)
    assert not wrong, "\n".join(wrong)
