from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Pupils and cases")

    def ready(self):
        from cases import dashboards, pupil_sections  # noqa: F401 - registers
        from cases.reminders import register_kinds
        from portal.access import PUPIL_ROLES
        from portal.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                key="pupils",
                label=_("Pupils"),
                url_name="cases:student_list",
                order=20,
                visible=lambda s: s.has_role(*PUPIL_ROLES),
            )
        )
        # Placements: the schools that apply and the antagningsgrupp that decides.
        register_nav(
            NavItem(
                key="placements",
                label=_("Special teaching groups"),
                url_name="cases:placement_list",
                order=35,
                visible=lambda s: bool(s.principal_unit_ids) or s.is_social,
            )
        )
        register_nav(
            NavItem(
                key="absence_import",
                label=_("Absence import"),
                url_name="cases:absence_import",
                order=45,
                visible=lambda s: bool(s.principal_unit_ids),
            )
        )
        register_kinds()
        from cases.insatser.demo import seed_insatser
        from portal.demo import register_demo_step

        register_demo_step(seed_insatser, order=40)
        from cases.forum_names import pupil_names_in_district
        from portal.forums.minutes import register_pupil_name_source

        register_pupil_name_source(pupil_names_in_district)
        from django.utils.translation import gettext_lazy

        from cases.absence.situation import absence_trend
        from portal.forums.situation import SituationPart, register_situation_part

        register_situation_part(
            SituationPart(
                key="absence_trend",
                title=gettext_lazy("Absence trend"),
                order=30,
                build=absence_trend,
            )
        )
        from cases.sip.registry import register as register_sip

        register_sip()
        from cases.demo import seed_case_figures
        from portal.demo import register_demo_step

        register_demo_step(seed_case_figures, order=35)
        # Audit (issue 8): change history, pupil lookups and report sections.
        from cases import audit

        audit.register()
        from cases import pupil_gender
        from cases.models import Placement, SipPlan

        pupil_gender.keep(SipPlan)
        pupil_gender.keep(Placement)
        # After the gender copy it counts by.
        from cases import dashboards as case_dashboards
        from portal import tallies

        tallies.keep(case_dashboards.SIP_TALLY)
        from cases.sip import follow_up

        follow_up.keep()
