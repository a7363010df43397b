from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from cases.models import Meeting, MeetingParticipant, SipIntervention, SipParticipant
from portal import forms as portal_forms


class SipVersionForm(forms.Form):
    needs = forms.CharField(
        label=_("The child's needs"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    lead_unit = portal_forms.ModelChoiceField(
        label=_("Overall responsibility (huvudansvar)"), queryset=None
    )
    lead_person = forms.CharField(label=_("Responsible person"), max_length=200)
    follow_up_how = forms.CharField(
        label=_("How the plan is followed up"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    next_follow_up_on = forms.DateField(
        label=_("Next follow-up"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class InterventionForm(forms.Form):
    what = forms.CharField(label=_("Intervention"), max_length=300, required=False)
    provider = forms.ChoiceField(
        label=_("Provided by"),
        choices=[("", "—"), *SipIntervention.Provider.choices],
        required=False,
    )
    responsible = forms.CharField(label=_("Responsible person"), max_length=200, required=False)


InterventionFormSet = formset_factory(InterventionForm, extra=3, max_num=20, absolute_max=20)


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Taking part as"), choices=SipParticipant.Role.choices)
    unit = portal_forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    user = portal_forms.ModelChoiceField(
        label=_("Person with a Samverkan account"), queryset=None, required=False
    )
    name = forms.CharField(
        label=_("Name (family member or external)"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("E-mail for the calendar invite"), required=False)

    def __init__(self, *args, units, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["user"].queryset = users


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SipMeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Meeting"),
        choices=[
            (k, label)
            for k, label in Meeting.Kind.choices
            if k in (Meeting.Kind.SIP, Meeting.Kind.SIP_FOLLOW_UP, Meeting.Kind.BUS)
        ],
    )
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=1, max_value=480, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (MeetingParticipant.Response.ACCEPTED, _("Accept")),
            (MeetingParticipant.Response.DECLINED, _("Decline")),
        ]
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes and decisions"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
