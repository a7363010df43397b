"""Sections that concerns contribute to the pupil page, per side."""

from django.utils.translation import gettext_lazy as _

from consent.policy import may_see
from portal.access import scope
from portal.pupil_page import PupilSection, register_section
from referrals import selectors


def _school_reports(user, student):
    concerns = (
        selectors.concerns_for_school(user)
        .filter(student=student)
        .select_related("preliminary_assessment")
        .order_by("-received_at")
    )
    return {"rows": [(c, selectors.feedback_status(c)) for c in concerns]}


def _social_reports(user, student):
    return {
        "concerns": selectors.concerns_for_social(user)
        .filter(student=student)
        .select_related("preliminary_assessment", "intake_unit")
        .order_by("-received_at"),
        "investigations": selectors.investigations_for_social(user).filter(student=student),
    }


register_section(
    PupilSection(
        key="school_reports",
        title=_("Concern reports"),
        template="referrals/sections/school_reports.html",
        order=20,
        visible=lambda user, student: scope(user).is_school,
        context=_school_reports,
    )
)
register_section(
    PupilSection(
        key="social_reports",
        title=_("Reports and utredningar"),
        template="referrals/sections/social_reports.html",
        order=20,
        visible=lambda user, student: bool(scope(user).social_worker_district_ids),
        context=_social_reports,
    )
)


def _suspensions_visible(user, student) -> bool:
    s = scope(user)
    return s.is_school or (s.is_social and may_see(user, student, "school_attendance"))


register_section(
    PupilSection(
        key="suspensions",
        title=_("Suspensions"),
        template="referrals/sections/suspensions.html",
        order=40,
        visible=_suspensions_visible,
        context=lambda user, student: {
            "suspensions": selectors.suspensions_visible_to(user).filter(student=student),
            "shared": not scope(user).is_school,
        },
    )
)


def _investigations_for_school(user, student):
    return {"investigations": list(selectors.investigations_shared_with_school(user, student))}


register_section(
    PupilSection(
        key="shared_investigations",
        title=_("The social services' contact with the pupil"),
        template="referrals/sections/shared_investigations.html",
        order=25,
        # Without consent the section is not shown at all: nothing hints that
        # there is something to see.
        visible=lambda user, student: (
            scope(user).is_school and may_see(user, student, "social_assessment")
        ),
        context=_investigations_for_school,
    )
)
