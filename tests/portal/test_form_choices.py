"""A model choice field's options are read with one plain query (portal.forms
ListedChoices): no server-side cursor per select drawn, and the rows read once per
form for drawing and for checking the choice."""

import pytest
from django import forms as django_forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import forms
from portal.models import Unit

pytestmark = pytest.mark.django_db


class UnitForm(django_forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("name"))
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.order_by("name"))


def test_the_choices_are_the_querysets_rows_with_the_empty_label(world):
    form = UnitForm()
    names = [str(label) for _value, label in form.fields["unit"].choices]
    assert names == ["---------", *Unit.objects.order_by("name").values_list("name", flat=True)]
    assert len(form.fields["units"].choices) == Unit.objects.count()


def test_drawing_and_checking_a_choice_read_the_units_once_per_field(world):
    form = UnitForm({"unit": world.school_a.pk, "units": [world.school_b.pk]})
    with CaptureQueriesContext(connection) as captured:
        str(form["unit"])
        assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == world.school_a
    unit_queries = [q["sql"] for q in captured if "portal_unit" in q["sql"]]
    # One to draw the select, one to check the choice (by key), one for the list.
    assert len(unit_queries) == 3


def test_no_server_side_cursor_is_opened_for_a_select(postgres, world):
    with CaptureQueriesContext(connection) as captured:
        str(UnitForm()["unit"])
    assert captured.captured_queries
    assert not [q for q in captured if q["sql"].startswith("DECLARE")]


def test_every_form_of_the_portal_uses_the_listed_choices():
    from cases import forms as cases_forms
    from cases.insatser import forms as insatser_forms
    from cases.placements import forms as placement_forms
    from cases.sip import forms as sip_forms
    from consent import forms as consent_forms
    from portal.forums import forms as forum_forms
    from referrals import forms as referral_forms
    from referrals.information_requests import forms as request_forms

    modules = [
        cases_forms,
        insatser_forms,
        placement_forms,
        sip_forms,
        consent_forms,
        forum_forms,
        referral_forms,
        request_forms,
    ]
    fields = [
        (f"{module.__name__}.{form.__name__}.{name}", field)
        for module in modules
        for form in vars(module).values()
        if isinstance(form, type) and issubclass(form, django_forms.BaseForm)
        for name, field in form.base_fields.items()
        if isinstance(field, django_forms.ModelChoiceField)
    ]
    assert len(fields) >= 10
    assert [name for name, field in fields if field.iterator is not forms.ListedChoices] == []
