from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import Consent
from portal import forms as portal_forms
from portal import rules


class ConsentForm(forms.Form):
    guardians = portal_forms.ModelMultipleChoiceField(
        label=_("Guardians who gave consent"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each guardian with custody gives consent separately."),
    )
    pupil_gives = forms.BooleanField(label=_("The pupil gave consent"), required=False)
    parties = portal_forms.ModelMultipleChoiceField(
        label=_("Parties that may exchange information"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name the parties that may exchange information.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Information covered"),
        choices=rules.CONSENT_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the categories of information the consent covers.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Why the information is exchanged, in words the family understands."),
        error_messages={"required": _("State the purpose of the consent.")},
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("A consent must have an end date.")},
    )
    form = forms.ChoiceField(
        label=_("Form"),
        choices=Consent.Form.choices,
        widget=forms.RadioSelect,
        initial=Consent.Form.WRITTEN,
    )
    scan = forms.FileField(
        label=_("Scanned written consent"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB. Required for a written consent."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    oral_received_at = forms.DateTimeField(
        label=_("Oral consent received"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("For an oral consent: when you received it. You are recorded as receiver."),
    )

    def __init__(self, *args, student, party_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardians"].queryset = student.guardians.all()
        self.fields["parties"].queryset = party_units


class WithdrawForm(forms.Form):
    what = forms.ChoiceField(label=_("What is withdrawn"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=250, required=False)
    confirm = forms.BooleanField(
        label=_("I understand that the withdrawal takes effect at once and cannot be undone."),
    )

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("all", _("The whole consent"))]
        choices += [
            (f"giver:{g.pk}", _("%(name)s withdraws (ends the whole consent)") % {"name": g.name})
            for g in consent.givers.all()
        ]
        choices += [
            (f"party:{p.pk}", _("Only the party %(unit)s") % {"unit": p.unit})
            for p in consent.parties.select_related("unit")
            if not p.withdrawn_at
        ]
        choices += [
            (
                f"category:{c.pk}",
                _("Only the category: %(cat)s") % {"cat": c.get_category_display()},
            )
            for c in consent.categories.all()
            if not c.withdrawn_at
        ]
        self.fields["what"].choices = choices


class OverrideForm(forms.Form):
    legal_ground = forms.ChoiceField(
        label=_("Legal ground"), choices=rules.OVERRIDE_LEGAL_GROUNDS, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why the information is needed now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    confirm = forms.BooleanField(
        label=_("I understand that this is logged and reviewed."),
    )
