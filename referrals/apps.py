from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Concerns and assessments")

    def ready(self):
        from cases.access import register_student_rule
        from portal.demo import register_demo_step
        from portal.navigation import NavItem, register_nav
        from portal.roles import SCHOOL_ROLES, Role
        from referrals import access, dashboards, facts, pupil_sections, reach, worklist  # noqa: F401 - registers
        from referrals.demo import seed_concerns
        from referrals.reminders import register_kinds

        reach.connect()
        facts.connect()
        from referrals import investigation_categories

        investigation_categories.keep()
        from cases import pupil_gender
        from referrals.models import Investigation

        pupil_gender.keep(Investigation)
        # After the copies it counts by (the categories and the gender) are kept.
        from portal import tallies

        tallies.keep(dashboards.INVESTIGATION_TALLY)
        register_student_rule(access.pupils_in_social_cases)
        register_student_rule(access.pupils_for_sip_coordinators)
        register_demo_step(seed_concerns, order=10)
        register_kinds()
        # Audit (issue 8): change history, retention rules and report sections.
        from referrals import audit

        audit.register()
        # Information requests in an utredning (issue 12).
        from referrals.information_requests import registry as information_requests

        information_requests.register()
        register_nav(
            NavItem(
                key="report",
                label=_("New concern report"),
                url_name="referrals:concern_start",
                order=10,
                visible=lambda s: s.has_role(*SCHOOL_ROLES),
            )
        )
        register_nav(
            NavItem(
                key="mine",
                label=_("Reports"),
                url_name="referrals:concern_mine",
                order=30,
                visible=lambda s: s.has_role(*SCHOOL_ROLES),
            )
        )
        register_nav(
            NavItem(
                key="suspensions",
                label=_("Suspensions"),
                url_name="referrals:suspension_list",
                order=40,
                visible=lambda s: s.has_role(*SCHOOL_ROLES),
            )
        )
        register_nav(
            NavItem(
                key="inbox",
                label=_("Inbox"),
                url_name="referrals:inbox",
                order=10,
                visible=lambda s: s.has_role(Role.SOCIAL_WORKER),
            )
        )
