"""Two-factor login: who must, who may, and what a session can reach before it has.

Password login (/login/) is followed by a code from the authenticator app or a
recovery code. Social workers, SIP coordinators, log reviewers and administrators
must set it up; everyone else may. Demo users skip it only while DEBUG is on.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import two_factor
from portal.audit_models import AccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
RECOVERY = reverse("two_factor_recovery_codes")
SECURITY = reverse("security")
REMOVE = reverse("two_factor_remove")
PUPILS = "/pupils/"


def code_for(device: TOTPDevice) -> str:
    """The code the person's app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def password_login(client, csrf_post, user, next_url="/"):
    response = csrf_post(
        client, f"/login/?next={next_url}", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return response


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def login_rows(action):
    return AccessLog.objects.filter(kind=AccessLog.Kind.LOGIN, action=action)


# --- who must, who may ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "required"),
    [
        ("teacher_a", False),
        ("principal_a", False),
        ("health_a", False),
        ("manager_kungsholmen", False),
        ("nobody", False),
        ("social_kungsholmen", True),
        ("sip_kungsholmen", True),
        ("log_reviewer", True),
        ("admin", True),
    ],
)
def test_who_must_use_two_factor_login(world, persona, required):
    assert two_factor.requires_two_factor(getattr(world, persona)) is required


def test_staff_and_superusers_count_as_administrators(db):
    assert two_factor.requires_two_factor(UserFactory(username="staff", is_staff=True))
    assert two_factor.requires_two_factor(UserFactory(username="root", is_superuser=True))


# --- anonymous ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [VERIFY, SETUP, RECOVERY, SECURITY])
def test_anonymous_is_sent_to_the_password_login(client_for, url):
    response = client_for().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- a user who must enrol ------------------------------------------------------------------


