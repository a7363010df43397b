"""The consent section of the pupil page."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent import policy
from consent.selectors import consents_for_pupil
from portal import rules
from portal.access import scope
from portal.pupil_page import PupilSection, register_section
from portal.roles import Role


def _context(user, student):
    user_scope = scope(user)
    overrides = policy.active_overrides(user).filter(student_id=student.pk)
    return {
        "consents": consents_for_pupil(user, student),
        "may_record": user_scope.is_school or user_scope.is_social,
        "may_override": user_scope.has_role(Role.SOCIAL_WORKER, Role.PRINCIPAL),
        "active_override": overrides.order_by("-expires_at").first(),
        "categories": rules.CONSENT_CATEGORIES,
        "now": timezone.now(),
    }


register_section(
    PupilSection(
        key="consents",
        title=_("Consents"),
        template="consent/sections/consents.html",
        order=15,
        visible=lambda user, student: scope(user).may_see_cases,
        context=_context,
    )
)
