"""What information requests add to the portal: the social side's pupil-page
section, the personal worklist items, the menu entry, reminders and the change
history. Called from ``ReferralsConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.access import Scope, scope
from portal.navigation import NavItem, register_nav
from portal.pupil_page import PupilSection, register_section
from portal.roles import SCHOOL_ROLES, Role
from portal.worklist import WorklistItem, register_worklist_item


def _social_requests(user, student):
    from referrals.information_requests import selectors
    from referrals.selectors import investigations_for_social

    return {
        "requests": list(
            selectors.information_requests_for_social(user)
            .filter(student=student)
            .order_by("-sent_at")
        ),
        "investigation": investigations_for_social(user)
        .filter(student=student, closed_on__isnull=True)
        .order_by("-started_on")
        .first(),
    }


def _open_for_school(s: Scope) -> int:
    from referrals.models import InformationRequest

    parts = []
    if s.principal_unit_ids:
        parts.append(Q(recipient_unit_id__in=s.principal_unit_ids))
    if s.school_unit_ids:
        parts.append(Q(assigned_to_id=s.user_id, recipient_unit_id__in=s.school_unit_ids))
    if not parts:
        return 0
    q = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return (
        InformationRequest.objects.filter(q, answer__isnull=True, investigation__closed_on=None)
        .distinct()
        .count()
    )


def _answered_for_sender(s: Scope) -> int:
    """Answers to the social worker's own requests in utredningar still open."""
    from referrals.models import InformationRequest

    return InformationRequest.objects.filter(
        sent_by_id=s.user_id,
        answer__isnull=False,
        investigation__closed_on=None,
        investigation__unit__district_id__in=s.social_worker_district_ids,
    ).count()


def register() -> None:
    from referrals.information_requests.reminders import register_kinds

    register_kinds()
    from portal.demo import register_demo_step
    from referrals.information_requests.demo import seed_information_requests

    # After the concerns (10), the consents (20) and the SIP (30): it needs the utredning.
    register_demo_step(seed_information_requests, order=40)
    register_section(
        PupilSection(
            key="information_requests",
            title=_("Requests for information to the school"),
            template="referrals/information_requests/section_social.html",
            order=22,
            visible=lambda user, student: bool(scope(user).social_worker_district_ids),
            context=_social_requests,
        )
    )
    register_nav(
        NavItem(
            key="information_requests",
            label=_("Requests for information"),
            url_name="referrals:information_request_list",
            order=42,
            visible=lambda s: s.has_role(*SCHOOL_ROLES),
        )
    )
    register_worklist_item(
        WorklistItem(
            "information_requests_open",
            _("Requests for information to answer"),
            60,
            _open_for_school,
            urgent=True,
            url_name="referrals:information_request_list",
            link_visible=lambda s: s.is_school,
            audience=lambda s: s.is_school,
        )
    )
    register_worklist_item(
        WorklistItem(
            "information_requests_answered",
            _("Answers to your requests for information, in open utredningar"),
            61,
            _answered_for_sender,
            audience=lambda s: s.has_role(Role.SOCIAL_WORKER),
        )
    )
    _track_changes()


def _track_changes() -> None:
    from portal.changelog import track
    from referrals.models import InformationAnswer, InformationAttachment, InformationRequest

    track(InformationRequest, masked=["questions"])
    track(InformationAnswer, masked=["text"])
    track(InformationAttachment)
