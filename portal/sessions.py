"""How long a login lasts.

Two limits end a session: 30 minutes without a request (``SESSION_COOKIE_AGE`` with
``SESSION_SAVE_EVERY_REQUEST``), and an absolute limit from the moment of login
(``SESSION_ABSOLUTE_SECONDS``, 10 hours by default) however busy the session is, so
that a session left open on a shared computer does not live for days.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

#: When the session logged in, in seconds since the epoch.
LOGIN_AT_SESSION_KEY = "samverkan_login_at"


@receiver(user_logged_in, dispatch_uid="samverkan_stamp_login_time")
def stamp_login_time(sender, request, user, **kwargs):
    """Note when the session logged in; login() has already given it a new key."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = timezone.now().timestamp()


def session_expired(request) -> bool:
    """True when the session is older than the absolute limit, or has no login time
    (deny by default: a session that cannot show when it began is ended)."""
    started = request.session.get(LOGIN_AT_SESSION_KEY)
    if not isinstance(started, int | float):
        return True
    return timezone.now().timestamp() - started > settings.SESSION_ABSOLUTE_SECONDS


def redirect_for(request, url: str) -> HttpResponse:
    """A redirect that htmx follows with a full page load rather than a swap."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    from django.shortcuts import redirect

    return redirect(url)


class AbsoluteSessionLimitMiddleware:
    """Log out a session that has lasted longer than ``SESSION_ABSOLUTE_SECONDS``
    since login, and send the person to the login page with a message.

    After ``MessageMiddleware`` (for the message) and before the two-factor check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_expired(request):
            logout(request)
            messages.info(
                request,
                _("You have been logged out: a login lasts a working day at most. Log in again."),
            )
            login = redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            return redirect_for(request, login["Location"])
        return self.get_response(request)
