"""The security page and the steps of two-factor login: verify, set up, recovery codes.

Which of these a session may reach before it has passed the second factor is decided
by ``portal.middleware.TwoFactorMiddleware``; the rules are in ``portal.two_factor``.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal import two_factor

_CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "spellcheck": "false",
}


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        max_length=32,
        widget=forms.TextInput(attrs=_CODE_WIDGET_ATTRS),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        help_text=gettext_lazy("The 6 digits the app shows for Samverkan."),
        max_length=32,
        widget=forms.TextInput(attrs={**_CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    """Where to go after verifying: the page asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return settings.LOGIN_REDIRECT_URL


def _code_error(outcome) -> str:
    if not outcome.throttled:
        return _("The code is not right. Try again.")
    if outcome.locked_until:
        return _("Too many wrong codes. Wait until %(time)s and try again.") % {
            "time": time_format(timezone.localtime(outcome.locked_until), "H:i:s")
        }
    return _("Too many wrong codes. Wait a moment and try again.")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of logging in: a code from the app or a recovery code."""
    if not two_factor.has_app_device(request.user) or two_factor.is_verified(request):
        return redirect(_next_url(request))
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = two_factor.verify_code(request, form.cleaned_data["code"])
            if outcome.verified:
                return redirect(_next_url(request))
            form.add_error("code", _code_error(outcome))
        status = 400
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm a code."""
    if two_factor.has_app_device(request.user):
        return redirect("security")
    device = two_factor.pending_app_device(request.user)
    form = SetupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = two_factor.confirm_app_device(
                request=request, device=device, code=form.cleaned_data["code"]
            )
            if outcome.verified:
                messages.success(request, _("Two-factor login is on."))
                return redirect("two_factor_recovery_codes")
            form.add_error("code", _code_error(outcome))
        status = 400
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device, title=_("QR code for your authenticator app")),
            "secret": two_factor.secret_for_display(device),
            "required": two_factor.requires_two_factor(request.user),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes are shown once, here; a POST replaces them all."""
    if not two_factor.has_app_device(request.user):
        return redirect("security")
    if request.method == "POST":
        two_factor.regenerate_recovery_codes(request)
        return redirect("two_factor_recovery_codes")
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": two_factor.take_new_recovery_codes(request),
            "left": two_factor.recovery_codes_left(request.user),
        },
    )


@never_cache
@require_http_methods(["GET"])
def security(request):
    """The person's own login security: two-factor login on or off, recovery codes."""
    user = request.user
    return render(
        request,
        "registration/security.html",
        {
            "enabled": two_factor.has_app_device(user),
            "required": two_factor.requires_two_factor(user),
            "role_requires": two_factor.role_requires_two_factor(user),
            "demo_exempt": two_factor.demo_exempt(user),
            "left": two_factor.recovery_codes_left(user),
        },
    )


@require_POST
def remove(request):
    """Remove the app and recovery codes (to turn it off, or to change phones)."""
    required = two_factor.requires_two_factor(request.user)
    two_factor.remove_two_factor(request)
    if required:
        return redirect("two_factor_setup")
    messages.success(request, _("Two-factor login is off."))
    return redirect("security")
