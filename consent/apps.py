from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consents")

    def ready(self):
        from cases.access import register_student_rule
        from consent import dashboards, policy, pupil_sections, worklist  # noqa: F401 - registers
        from consent.demo import seed_consents
        from consent.reminders import register_kinds
        from portal.demo import register_demo_step
        from portal.navigation import NavItem, register_nav

        register_kinds()
        register_student_rule(policy.students_named_in_consents)
        register_demo_step(seed_consents, order=20)
        # Audit (issue 8): change history, access bases and report sections.
        from cases import pupil_gender
        from consent import audit
        from consent.models import Consent

        pupil_gender.keep(Consent)
        from portal import tallies

        tallies.keep(dashboards.CONSENT_TALLY)
        from consent import party_copy

        party_copy.keep()

        audit.register()
        # Consent prompts for pupils in special teaching groups (issue 12).
        from consent import prompts

        prompts.register()
        register_nav(
            NavItem(
                key="overrides",
                label=_("Access without consent"),
                url_name="consent:override_list",
                order=60,
                visible=lambda s: s.is_log_reviewer,
            )
        )
