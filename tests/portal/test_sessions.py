"""Sessions: a new key at login, 30 minutes idle, and at most SESSION_ABSOLUTE_SECONDS
from login however busy."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone, translation

from portal.sessions import LOGIN_AT_SESSION_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_logging_in_gives_the_session_a_new_key(world, client_for, csrf_post):
    client = client_for()
    session = client.session
    session["before_login"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = csrf_post(
        client, "/login/", {"username": world.teacher_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert client.session[LOGIN_AT_SESSION_KEY] == pytest.approx(timezone.now().timestamp(), abs=60)


def test_the_default_absolute_limit_is_ten_hours():
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def test_a_busy_session_ends_at_the_absolute_limit(world, client_for, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(world.teacher_a)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
        # A request every 20 minutes keeps the idle timeout away for 9 hours 40…
        for _ in range(29):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        # …and past 10 hours from login the session is over all the same.
        clock.shift(datetime.timedelta(minutes=21))
        with translation.override("en"):
            response = client.get("/referrals/mine/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/referrals/mine/"
        with translation.override("en"):
            page = client.get(response["Location"])
        assert b"a login lasts a working day at most" in page.content
        assert "_auth_user_id" not in client.session
        assert client.get("/")["Location"].startswith("/login/")


def test_the_limit_is_counted_from_login_not_from_the_last_request(world, client_for, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(world.teacher_a)
        for _ in range(2):
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=11))
        assert client.get("/")["Location"].startswith("/login/")


def test_a_verified_session_ends_too(world, client_for, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(world.social_kungsholmen)
        assert client.get("/pupils/").status_code == 200
        clock.shift(datetime.timedelta(minutes=61))
        assert client.get("/pupils/")["Location"].startswith("/login/")


def test_a_session_without_a_login_time_is_ended(world, client_for):
    client = client_for(world.teacher_a)
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()
    assert client.get("/")["Location"].startswith("/login/")


def test_htmx_requests_are_sent_to_login_with_a_full_page_load(world, client_for, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(world.teacher_a)
        clock.shift(datetime.timedelta(minutes=2))
        response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/login/")


def test_the_idle_timeout_is_thirty_minutes_and_cookies_are_safe():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31536000
