"""Swedish unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language; a municipal
tool in Stockholm speaks Swedish by default and switches only when the user
picks another language (the language cookie set by the switch in the header).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorMiddleware:
    """Deny by default until the second factor is passed.

    A logged-in person whose session is not verified (django-otp) reaches only the
    verify page when they have an authenticator app, only the set-up page when their
    role requires one and they have none, and in both cases logout and the language
    switch. Every other address sends them there. Place it after
    ``django_otp.middleware.OTPMiddleware``.
    """

    #: URL names open to a session that still has to pass the second factor.
    ALWAYS_OPEN = ("logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal import two_factor

        request.two_factor_pending = False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or two_factor.is_verified(request):
            return self.get_response(request)
        if two_factor.has_app_device(user):
            step = "two_factor_verify"
        elif two_factor.requires_two_factor(user):
            step = "two_factor_setup"
        else:
            return self.get_response(request)
        request.two_factor_pending = True
        if request.path in self._open_paths(step):
            return self.get_response(request)
        return self._send_to(request, step)

    @staticmethod
    def _open_paths(step: str) -> set[str]:
        from django.urls import reverse

        return {reverse(name) for name in (step, *TwoFactorMiddleware.ALWAYS_OPEN)}

    @staticmethod
    def _send_to(request, step: str):
        from django.urls import reverse
        from django.utils.http import urlencode

        from portal.sessions import redirect_for

        url = reverse(step)
        if request.method == "GET" and step == "two_factor_verify":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect_for(request, url)
