"""The absence and absence-investigation sections of the pupil page (registered in
cases.pupil_sections)."""

from cases.absence import selectors
from cases.models import AbsenceInvestigation
from portal import rules
from portal.access import scope
from portal.models import Unit

#: How many periods the pupil page lists.
SHOWN_PERIODS = 12


def absence_visible(user, student) -> bool:
    return selectors.may_see_absence(user, student)


def absence_context(user, student) -> dict:
    records = list(
        selectors.absence_of(user, student).order_by("-period_end", "-period_start")[:SHOWN_PERIODS]
    )
    user_scope = scope(user)
    own_school = student.school_unit_id in user_scope.school_unit_ids
    may_investigate = selectors.may_open_absence_investigation(user, student)
    open_investigation = (
        AbsenceInvestigation.objects.filter(student=student, closed_on__isnull=True).first()
        if may_investigate
        else None
    )
    hint = []
    if own_school and records:
        hint = [
            Unit.GroupType(code) for code in selectors.sst_eligibility_hint(student, records[0])
        ]
    return {
        "records": records,
        "attention": selectors.absence_attention(records),
        "may_record": selectors.may_record_absence(user, student),
        "may_investigate": may_investigate,
        "open_investigation": open_investigation,
        "sst_hint": hint,
        "may_apply": student.school_unit_id in user_scope.principal_unit_ids,
        "shared": not own_school and user_scope.is_social,
        "threshold": rules.ABSENCE_ATTENTION_PERCENT,
        "repeated_threshold": rules.ABSENCE_ATTENTION_REPEATED_PERCENT,
        "repeated_periods": rules.ABSENCE_ATTENTION_REPEATED_PERIODS,
    }


def investigations_visible(user, student) -> bool:
    return selectors.may_see_absence_investigations(user, student)


def investigations_context(user, student) -> dict:
    investigations = list(
        selectors.absence_investigations_of(user, student).select_related(
            "opened_by", "school_unit"
        )
    )
    may_open = selectors.may_open_absence_investigation(user, student)
    return {
        "investigations": [
            (i, selectors.may_close_absence_investigation(user, i) and i.closed_on is None)
            for i in investigations
        ],
        "may_open": may_open and not any(i.closed_on is None for i in investigations),
    }
