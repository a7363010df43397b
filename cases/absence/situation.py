"""The absence trend of a district for the forums' lägesbild (portal.forums.situation):
how many pupils of the district's schools had a period at or above the attention
level, in the period and the one before. Counts by gender, suppressed by the kernel."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import AbsenceRecord
from portal import rules
from portal.dashboards import DashboardQuery, Row, ScopeRule, Table, count_split, empty_counts

ABSENCE_SCOPE = ScopeRule(
    districts=("student__school_unit__district_id",), units=("student__school_unit_id",)
)


def absence_trend(query: DashboardQuery) -> Table:
    periods = {
        "cur": query.period.dates("period_end"),
        "prev": query.previous.dates("period_end"),
    }
    qs = query.restrict(
        AbsenceRecord.objects.filter(query.span.dates("period_end")),
        ABSENCE_SCOPE,
        district="student__school_unit__district_id",
    )
    high = Q(total_percent__gte=rules.ABSENCE_ATTENTION_PERCENT)
    data = count_split(
        qs,
        gender="student__gender",
        measures={"recorded": None, "high": high},
        periods=periods,
        distinct="student_id",
    )
    empty = empty_counts(("cur", "prev"), ("recorded", "high"))
    data = {**empty, **data}
    return Table(
        "absence_trend",
        [
            Row(
                "high",
                _("Pupils with a period of at least %(percent)s %% absence")
                % {"percent": rules.ABSENCE_ATTENTION_PERCENT},
                data["cur_high"],
                data["prev_high"].total,
            ),
            Row(
                "recorded",
                _("Pupils with recorded absence"),
                data["cur_recorded"],
                data["prev_recorded"].total,
            ),
        ],
        row_heading=_("Absence"),
        note=_("Periods ending in the period, at the district's schools."),
    )
