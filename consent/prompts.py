"""Consent prompts: ask the guardians of a pupil in an RSU, CSU or SST group who has
open contact with the social services for consent to share with the school.

The skrivelse about RSU groups (2024) found that consent to lift secrecy toward the
school is often never asked for. So when a pupil with an active placement in such a
group has an undecided concern or an open utredning, and no active consent names
the group and covers one of the categories the two sides coordinate on, the
responsible people are prompted: the social workers of the pupil's home district,
and the principals of the pupil's school and of the group. The prompt is computed
from the database on every request, so it goes the moment a consent is recorded.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent import policy
from portal import rules
from portal.access import Scope, scope
from portal.roles import Role


def _open_contact(student_ref) -> Q:
    """An undecided concern or an open utredning about the pupil."""
    from referrals.models import Concern, Investigation

    concerns = Concern.objects.filter(student_id=student_ref, preliminary_assessment__isnull=True)
    investigations = Investigation.objects.filter(student_id=student_ref, closed_on__isnull=True)
    return Q(Exists(concerns)) | Q(Exists(investigations))


def _covering_consent(at: datetime.datetime) -> Exists:
    """An active consent about the placement's pupil that names the placement's group
    and covers one of the prompt's categories (nothing of it withdrawn)."""
    from consent.models import ConsentCategory, ConsentParty

    categories = ConsentCategory.objects.filter(
        policy.not_withdrawn(at), category__in=rules.CONSENT_PROMPT_CATEGORIES
    ).values("consent_id")
    return Exists(
        ConsentParty.objects.filter(
            policy.not_withdrawn(at),
            unit_id=OuterRef("group_id"),
            consent__student_id=OuterRef("student_id"),
            consent__in=policy.active_consents(at),
            consent_id__in=categories,
        )
    )


def placements_needing_consent(
    group_types=rules.CONSENT_PROMPT_GROUP_TYPES, at: datetime.datetime | None = None
) -> QuerySet:
    """Active placements whose pupil should be asked for consent: every one in the
    city. Callers narrow it to the user's responsibility or a manager's scope."""
    from cases.models import Placement

    at = at or timezone.now()
    return (
        Placement.objects.filter(status=Placement.Status.ACTIVE, group__group_type__in=group_types)
        .filter(_open_contact(OuterRef("student_id")))
        .exclude(_covering_consent(at))
    )


def _responsible(s: Scope) -> Q | None:
    """The placements a person answers for: a social worker those of children in
    their district, a principal those of pupils of their school or group."""
    parts = []
    if s.social_worker_district_ids:
        parts.append(Q(student__home_district_id__in=s.social_worker_district_ids))
    if s.principal_unit_ids:
        parts.append(Q(student__school_unit_id__in=s.principal_unit_ids))
        parts.append(Q(group_id__in=s.principal_unit_ids))
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def prompt_placements_for(user) -> QuerySet:
    """The placements ``user`` is prompted about, with the pupil and the group."""
    from cases.models import Placement

    q = _responsible(scope(user))
    if q is None:
        return Placement.objects.none()
    return placements_needing_consent().filter(q).select_related("student", "group")


def prompt_count(s: Scope) -> int:
    q = _responsible(s)
    if q is None:
        return 0
    return placements_needing_consent().filter(q).values("student_id").distinct().count()


def consent_covers_group(student, group) -> bool:
    """Whether an active consent names ``group`` for one of the prompt's categories."""
    return any(
        policy.consent_covering_parties(student, category, [group.pk]) is not None
        for category in rules.CONSENT_PROMPT_CATEGORIES
    )


def prompt_for(user, student):
    """The placement to prompt ``user`` about on ``student``'s page, or None."""
    from cases.models import Placement

    # Few pupils are placed: one index probe for the rest, not the prompt's rules.
    if not Placement.objects.filter(student=student, status=Placement.Status.ACTIVE).exists():
        return None
    placement = prompt_placements_for(user).filter(student=student).first()
    if placement is None or consent_covers_group(student, placement.group):
        return None
    return placement


# --- the prepared consent form ---


def form_parties(student) -> list:
    """The units the prepared form names: the pupil's school, the groups the pupil
    is placed in, and the social services of the pupil's home district."""
    from cases.models import Placement
    from portal.models import Unit

    groups = Placement.objects.filter(
        student=student,
        status=Placement.Status.ACTIVE,
        group__group_type__in=rules.CONSENT_PROMPT_GROUP_TYPES,
    ).values("group_id")
    social = Q(
        district_id=student.home_district_id,
        kind__in=(Unit.Kind.SOCIAL_INTAKE, Unit.Kind.SOCIAL_INVESTIGATION),
    )
    units = Unit.objects.filter(Q(pk=student.school_unit_id) | Q(pk__in=groups) | social)
    return sorted(units, key=lambda u: (u.kind not in Unit.SCHOOL_KINDS, u.name))


def form_categories() -> list:
    labels = dict(rules.CONSENT_CATEGORIES)
    return [(code, labels[code]) for code in rules.CONSENT_PROMPT_CATEGORIES]


def proposed_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today, today + relativedelta(months=rules.CONSENT_PROMPT_PROPOSED_MONTHS)


# --- registration: the pupil page, the worklist, the manager's indicator ---


def _section_context(user, student):
    return {"placement": prompt_for(user, student)}


def _indicator(query):
    from portal.dashboards import Row, ScopeRule, Table, count_split

    rule = ScopeRule(
        districts=("student__home_district_id",), units=("group_id", "student__school_unit_id")
    )
    qs = query.restrict(
        placements_needing_consent(rules.CONSENT_INDICATOR_GROUP_TYPES),
        rule,
        district="student__home_district_id",
        school="group_id",
    )
    data = count_split(qs, gender="student__gender", measures={"n": None}, distinct="student_id")
    return Table(
        "consent_prompts",
        [Row("pupils", _("Pupils in RSU or CSU without consent covering the group"), data["n"])],
        row_heading=_("Pupils"),
        has_previous=False,
        note=_(
            "Today, whatever the period: pupils with an active placement in an RSU or CSU "
            "group, an undecided concern or an open utredning, and no active consent that "
            "names the group."
        ),
    )


def register() -> None:
    from portal.dashboards import Panel, register_panel
    from portal.pupil_page import PupilSection, register_section
    from portal.worklist import WorklistItem, register_worklist_item

    responsible = lambda s: s.has_role(Role.SOCIAL_WORKER, Role.PRINCIPAL)  # noqa: E731
    register_section(
        PupilSection(
            key="consent_prompt",
            title=_("Ask the guardians for consent"),
            template="consent/sections/consent_prompt.html",
            order=14,
            visible=lambda user, student: prompt_for(user, student) is not None,
            context=_section_context,
        )
    )
    register_worklist_item(
        WorklistItem(
            "consent_prompts",
            _("Pupils in special teaching groups to ask for consent"),
            62,
            prompt_count,
            url_name="consent:prompt_list",
            link_visible=responsible,
            audience=responsible,
        )
    )
    register_panel(
        Panel(
            "consent_prompts",
            _("Pupils in RSU or CSU groups without consent covering the group"),
            _("Consents and access without consent"),
            125,
            _indicator,
            filters=frozenset({"district", "school"}),
            period=False,
        )
    )
