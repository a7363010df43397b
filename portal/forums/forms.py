from django import forms
from django.utils.translation import gettext_lazy as _

from portal import forms as portal_forms
from portal.forums.models import ForumMember

DATE = forms.DateInput(attrs={"type": "date"})
NO_PERSONAL_DATA = _(
    "No personal data: no names or identity numbers of pupils or anyone else. "
    "Text with them is refused."
)


class ForumForm(forms.Form):
    district = portal_forms.ModelChoiceField(label=_("District"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=150)
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ForumMember.Kind.choices)
    unit = portal_forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        help_text=_("For a school or a social-services unit of the district."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        required=False,
        help_text=_("For an external participant, e.g. the local police area."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        required=False,
        help_text=NO_PERSONAL_DATA,
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        required=False,
        help_text=NO_PERSONAL_DATA,
    )


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    parties = forms.CharField(
        label=_("Parties"),
        max_length=500,
        help_text=_("The organisations that signed, e.g. the district, the schools, the police."),
    )
    with_school = forms.BooleanField(label=_("With the school"), required=False)
    with_police = forms.BooleanField(label=_("With the police"), required=False)
    signed_on = forms.DateField(label=_("Signed"), widget=DATE)
    review_on = forms.DateField(label=_("Review date"), widget=DATE)
