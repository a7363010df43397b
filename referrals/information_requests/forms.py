from django import forms
from django.utils.translation import gettext_lazy as _

from portal import forms as portal_forms
from portal import rules


class InformationRequestForm(forms.Form):
    recipient_unit = portal_forms.ModelChoiceField(
        label=_("Send to"),
        queryset=None,
        empty_label=None,
        help_text=_("The pupil's school, or the special teaching group the pupil is placed in."),
    )
    bbic_area = forms.ChoiceField(
        label=_("BBIC area"), choices=rules.BBIC_AREAS, initial="education"
    )
    questions = forms.CharField(
        label=_("Questions to the school"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_(
            "Ask only what the utredning needs. The school sees these questions, nothing "
            "else of the utredning."
        ),
    )
    due_on = forms.DateField(
        label=_("Answer wanted by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, recipient_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_unit"].queryset = recipient_units


class AssignForm(forms.Form):
    assignee = portal_forms.ModelChoiceField(label=_("Who answers"), queryset=None)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Answer the questions asked. The social services add it to the utredning."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB each and 5 files."),
    )
