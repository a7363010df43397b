"""The insatser and joint advice sections of the pupil page (registered in
cases.pupil_sections). Each section is shown only when the viewer may see its
content: without consent the school gets no heading, no count, no empty list."""

from django.utils import timezone

from cases.insatser import selectors
from cases.insatser.forms import JointAdviceForm
from consent import policy


def insatser_visible(user, student) -> bool:
    return selectors.may_manage_insatser(user, student) or policy.may_see_ongoing_interventions(
        user, student
    )


def insatser_context(user, student) -> dict:
    if selectors.may_manage_insatser(user, student):
        today = timezone.localdate()
        rows = list(
            selectors.insatser_managed_for(user, student).select_related("contact_person", "unit")
        )
        return {
            "manage": True,
            "rows": [{"insats": r, "ongoing": r.is_ongoing(today)} for r in rows],
        }
    return {"manage": False, "shared": selectors.ongoing_insatser_shared_with(user, student)}


def advice_visible(user, student) -> bool:
    return selectors.joint_advice_for(user, student) is not None


def advice_context(user, student) -> dict:
    notes = selectors.joint_advice_for(user, student)
    return {"notes": list(notes or []), "form": JointAdviceForm(auto_id="advice_%s")}
