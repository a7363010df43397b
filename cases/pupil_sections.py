"""Sections that cases contributes to the pupil page."""

from django.utils.translation import gettext_lazy as _

from cases.absence import sections as absence_sections
from cases.insatser import sections as insats_sections
from cases.placements import sections as placement_sections
from cases.selectors import guardianships_of
from portal.access import scope
from portal.pupil_page import PupilSection, register_section


def _may_see_guardians(user, student) -> bool:
    # Whoever may open the pupil page works with the child; managers,
    # administrators and log reviewers never reach it.
    return scope(user).may_see_cases


register_section(
    PupilSection(
        key="guardians",
        title=_("Guardians"),
        template="cases/sections/guardians.html",
        order=10,
        visible=_may_see_guardians,
        context=lambda user, student: {"guardianships": list(guardianships_of(user, student))},
    )
)


# Absence and placements: the school's own information; across the boundary only
# with consent (the rules are in cases.absence.selectors and cases.placements.selectors).
register_section(
    PupilSection(
        key="absence",
        title=_("Absence"),
        template="cases/absence/section.html",
        order=35,
        visible=absence_sections.absence_visible,
        context=absence_sections.absence_context,
    )
)
register_section(
    PupilSection(
        key="absence_investigations",
        title=_("Absence investigations"),
        template="cases/absence/investigations_section.html",
        order=36,
        visible=absence_sections.investigations_visible,
        context=absence_sections.investigations_context,
    )
)
register_section(
    PupilSection(
        key="placements",
        title=_("Special teaching groups"),
        template="cases/placements/section.html",
        order=37,
        visible=placement_sections.visible,
        context=placement_sections.context,
    )
)


# Insatser and the joint advice note: social services' own; the school sees the
# ongoing insatser and shares the note only under consent (consent.policy).
register_section(
    PupilSection(
        key="insatser",
        title=_("Social services' insatser"),
        template="cases/insatser/section.html",
        order=38,
        visible=insats_sections.insatser_visible,
        context=insats_sections.insatser_context,
    )
)
register_section(
    PupilSection(
        key="joint_advice",
        title=_("Joint advice to the guardians"),
        template="cases/insatser/advice_section.html",
        order=39,
        visible=insats_sections.advice_visible,
        context=insats_sections.advice_context,
    )
)
