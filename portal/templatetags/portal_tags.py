from django import template

from portal.roles import Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    """The translated name of a role code."""
    try:
        return Role(value).label
    except ValueError:
        return ""
