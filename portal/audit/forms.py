from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import rules
from portal.audit import pupil_directory
from portal.audit.selectors import LogFilter
from portal.audit_models import AccessLog

REQUESTERS = [
    ("guardian", _("A guardian")),
    ("pupil", _("The pupil")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    """Search the access log by person, pupil, period, kind of record and action."""

    username = forms.CharField(label=_("User name"), max_length=150, required=False)
    personnummer = forms.CharField(
        label=_("Pupil's personal identity number"), max_length=15, required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    record_kind = forms.SlugField(
        label=_("Kind of record"),
        required=False,
        help_text=_("For example student, concern, consent, sip, placement, absence."),
    )
    kind = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *AccessLog.Kind.choices]
    )

    def clean_personnummer(self):
        text = self.cleaned_data["personnummer"].strip()
        if not text:
            return None
        student_id = pupil_directory().find(text)
        if student_id is None:
            raise forms.ValidationError(
                _("No pupil with this personal identity number is registered in Samverkan.")
            )
        return student_id

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def log_filter(self) -> LogFilter:
        data = self.cleaned_data
        return LogFilter(
            username=data.get("username") or "",
            student_id=data.get("personnummer"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            record_kind=data.get("record_kind") or "",
            kind=data.get("kind") or "",
        )

    def described(self) -> str:
        """The search as text, for the review's own row in the access log."""
        data = self.cleaned_data
        parts = [
            f"{name}={data[name]}"
            for name in ("username", "date_from", "date_to", "record_kind", "kind")
            if data.get(name)
        ]
        if data.get("personnummer"):
            parts.append(f"pupil={data['personnummer']}")
        return " ".join(parts)


class PeriodForm(forms.Form):
    """The period the flags look at: by default the last seven days."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - datetime.timedelta(days=6)
        if date_from > date_to:
            date_from = date_to
        longest = datetime.timedelta(days=rules.AUDIT_REVIEW_MAX_DAYS - 1)
        if date_to - date_from > longest:
            date_from = date_to - longest
        return date_from, date_to


class ReportForm(forms.Form):
    requester = forms.ChoiceField(
        label=_("Who asks"), choices=REQUESTERS, initial="guardian", widget=forms.RadioSelect
    )
