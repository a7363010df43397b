from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.absence.csv_format import parse_percent

DATE = forms.DateInput(attrs={"type": "date"})


class PercentField(forms.CharField):
    """A percentage 0–100 with a decimal comma or point, as in the CSV import."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        parsed = parse_percent(value)
        if parsed is None:
            raise ValidationError(_("Give a percentage from 0 to 100, like 12,5."), code="invalid")
        return parsed


class AbsenceForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)
    total_percent = PercentField(label=_("Absence (%)"), help_text=_("Valid and invalid together."))
    invalid_percent = PercentField(label=_("Of which invalid (%)"), initial="0")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        total, invalid = data.get("total_percent"), data.get("invalid_percent")
        if total is not None and invalid is not None and invalid > total:
            self.add_error(
                "invalid_percent", _("The invalid absence cannot be more than the total.")
            )
        return data


class AbsenceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Semicolon-separated, UTF-8, in the format described above."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class _Participation(forms.Form):
    pupil_heard = forms.BooleanField(label=_("The pupil took part"), required=False)
    guardians_heard = forms.BooleanField(label=_("The guardians took part"), required=False)
    student_health_involved = forms.BooleanField(
        label=_("Student health took part"), required=False
    )
    reported_to_huvudman = forms.BooleanField(
        label=_("The huvudman has been told that the investigation was opened"),
        required=False,
        help_text=_("Skollagen 7 kap. 19 a §: the rektor tells the huvudman."),
    )
    findings = forms.CharField(
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )


class AbsenceInvestigationOpenForm(_Participation):
    opened_on = forms.DateField(label=_("Opened"), widget=DATE)

    field_order = ["opened_on"]


class AbsenceInvestigationCloseForm(_Participation):
    closed_on = forms.DateField(label=_("Closed"), widget=DATE)
    outcome = forms.CharField(
        label=_("Outcome and measures"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )

    field_order = ["closed_on", "outcome"]
