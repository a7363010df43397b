from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import PersonnummerField
from portal import forms as portal_forms
from portal import rules
from referrals.models import Channel, Investigation, PreliminaryAssessment

VIOLENCE_WARNING = _(
    "When the concern is violence, sexual abuse or honour-related violence, the guardians "
    "must NOT be told about the report."
)


class ConcernForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("What is the concern about?"),
        choices=rules.CONCERN_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    immediate_danger = forms.BooleanField(
        label=_("I think the pupil may be in immediate danger"),
        required=False,
        help_text=_("If the child is in acute danger, also call 112."),
    )
    worry = forms.CharField(
        label=_("What worries you?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )
    child_said = forms.CharField(
        label=_("What has the pupil said?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
        help_text=_("As close to the pupil's own words as you can."),
    )
    observed = forms.CharField(
        label=_("What have you seen?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    relation = forms.CharField(
        label=_("Your relation to the pupil"),
        max_length=200,
        help_text=_("For example mentor, teacher in Swedish, school nurse."),
    )
    earlier_concerns = forms.CharField(
        label=_("Earlier concerns"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text=_("Has the school been worried before, and was a report made then?"),
    )
    guardians_informed = forms.BooleanField(
        label=_("The guardians have been told about this report"),
        required=False,
        help_text=VIOLENCE_WARNING,
    )

    def clean(self):
        data = super().clean()
        chosen = set(data.get("categories") or [])
        if data.get("guardians_informed") and rules.VIOLENCE_CATEGORIES & chosen:
            self.add_error("guardians_informed", VIOLENCE_WARNING)
        return data


class ConcernSubmitForm(ConcernForm):
    confirm = forms.BooleanField(
        label=_(
            "I have read the report through. I know it cannot be changed once sent; "
            "I can add to it afterwards."
        ),
    )


class ChoosePupilForm(forms.Form):
    student = forms.IntegerField(widget=forms.HiddenInput)


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("Addition to the report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )


class PhoneReportForm(ConcernForm):
    personnummer = PersonnummerField(label=_("The child's personal identity number"))
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.LETTER, Channel.LETTER.label)],
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reporter_is_professional = forms.BooleanField(
        label=_("The reporter reports in a professional role"),
        required=False,
        initial=True,
        help_text=_("A professional reporter cannot be anonymous. A private person may be."),
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=200, required=False)
    reporter_organisation = forms.CharField(
        label=_("Reporter's organisation"), max_length=200, required=False
    )
    reporter_contact = forms.CharField(
        label=_("Reporter's phone or e-mail"), max_length=200, required=False
    )
    field_order = [
        "personnummer",
        "channel",
        "received_at",
        "reporter_is_professional",
        "reporter_name",
        "reporter_organisation",
        "reporter_contact",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].required = False
        self.fields["relation"].label = _("The reporter's relation to the child")
        self.fields["relation"].help_text = ""
        self.fields["immediate_danger"].label = _("The child may be in immediate danger")


class AssignForm(forms.Form):
    assignee = portal_forms.ModelChoiceField(label=_("Handling social worker"), queryset=None)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class ProtectionForm(forms.Form):
    immediate_protection_needed = forms.TypedChoiceField(
        label=_("Does the child need immediate protection?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text=_("Required when the child needs immediate protection."),
    )


class ExtensionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Exceptional reason (synnerliga skäl)"),
        choices=rules.EXTENSION_REASONS,
        help_text=_("Workload is never a reason to extend."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    new_due_on = forms.DateField(
        label=_("New decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=PreliminaryAssessment.Decision.choices,
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    violence_override_reason = forms.CharField(
        label=_("Why no utredning although the report concerns violence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text=_("Only for 'do not open' when a violence category is set. The manager is told."),
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=1, max_value=480, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    invite_reporter = forms.BooleanField(
        label=_("Invite the reporter"), required=False, initial=True
    )
    invite_guardians = forms.BooleanField(
        label=_("Invite the guardians"), required=False, initial=True
    )


class MeetingSkipForm(forms.Form):
    skip_reason = forms.ChoiceField(
        label=_("Why no anmälningsmöte is held"),
        choices=rules.MEETING_SKIP_REASONS,
        widget=forms.RadioSelect,
    )
    skip_explanation = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )


class MeetingNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes from the meeting (social services only)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )


class InvestigationExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Särskilda skäl"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    new_due_on = forms.DateField(
        label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InvestigationCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Investigation.Outcome.choices)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )


class SuspensionForm(forms.Form):
    student = portal_forms.ModelChoiceField(label=_("Pupil"), queryset=None)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    pupil_and_guardians_heard = forms.BooleanField(
        label=_("The pupil and the guardians have been heard"), required=False
    )
    huvudman_decision = forms.CharField(
        label=_("The huvudman's decision on a longer period (gymnasieskola)"),
        max_length=200,
        required=False,
        help_text=_("Reference to the huvudman's decision, when one is needed."),
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
