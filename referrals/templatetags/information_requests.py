"""The information requests of an utredning, on the social services' case page."""

from django import template

from referrals.information_requests.selectors import information_requests_in

register = template.Library()


@register.inclusion_tag(
    "referrals/information_requests/_for_investigation.html", takes_context=True
)
def information_requests_for(context, investigation):
    user = context["request"].user
    return {
        "requests": information_requests_in(user, investigation),
        "investigation": investigation,
    }
