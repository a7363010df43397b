from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import forms as portal_forms

DATE = forms.DateInput(attrs={"type": "date"})


class PlacementApplyForm(forms.Form):
    group = portal_forms.ModelChoiceField(label=_("Special teaching group"), queryset=None)
    reason = forms.CharField(
        label=_("Reason for the application"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("The pupil's needs, and the support the school has already given."),
    )
    absence_percent_at_intake = forms.IntegerField(
        label=_("Absence at application (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Left empty, the latest recorded period is used."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class PlacementDecideForm(forms.Form):
    DECISIONS = [
        ("admit", pgettext_lazy("placement decision", "Admit")),
        ("decline", pgettext_lazy("placement decision", "Decline")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    decision_reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    admission_meeting = portal_forms.ModelChoiceField(
        label=_("Antagningsgrupp meeting"),
        queryset=None,
        required=False,
        help_text=_("The meeting where the decision was made, if it is in Samverkan."),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admission_meeting"].queryset = meetings

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "admit": data["decision"] == "admit",
            "reason": data["decision_reason"],
            "admission_meeting": data["admission_meeting"],
        }


class PlacementStartForm(forms.Form):
    starts_on = forms.DateField(label=_("First day in the group"), widget=DATE)


class PlacementEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day in the group"), widget=DATE)
    end_reason = forms.CharField(
        label=_("Reason for ending"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
