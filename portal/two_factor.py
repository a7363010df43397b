"""Two-factor login (TOTP with django-otp) and the security events of logging in.

Who must use it: social workers, SIP coordinators, log reviewers and administrators
(the role, or Django's staff and superuser flags) see or control the most secret
information. Everyone else is offered it on the security page.

Each person has at most one confirmed authenticator app (``TOTPDevice``) and, once it
is confirmed, one set of single-use recovery codes (a ``StaticDevice``). Both devices
throttle wrong codes themselves (django-otp: 1, 2, 4, 8… seconds after successive
failures). Every wrong code, every failed password and every change of the second
factor is a row in the access log (kind "login").

Demo users from ``seed_demo`` skip the requirement while ``settings.DEBUG`` is on and
never otherwise: see ``demo_exempt``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import accesslog
from portal.access import scope
from portal.roles import Role

#: Roles whose holders must log in with a second factor.
REQUIRED_ROLES = (Role.SOCIAL_WORKER, Role.SIP_COORDINATOR, Role.LOG_REVIEWER, Role.ADMINISTRATOR)
#: How many recovery codes a person gets at a time.
RECOVERY_CODE_COUNT = 10
#: The name the devices get (shown in the admin).
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
#: Recovery codes waiting in the session to be shown once.
NEW_CODES_SESSION_KEY = "samverkan_new_recovery_codes"

_APP_CODE = re.compile(r"^\d{6}$")

# Actions of the access-log rows written here (kind ``AccessLog.Kind.LOGIN``).
LOGIN_FAILED = "login.failed"
CODE_FAILED = "login.code_failed"
ENROLLED = "two_factor.enrolled"
RECOVERY_CODES_CREATED = "two_factor.recovery_codes"
REMOVED = "two_factor.removed"
REMOVED_BY_ADMINISTRATOR = "two_factor.removed_by_admin"


# --- who must, who may ------------------------------------------------------------------


def demo_exempt(user) -> bool:
    """A seeded demo user may skip two-factor login, but only in development.

    Both conditions are read on every request: the same database served with
    ``DEBUG`` off holds its demo users to the same rule as everyone else."""
    return bool(settings.DEBUG) and bool(getattr(user, "is_demo", False))


def role_requires_two_factor(user) -> bool:
    """True when the person's roles or flags make a second factor compulsory."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return scope(user).has_role(*REQUIRED_ROLES)


def requires_two_factor(user) -> bool:
    """True when the person may not use the portal without a second factor."""
    return role_requires_two_factor(user) and not demo_exempt(user)


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    """The person's authenticator app (confirmed, or the one being set up)."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_app_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request) -> bool:
    """True when this session has passed the second factor (django-otp)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


@dataclass(frozen=True)
class Outcome:
    """The result of checking a code: verified, or why not."""

    verified: bool
    throttled: bool = False
    #: When the next attempt is allowed, when ``throttled``.
    locked_until: object = None


# --- enrolment ------------------------------------------------------------------------------


def pending_app_device(user) -> TOTPDevice:
    """The unconfirmed device shown as a QR code until the person confirms a code.

    Reused across page loads, so a code scanned before a reload still works."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no style)."""
    import segno

    code = segno.make(device.config_url, error="m", micro=False)
    svg = code.svg_inline(border=4, dark="#000", light="#fff", title=title, omitsize=True)
    # The title names the image for screen readers once it has the role of one.
    return svg.replace("<svg ", '<svg role="img" ', 1)


def confirm_app_device(*, request, device: TOTPDevice, code: str) -> Outcome:
    """Confirm the pending device with a code from the app; on success the session is
    verified with it and the person gets fresh recovery codes (waiting in the session)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        outcome = _check(device, normalise_code(code))
        if outcome.verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            request.session[NEW_CODES_SESSION_KEY] = new_recovery_codes(request.user)
            _verified(request, device)
    if outcome.verified:
        log_event(request, ENROLLED)
    else:
        log_failed_code(request, device=device, throttled=outcome.throttled)
    return outcome


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with ``RECOVERY_CODE_COUNT`` new ones."""
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in codes)
    return codes


def regenerate_recovery_codes(request) -> None:
    """New recovery codes for a verified session, to be shown once."""
    request.session[NEW_CODES_SESSION_KEY] = new_recovery_codes(request.user)
    log_event(request, RECOVERY_CODES_CREATED)


def take_new_recovery_codes(request) -> list[str]:
    """The codes just created, removed from the session: they are shown only once."""
    return request.session.pop(NEW_CODES_SESSION_KEY, [])


@transaction.atomic
def remove_two_factor(request) -> None:
    """Remove the app and the recovery codes. A person who must use two-factor login
    is sent to set up a new app on the next request."""
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(NEW_CODES_SESSION_KEY, None)
    log_event(request, REMOVED)


@transaction.atomic
def remove_for_users(request, *, users) -> int:
    """An administrator removes the second factor of ``users`` (a lost phone). Their
    sessions lose their verification at once; each removal is logged."""
    count = 0
    for user in users:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log_event(request, REMOVED_BY_ADMINISTRATOR, person=user.get_username())
        count += 1
    return count


# --- verification --------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def verify_code(request, code: str) -> Outcome:
    """Check a code from the app (6 digits) or a recovery code against the person's
    devices. A recovery code works once. Wrong codes are throttled by the device and
    logged; a right one verifies the session and gives it a new key."""
    code = normalise_code(code)
    user = request.user
    device = app_device(user) if _APP_CODE.match(code) else recovery_device(user)
    if device is None:
        log_failed_code(request, device=None)
        return Outcome(verified=False)
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        outcome = _check(device, code)
    if outcome.verified:
        _verified(request, device)
    else:
        log_failed_code(request, device=device, throttled=outcome.throttled)
    return outcome


def _check(device, code: str) -> Outcome:
    """Ask the device, unless its throttle says the person must wait first."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        return Outcome(
            verified=False, throttled=True, locked_until=(data or {}).get("locked_until")
        )
    return Outcome(verified=bool(device.verify_token(code)))


def _verified(request, device) -> None:
    """Mark the session verified (as django_otp.login does) under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)


# --- the access log ---------------------------------------------------------------------------


def _login_kind():
    from portal.audit_models import AccessLog

    return AccessLog.Kind.LOGIN


def _device_kind(device) -> str:
    if isinstance(device, TOTPDevice):
        return "app"
    if isinstance(device, StaticDevice):
        return "recovery_code"
    return "none"


def log_event(request, action: str, **details) -> None:
    """One access-log row of kind "login" for the person of the request."""
    record = accesslog.AccessRecord(action=action, kind=_login_kind(), details=details)
    accesslog.write(user=request.user, record=record, request=request)


def log_failed_code(request, *, device, throttled: bool = False) -> None:
    """A wrong (or throttled) second-factor code: who, from where, which kind of code."""
    log_event(request, CODE_FAILED, device=_device_kind(device), throttled=throttled)


@receiver(user_login_failed, dispatch_uid="samverkan_log_failed_password")
def log_failed_password(sender, credentials, request=None, **kwargs):
    """A failed password login: the user name tried, the address and the time; never
    the password. Attempts refused because axes has locked the name out count too."""
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    tried = str((credentials or {}).get(field, "") or "")[:150]
    record = accesslog.AccessRecord(action=LOGIN_FAILED, kind=_login_kind())
    if request is not None and getattr(request, "axes_locked_out", False):
        record.details["locked_out"] = True
    accesslog.write(user=None, username=tried, record=record, request=request)
