"""The portal's select template writes each option in place (a list of the city's
schools is otherwise hundreds of template includes): the markup is Django's own,
but for the blank lines between options."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from portal.forms import PortalFormRenderer


class Choices(forms.Form):
    one = forms.ChoiceField(
        choices=[("", "Alla"), ("1", 'Skola <&> "A"'), ("2", "Södra skolan")], required=False
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    grouped = forms.ChoiceField(choices=[("Grupp", [("g1", "G1"), ("g2", "G2")]), ("z", "Z")])
    typed = forms.TypedChoiceField(choices=[(1, "Ett"), (2, "Två")], coerce=int)


def _lines(html: str) -> list[str]:
    return [line for line in html.splitlines() if line.strip()]


@pytest.mark.parametrize("name", ["one", "many", "grouped", "typed"])
@pytest.mark.parametrize(
    "data", [{}, {"one": "1", "many": ["x", "y"], "grouped": "g2", "typed": "2"}]
)
def test_the_select_is_djangos_markup(name, data):
    form = Choices(data or None)
    field = form.fields[name]
    field.widget.attrs.update({"aria-describedby": f"{name}_help", "disabled": True})
    value = form[name].value()
    ours = field.widget.render(name, value, renderer=PortalFormRenderer())
    theirs = field.widget.render(name, value, renderer=DjangoTemplates())
    assert ours != theirs  # the portal's template is used: no blank line per option
    assert _lines(ours) == _lines(theirs)
    assert "&lt;&amp;&gt; &quot;A&quot;" in ours or name != "one"


def test_the_select_is_written_without_the_template_engine(monkeypatch):
    """The portal's renderer writes a select in Python: its template is not loaded."""

    def no_template(self, template_name):
        raise AssertionError(template_name)

    monkeypatch.setattr(PortalFormRenderer, "get_template", no_template)
    form = Choices({"one": "2"})
    html = form.fields["one"].widget.render("one", "2", renderer=PortalFormRenderer())
    assert '<option value="2" selected>Södra skolan</option>' in html