def test_required_user_without_an_app_can_reach_only_set_up_logout_and_language(
    world, client_for, csrf_post
):
    client = client_for()
    password_login(client, csrf_post, world.social_kungsholmen)
    for url in ("/", PUPILS, "/referrals/inbox/", SECURITY, RECOVERY, VERIFY, "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url
    assert client.get(SETUP).status_code == 200
    assert csrf_post(client, reverse("set_language"), {"language": "en"}).status_code == 302
    response = csrf_post(client, "/not-a-page/", {})
    assert response["Location"] == SETUP


def test_enrolment_shows_a_qr_code_and_the_key_then_confirms_with_a_code(
    world, client_for, csrf_post
):
    user = world.social_kungsholmen
    client = client_for()
    password_login(client, csrf_post, user)
    with translation.override("en"):
        page = client.get(SETUP)
    html = page.content.decode()
    assert '<svg role="img"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret == two_factor.secret_for_display(device)
    # Reloading keeps the same key: the QR code scanned a moment ago still works.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = csrf_post(client, SETUP, {"code": wrong_code_for(device)})
    assert response.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert login_rows(two_factor.CODE_FAILED).filter(user=user).count() == 1

    device.refresh_from_db()
    device.throttle_reset()
    response = csrf_post(client, SETUP, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert login_rows(two_factor.ENROLLED).filter(user=user).exists()

    codes_page = client.get(RECOVERY).content.decode()
    codes = re.findall(r'<li><code class="mono">([a-z2-7]{8})</code></li>', codes_page)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT == len(set(codes))
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    # Shown once: the next visit shows how many are left, not the codes.
    again = client.get(RECOVERY).content.decode()
    assert not any(code in again for code in codes)
    # The session is verified now: the portal is open.
    assert client.get(PUPILS).status_code == 200


def test_regenerating_recovery_codes_replaces_the_old_ones(world, client_for, csrf_post):
    user = world.log_reviewer
    client = client_for(user)
    old = set(two_factor.new_recovery_codes(user))
    response = csrf_post(client, RECOVERY, {})
    assert response["Location"] == RECOVERY
    new = set(re.findall(r'<code class="mono">([a-z2-7]{8})</code>', client.get(RECOVERY).text))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT
    assert not new & old
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == new
    assert login_rows(two_factor.RECOVERY_CODES_CREATED).filter(user=user).exists()


def test_a_required_user_replacing_the_app_is_sent_to_set_up_a_new_one(
    world, client_for, csrf_post
):
    user = world.admin
    client = client_for(user)
    response = csrf_post(client, REMOVE, {})
    assert response["Location"] == SETUP
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/")["Location"] == SETUP
    assert login_rows(two_factor.REMOVED).filter(user=user).exists()


# --- a user offered two-factor login --------------------------------------------------------


def test_offered_user_without_an_app_logs_in_with_the_password_alone(world, client_for, csrf_post):
    client = client_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    password_login(client, csrf_post, world.teacher_a)
    assert client.get("/").status_code == 200
    with translation.override("en"):
        page = client.get(SECURITY)
    assert page.status_code == 200
    assert b"Two-factor login is off." in page.content
    assert SETUP.encode() in page.content


def test_the_user_menu_links_to_the_security_page(world, client_for):
    page = client_for(world.teacher_a).get("/")
    assert f'href="{SECURITY}"'.encode() in page.content


def test_offered_user_who_enrols_is_asked_for_a_code_at_the_next_login(
    world, client_for, csrf_post
):
    user = world.teacher_a
    client = client_for()
    password_login(client, csrf_post, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert csrf_post(client, SETUP, {"code": code_for(device)})["Location"] == RECOVERY

    fresh = client_for()
    response = password_login(fresh, csrf_post, user, next_url=PUPILS)
    assert fresh.get(response["Location"])["Location"] == f"{VERIFY}?next=%2Fpupils%2F"
    assert fresh.get(PUPILS)["Location"] == f"{VERIFY}?next=%2Fpupils%2F"


def test_offered_user_may_turn_it_off(world, client_for, csrf_post):
    user = world.teacher_a
    app_for(user)
    client = client_for()
    password_login(client, csrf_post, user)
    device = TOTPDevice.objects.get(user=user)
    csrf_post(client, VERIFY, {"code": code_for(device)})
    response = csrf_post(client, REMOVE, {})
    assert response["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get("/").status_code == 200


# --- verify -----------------------------------------------------------------------------------


def test_a_user_with_an_app_must_give_a_code_and_reaches_only_verify(world, client_for, csrf_post):
    user = world.social_kungsholmen
    device = app_for(user)
    client = client_for()
    password_login(client, csrf_post, user)
    for url in ("/", PUPILS, SECURITY, SETUP, RECOVERY, "/admin/"):
        response = client.get(url)
        assert response["Location"].startswith(VERIFY), url
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert b'name="code"' in page.content
    assert b'class="main-nav"' not in page.content

    response = csrf_post(client, VERIFY, {"code": code_for(device), "next": PUPILS})
    assert response.status_code == 302
    assert response["Location"] == PUPILS
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(PUPILS).status_code == 200


def test_verify_refuses_an_outside_next(world, client_for, csrf_post):
    user = world.sip_kungsholmen
    device = app_for(user)
    client = client_for()
    password_login(client, csrf_post, user)
    response = csrf_post(
        client, VERIFY, {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_logged(world, client_for, csrf_post):
    user = world.social_kungsholmen
    device = app_for(user)
    client = client_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    password_login(client, csrf_post, user)
    with translation.override("en"):
        response = csrf_post(client, VERIFY, {"code": wrong_code_for(device)})
    assert response.status_code == 400
    assert b"The code is not right" in response.content
    assert client.get(PUPILS)["Location"].startswith(VERIFY)
    row = login_rows(two_factor.CODE_FAILED).get(user=user)
    assert row.username == user.username
    assert row.remote_addr == "127.0.0.1"
    assert row.details == {"device": "app", "throttled": False}
    assert wrong_code_for(device) not in str(row.details)


def test_the_same_app_code_does_not_work_twice(world, client_for, csrf_post):
    user = world.social_kungsholmen
    device = app_for(user)
    code = code_for(device)
    first = client_for()
    password_login(first, csrf_post, user)
    assert csrf_post(first, VERIFY, {"code": code})["Location"] == "/"
    second = client_for()
    password_login(second, csrf_post, user)
    assert csrf_post(second, VERIFY, {"code": code}).status_code == 400


def test_wrong_codes_are_throttled(world, client_for, csrf_post):
    user = world.social_kungsholmen
    device = app_for(user)
    client = client_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        password_login(client, csrf_post, user)
        csrf_post(client, VERIFY, {"code": wrong_code_for(device)})
        # Even the right code is refused while the throttle holds…
        with translation.override("en"):
            response = csrf_post(client, VERIFY, {"code": code_for(device)})
        assert response.status_code == 400
        assert b"Too many wrong codes" in response.content
        assert login_rows(two_factor.CODE_FAILED).filter(details__throttled=True).count() == 1
        # …and each further failure doubles the wait.
        clock.shift(datetime.timedelta(seconds=2))
        csrf_post(client, VERIFY, {"code": wrong_code_for(device)})
        clock.shift(datetime.timedelta(seconds=1))
        assert csrf_post(client, VERIFY, {"code": code_for(device)}).status_code == 400
        device.refresh_from_db()
        assert device.throttling_failure_count == 2
        clock.shift(datetime.timedelta(seconds=2))
        assert csrf_post(client, VERIFY, {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once_only(world, client_for, csrf_post):
    user = world.log_reviewer
    app_for(user)
    codes = two_factor.new_recovery_codes(user)
    client = client_for()
    password_login(client, csrf_post, user)
    response = csrf_post(client, VERIFY, {"code": codes[0].upper()})
    assert response["Location"] == "/"
    assert client.get("/audit/").status_code == 200
    assert two_factor.recovery_codes_left(user) == two_factor.RECOVERY_CODE_COUNT - 1

    again = client_for()
    password_login(again, csrf_post, user)
    response = csrf_post(again, VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    row = login_rows(two_factor.CODE_FAILED).get(user=user)
    assert row.details["device"] == "recovery_code"
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    assert csrf_post(again, VERIFY, {"code": codes[1]})["Location"] == "/"


def test_verifying_gives_the_session_a_new_key(world, client_for, csrf_post):
    user = world.social_kungsholmen
    device = app_for(user)
    client = client_for()
    password_login(client, csrf_post, user)
    before = client.cookies["sessionid"].value
    csrf_post(client, VERIFY, {"code": code_for(device)})
    assert client.cookies["sessionid"].value != before


# --- demo users -----------------------------------------------------------------------------


@pytest.fixture
def demo_social_worker(world):
    user = world.social_kungsholmen
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    return user


def test_demo_users_skip_two_factor_login_while_debug_is_on(
    demo_social_worker, client_for, csrf_post, settings
):
    settings.DEBUG = True
    assert two_factor.demo_exempt(demo_social_worker)
    assert not two_factor.requires_two_factor(demo_social_worker)
    client = client_for()
    password_login(client, csrf_post, demo_social_worker)
    assert client.get(PUPILS).status_code == 200


def test_demo_users_are_not_exempt_with_debug_off(
    demo_social_worker, client_for, csrf_post, settings
):
    settings.DEBUG = False
    assert not two_factor.demo_exempt(demo_social_worker)
    assert two_factor.requires_two_factor(demo_social_worker)
    client = client_for()
    password_login(client, csrf_post, demo_social_worker)
    assert client.get(PUPILS)["Location"] == SETUP


def test_only_flagged_users_are_exempt_in_debug(world, settings):
    settings.DEBUG = True
    assert two_factor.requires_two_factor(world.social_kungsholmen)


def test_seed_demo_flags_its_users(settings):
    from django.core.management import call_command

    from portal.demo import USERS
    from portal.models import User

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    flagged = set(User.objects.filter(is_demo=True).values_list("username", flat=True))
    assert flagged == {username for username, *_rest in USERS}


# --- failed password logins --------------------------------------------------------------------


def test_a_failed_password_login_is_in_the_access_log_without_the_password(
    world, client_for, csrf_post
):
    client = client_for()
    response = csrf_post(
        client,
        "/login/",
        {"username": "socsek_kungsholmen", "password": "not-the-password"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    row = login_rows(two_factor.LOGIN_FAILED).get()
    assert row.user is None
    assert row.username == "socsek_kungsholmen"
    assert row.remote_addr == "10.1.2.3"
    assert row.path == "/login/"
    assert abs((timezone.now() - row.at).total_seconds()) < 60
    assert "not-the-password" not in str(row.details)


def test_an_unknown_user_name_is_logged_as_typed(db, client_for, csrf_post):
    csrf_post(client_for(), "/login/", {"username": "no_such_person", "password": "x" * 12})
    assert login_rows(two_factor.LOGIN_FAILED).get().username == "no_such_person"


# --- the administrator ------------------------------------------------------------------------


def test_the_admin_never_shows_authenticator_keys_or_recovery_codes():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_an_administrator_removes_the_second_factor_of_someone_who_lost_their_phone(
    world, client_for, csrf_post
):
    from django.contrib.auth.models import Permission

    world.admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="portal"))
    person = world.social_kungsholmen
    app_for(person)
    two_factor.new_recovery_codes(person)
    response = csrf_post(
        client_for(world.admin),
        "/admin/portal/user/",
        {"action": "remove_two_factor", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    row = login_rows(two_factor.REMOVED_BY_ADMINISTRATOR).get()
    assert row.user == world.admin
    assert row.details == {"person": person.username}
