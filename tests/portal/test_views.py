import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_home_as_anonymous_redirects_to_login(client_for):
    response = client_for().get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    ("persona", "shows", "hides"),
    [
        ("teacher_a", "Elever på din skola", "Öppna administrationen"),
        ("social_kungsholmen", "Dina elever", "Elever på din skola"),
        ("manager_kungsholmen", "Uppföljning för chefer", "Dina elever"),
        ("admin", "Öppna administrationen", "Elever på din skola"),
        ("log_reviewer", "Logggranskning", "Öppna administrationen"),
        ("nobody", "ingen roll i någon enhet", "Elever på din skola"),
    ],
)
def test_each_role_lands_on_a_home_page_that_fits(world, client_for, persona, shows, hides):
    response = client_for(getattr(world, persona)).get(HOME)
    body = response.content.decode()
    assert response.status_code == 200
    assert shows in body
    assert hides not in body


def test_navigation_shows_pupils_only_to_roles_that_see_pupils(world, client_for):
    pupils = reverse("cases:student_list")
    assert f'href="{pupils}"' in client_for(world.teacher_a).get(HOME).content.decode()
    assert f'href="{pupils}"' not in client_for(world.admin).get(HOME).content.decode()


def test_login_page_is_open_and_logs_in(world, client_for):
    client = client_for()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"),
        {"username": "larare_a", "password": "correct-horse-battery"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_login_rotates_the_session_key(world, client_for):
    client = client_for()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(
        reverse("login"),
        {"username": "larare_a", "password": "correct-horse-battery"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert client.session.session_key != before


def test_wrong_password_gives_a_swedish_message(world, client_for):
    client = client_for()
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": "larare_a", "password": "wrong"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200
    assert "korrekt användarnamn och lösenord" in response.content.decode()


def test_repeated_failures_lock_out_that_username_from_that_address(world, client_for, settings):
    client = client_for()
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "larare_a", "password": "wrong"},
            HTTP_X_CSRFTOKEN=token,
        )
    response = client.post(
        reverse("login"),
        {"username": "larare_a", "password": "correct-horse-battery"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 429
    assert "För många misslyckade försök" in response.content.decode()
    # Another user from the same address is not locked out.
    other = client_for()
    other.get(reverse("login"))
    response = other.post(
        reverse("login"),
        {"username": "larare_b", "password": "correct-horse-battery"},
        HTTP_X_CSRFTOKEN=other.cookies["csrftoken"].value,
    )
    assert response.status_code == 302


def test_logout_needs_post_and_ends_the_session(world, client_for, csrf_post):
    client = client_for(world.teacher_a)
    assert client.get(reverse("logout")).status_code == 405
    assert csrf_post(client, reverse("logout")).status_code == 302
    assert client.get(HOME).status_code == 302


def test_password_change_as_anonymous_redirects(client_for):
    assert client_for().get(reverse("password_change")).status_code == 302


def test_password_change_works_and_refuses_a_weak_password(world, client_for, csrf_post):
    client = client_for(world.teacher_a)
    assert client.get(reverse("password_change")).status_code == 200
    weak = csrf_post(
        client,
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "12345",
            "new_password2": "12345",
        },
    )
    assert weak.status_code == 200
    assert "för kort" in weak.content.decode()
    ok = csrf_post(
        client,
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "ett-mycket-bättre-lösen-42",
            "new_password2": "ett-mycket-bättre-lösen-42",
        },
    )
    assert ok.status_code == 302
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.check_password("ett-mycket-bättre-lösen-42")


def test_sessions_expire_after_thirty_idle_minutes(settings):
    from portal import rules

    assert settings.SESSION_COOKIE_AGE == rules.SESSION_IDLE_TIMEOUT.total_seconds() == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_language_switch_to_english(world, client_for, csrf_post):
    client = client_for(world.teacher_a)
    assert "Elever på din skola" in client.get(HOME).content.decode()
    csrf_post(client, reverse("set_language"), {"language": "en", "next": "/"})
    assert "Pupils at your school" in client.get(HOME).content.decode()


def test_pages_are_swedish_by_default(world, client_for):
    body = client_for(world.teacher_a).get(HOME).content.decode()
    assert '<html lang="sv">' in body


# --- /healthz ------------------------------------------------------------------------


def test_healthz_is_open_and_reports_database_and_broker(client_for):
    response = client_for().get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": True, "broker": True},
    }


def test_healthz_reaches_a_redis_broker(client_for, redis_url):
    from portal.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = redis_url
    try:
        response = client_for().get(reverse("healthz"))
    finally:
        app.conf.broker_url = old
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["broker"] is True


def test_healthz_is_503_when_the_broker_is_unreachable(client_for, settings):
    from portal.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client_for().get(reverse("healthz"))
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": True, "broker": False}


def test_healthz_is_503_when_the_database_is_unreachable(client_for, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client_for().get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"] is False


# --- the admin -----------------------------------------------------------------------


def test_admin_as_anonymous_redirects_to_login(client_for):
    response = client_for().get("/admin/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "persona",
    ["teacher_a", "principal_a", "social_kungsholmen", "manager_kungsholmen", "log_reviewer"],
)
def test_admin_is_refused_to_everyone_but_administrators(world, client_for, persona):
    user = getattr(world, persona)
    user.is_staff = True  # even a staff flag set by mistake does not open it
    user.save()
    response = client_for(user).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_without_the_administrator_role_is_refused(world, client_for):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(root).get("/admin/")
    assert response.status_code == 302


def test_admin_manages_organisation_but_never_case_contents(world, client_for):
    from django.contrib.auth.models import Permission

    world.admin.user_permissions.add(*Permission.objects.all())
    client = client_for(world.admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    from django.contrib import admin

    registered = {model._meta.app_label for model in admin.site._registry}
    assert registered.isdisjoint({"cases", "referrals", "consent", "auditlog"})
    assert client.get("/admin/portal/unit/").status_code == 200
    assert client.get("/admin/portal/membership/").status_code == 200


def test_swedish_even_when_the_browser_asks_for_english(world, client_for):
    response = client_for(world.teacher_a).get(HOME, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Elever på din skola" in response.content.decode()
    assert response["Content-Language"] == "sv"


def test_an_unknown_language_cookie_falls_back_to_swedish(world, client_for):
    client = client_for(world.teacher_a)
    client.cookies["django_language"] = "xx"
    assert "Elever på din skola" in client.get(HOME).content.decode()


def test_pages_carry_a_strict_content_security_policy(world, client_for):
    response = client_for(world.teacher_a).get(HOME)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
