from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import identity
from cases.models import Gender, Guardianship
from portal import forms as portal_forms
from portal.models import District, Unit


class PersonnummerField(forms.CharField):
    """Accepts YYYYMMDD-NNNN, YYMMDD-NNNN and samordningsnummer; cleans to 12 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 15)
        kwargs.setdefault("label", _("Personal identity number"))
        kwargs.setdefault("help_text", _("YYYYMMDD-NNNN. A coordination number is accepted."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return identity.normalize_personnummer(value)


class StudentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, or the full personal identity number."),
    )


class StudentForm(forms.Form):
    personnummer = PersonnummerField()
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    school_unit = portal_forms.ModelChoiceField(label=_("School"), queryset=Unit.objects.none())
    grade = forms.IntegerField(label=_("Grade"), min_value=0, max_value=9)
    home_district = portal_forms.ModelChoiceField(
        label=_("Home district"),
        queryset=District.objects.all(),
        help_text=_("Where the child is registered (folkbokförd)."),
    )
    guardian_first_name = forms.CharField(
        label=_("Guardian's first name"), max_length=100, required=False
    )
    guardian_last_name = forms.CharField(
        label=_("Guardian's last name"), max_length=100, required=False
    )
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=40, required=False)
    guardian_email = forms.EmailField(label=_("Guardian's e-mail"), required=False)
    guardian_relation = forms.ChoiceField(
        label=_("Relation"), choices=Guardianship.Relation.choices, required=False
    )

    def __init__(self, *args, school_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_unit"].queryset = school_units
        if school_units.count() == 1:
            self.fields["school_unit"].initial = school_units.first()

    def clean(self):
        data = super().clean()
        first, last = data.get("guardian_first_name"), data.get("guardian_last_name")
        extra = data.get("guardian_phone") or data.get("guardian_email")
        if (first or last or extra) and not (first and last):
            raise ValidationError(_("Give both the guardian's first and last name, or neither."))
        return data

    def guardians(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("guardian_first_name"):
            return []
        return [
            {
                "first_name": data["guardian_first_name"],
                "last_name": data["guardian_last_name"],
                "phone": data.get("guardian_phone", ""),
                "email": data.get("guardian_email", ""),
                "relation": data.get("guardian_relation") or Guardianship.Relation.PARENT,
            }
        ]
