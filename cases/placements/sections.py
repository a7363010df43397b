"""The placements section of the pupil page (registered in cases.pupil_sections)."""

from cases.placements import selectors


def visible(user, student) -> bool:
    return selectors.may_see_placements(user, student)


def context(user, student) -> dict:
    placements = (
        selectors.placements_of(user, student)
        .select_related("decided_by", "applied_by")
        .order_by("-applied_at", "-id")
    )
    districts = selectors.admission_group_district_ids(user)
    rows = [
        {
            "placement": p,
            "may_decide": selectors.may_decide(user, p, districts=districts),
            "may_manage": selectors.may_manage(user, p),
        }
        for p in placements
    ]
    return {"rows": rows, "may_apply": selectors.may_apply(user, student)}
