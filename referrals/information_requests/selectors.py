"""Reads of information requests, always for a given user.

The school side receives the request and its own answer, never the utredning
behind it: its selector does not follow the request to the utredning, and its
pages show only the request's own fields.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Placement
from consent.policy import legal_path
from portal import rules
from portal.access import scope
from portal.accesslog import note
from portal.models import Unit, User
from portal.roles import SCHOOL_ROLES
from referrals.models import InformationAttachment, InformationRequest, Investigation
from referrals.selectors import investigations_for_social

SCHOOL_RELATED = ("student", "recipient_unit", "requesting_unit", "sent_by", "assigned_to")


def recipient_units_for(student) -> QuerySet[Unit]:
    """Where a request about ``student`` may go: the pupil's school unit, and the
    special teaching groups the pupil is placed in now."""
    groups = Placement.objects.filter(student=student, status=Placement.Status.ACTIVE).values(
        "group_id"
    )
    return Unit.objects.filter(Q(pk=student.school_unit_id) | Q(pk__in=groups)).order_by("name")


# --- the school side ---


@legal_path(rules.LEGAL_GROUND_INFORMATION_REQUEST)
def information_requests_for_school(user) -> QuerySet[InformationRequest]:
    """Requests to the units where the user is principal, and those a principal
    assigned to the user in a unit where they work."""
    s = scope(user)
    parts = []
    if s.principal_unit_ids:
        parts.append(Q(recipient_unit_id__in=s.principal_unit_ids))
    if s.school_unit_ids:
        parts.append(Q(assigned_to_id=s.user_id, recipient_unit_id__in=s.school_unit_ids))
    if not parts:
        return InformationRequest.objects.none()
    q = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return InformationRequest.objects.filter(q).select_related(*SCHOOL_RELATED, "answer")


def information_request_get_for_school(user, pk: int) -> InformationRequest:
    request = get_object_or_404(information_requests_for_school(user), pk=pk)
    note(students=[request.student], kinds=["information_request"])  # the access log
    return request


def open_requests_for_school(user) -> QuerySet[InformationRequest]:
    """The school's unanswered requests, what is due first."""
    return (
        information_requests_for_school(user)
        .filter(answer__isnull=True)
        .order_by("due_on", "sent_at", "id")
    )


def may_answer(user, request: InformationRequest) -> bool:
    s = scope(user)
    if hasattr(request, "answer"):
        return False
    return request.recipient_unit_id in s.principal_unit_ids or (
        request.assigned_to_id == s.user_id and request.recipient_unit_id in s.school_unit_ids
    )


def may_assign(user, request: InformationRequest) -> bool:
    return not hasattr(request, "answer") and (
        request.recipient_unit_id in scope(user).principal_unit_ids
    )


def assignable_staff(request: InformationRequest) -> QuerySet[User]:
    """The people who work in the receiving unit in a school role."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit_id=request.recipient_unit_id,
            memberships__role__in=SCHOOL_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- the social side ---


def investigation_get_for_requests(user, pk: int) -> Investigation:
    """An utredning of the user's district, for sending requests in it; else 404."""
    investigation = get_object_or_404(
        investigations_for_social(user).select_related("student__school_unit", "unit"), pk=pk
    )
    note(students=[investigation.student], kinds=["investigation"])
    return investigation


def information_requests_for_social(user) -> QuerySet[InformationRequest]:
    """Requests in the utredningar of the user's districts, with their answers."""
    return (
        InformationRequest.objects.filter(investigation__in=investigations_for_social(user))
        .select_related(*SCHOOL_RELATED, "answer__answered_by")
        .prefetch_related("answer__attachments")
    )


def information_requests_in(user, investigation: Investigation) -> list[InformationRequest]:
    rows = list(information_requests_for_social(user).filter(investigation=investigation))
    if rows:
        note(students=[investigation.student_id], kinds=["information_request"])
    return rows


# --- the attachments, for either side ---


def attachment_get(user, pk: int) -> InformationAttachment:
    """An attachment of an answer: for the school that answered it, and for the
    social workers of the utredning. Anyone else gets 404."""
    attachment = (
        InformationAttachment.objects.select_related("answer__request__student")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    request_id = attachment.answer.request_id
    visible = (
        information_requests_for_school(user).filter(pk=request_id).exists()
        or information_requests_for_social(user).filter(pk=request_id).exists()
    )
    if not visible:
        raise Http404
    note(students=[attachment.answer.request.student], kinds=["information_answer"])
    return attachment
