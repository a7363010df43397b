from django import forms
from django.utils.translation import gettext_lazy as _

from cases.insatser.services import ADVICE_MAX_CHARS
from cases.models import Insats
from portal import forms as portal_forms

DATE = forms.DateInput(attrs={"type": "date"})


class ContactChoiceField(portal_forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class InsatsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of insats"), choices=Insats.Kind.choices)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(
        label=_("End"),
        widget=DATE,
        required=False,
        help_text=_("Planned or actual end. Left empty, the insats runs until you end it."),
    )
    contact_person = ContactChoiceField(
        label=_("Contact person to coordinate with"),
        queryset=None,
        help_text=_("Shown to the school when a consent covers social services' insatser."),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].queryset = contacts

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned


class JointAdviceForm(forms.Form):
    text = forms.CharField(
        label=_("What the guardians were told"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=ADVICE_MAX_CHARS,
        help_text=_(
            "A short note both sides read, so the advice to the family does not "
            "contradict. Not a case record: no assessments."
        ),
    )
