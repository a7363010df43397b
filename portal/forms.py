"""Form rendering shared by every app: labelled fields whose errors and help
texts are announced to screen readers (WCAG 3.3.1, 3.3.2). Also the portal's
own forms (notifications)."""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class ListedChoices(forms.models.ModelChoiceIterator):
    """A model choice field's options read with one plain query.

    Django reads them through ``QuerySet.iterator()``, which on PostgreSQL opens a
    server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE) for every select drawn:
    meant for results too big for memory, not for a few dozen units or people.
    The field's queryset is the form's own copy, so its rows are read once per
    form, for drawing and for checking the choice alike."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoices


class PortalBoundField(BoundField):
    @cached_property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id:
            return None
        ids = []
        if self.errors:
            ids.append(f"{self.auto_id}_error")
        if self.help_text:
            ids.append(f"{self.auto_id}_helptext")
        return " ".join(ids) or None


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: a True attribute by its name, a False one left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> SafeString:
    """The select template (``templates/django/forms/widgets/select.html``) written
    in Python: the city's list of schools is some 400 options, which the template
    engine draws in about 7 ms and this in well under one. The same markup, every
    name, value and label escaped as the template escapes them."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts += [
            f'\n  <option value="{conditional_escape(str(option["value"]))}"'
            f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in group_choices
        ]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 # nosec B308 B703 - every value is escaped


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def run_service(form, service, **kwargs):
    """Call a service; on a ValidationError put it on the form and return None."""
    from django.core.exceptions import ValidationError

    try:
        return service(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


# --- notifications -------------------------------------------------------------------


class MarkReadForm(forms.Form):
    """Mark one notification read, or all when none is named."""

    notification = forms.IntegerField(required=False, min_value=1)


class NotificationSettingsForm(forms.Form):
    """One row per kind of reminder, a checkbox per channel. Mandatory kinds are
    shown locked: overdue legal deadlines cannot be turned off."""

    def __init__(self, *args, user, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.choices = choices
        self.rows = []
        for choice in choices:
            pair = []
            for channel, label in (("in_app", _("In the portal")), ("email", _("By e-mail"))):
                name = f"{choice.topic}-{channel}"
                self.fields[name] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=getattr(choice, channel),
                    disabled=choice.locked,
                )
                pair.append(self[name])
            self.rows.append((choice, *pair))

    def clean(self):
        cleaned = super().clean()
        if not self.user.email:
            for choice in self.choices:
                name = f"{choice.topic}-email"
                if not choice.locked and cleaned.get(name):
                    self.add_error(
                        name,
                        _(
                            "You have no e-mail address in Samverkan. Ask your "
                            "administrator to add one, or choose the portal only."
                        ),
                    )
        return cleaned

    def channels(self) -> dict[str, set[str]]:
        return {
            choice.topic: {
                channel
                for channel in ("in_app", "email")
                if self.cleaned_data.get(f"{choice.topic}-{channel}")
            }
            for choice in self.choices
            if not choice.locked
        }
