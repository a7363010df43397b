"""What SIP plans add to the kernel's registries: navigation, the pupil page and
who may see a pupil."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.access import register_student_rule
from portal.access import PUPIL_ROLES, Scope, scope
from portal.navigation import NavItem, register_nav
from portal.pupil_page import PupilSection, register_section
from portal.roles import Role


def pupils_in_sip_work(user_scope: Scope) -> Q | None:
    """A SIP coordinator sees the pupils of the SIPs convened in their district.
    (referrals adds the pupils with an open utredning there.)"""
    if not user_scope.sip_district_ids:
        return None
    from cases.models import SipPlan

    plans = SipPlan.objects.filter(
        convenor_unit__district_id__in=user_scope.sip_district_ids
    ).values("student_id")
    return Q(id__in=plans)


def _sip_section(user, student):
    from cases.models import SipPlan
    from cases.sip import selectors

    # Most pupils have no SIP: one index probe then, not the visibility rules.
    if not SipPlan.objects.filter(student=student).exists():
        plans = []
    else:
        plans = list(selectors.sips_of(user, student).order_by("-created_at"))
    versions = selectors.current_versions(plans)
    rows = []
    for plan in plans:
        version = versions.get(plan.pk)
        rows.append(
            {"plan": plan, "status": selectors.display_status(plan, version), "version": version}
        )
    user_scope = scope(user)
    return {
        "rows": rows,
        "may_start": user_scope.has_role(Role.SIP_COORDINATOR, Role.SOCIAL_WORKER)
        and not any(r["plan"].status != "closed" for r in rows),
    }


def register():
    from cases.sip.demo import seed_sip
    from cases.sip.reminders import register_kinds
    from portal.demo import register_demo_step

    register_kinds()
    register_student_rule(pupils_in_sip_work)
    register_demo_step(seed_sip, order=30)
    register_nav(
        NavItem(
            key="sip",
            label=_("SIP"),
            url_name="cases:sip_list",
            order=25,
            visible=lambda s: s.has_role(Role.SIP_COORDINATOR, Role.SOCIAL_WORKER),
        )
    )
    register_section(
        PupilSection(
            key="sip",
            title=_("SIP (coordinated individual plan)"),
            template="cases/sections/sip.html",
            order=30,
            visible=lambda user, student: scope(user).has_role(*PUPIL_ROLES),
            context=_sip_section,
        )
    )
