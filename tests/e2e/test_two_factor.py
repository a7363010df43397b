"""Two-factor login in the browser: a log reviewer sets up an authenticator app
from the QR page (reading the key as a phone would), saves the recovery codes, and
logs in again with one of them."""

import re

import pytest

from tests.e2e.conftest import PASSWORD, code_from_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _password_step(person):
    person.go("/login/")
    person.page.fill("#id_username", person.username)
    person.page.fill("#id_password", PASSWORD)
    person.page.click("main button[type=submit]")


def test_log_reviewer_sets_up_two_factor_login_and_uses_a_recovery_code(person):
    reviewer = person("loggranskare")
    page = reviewer.page
    _password_step(reviewer)
    # The role requires two-factor login: every page leads to the set-up page.
    page.wait_for_url(re.compile(r"/security/setup/$"))
    reviewer.go("/audit/")
    assert page.url.endswith("/security/setup/")
    assert page.locator("figure.qr-code svg[role=img]").is_visible()
    violations = reviewer.axe("two-factor setup")
    assert violations == [], ("two-factor setup", violations)
    reviewer.shot("two-factor-setup")

    key = page.locator("#two-factor-secret").inner_text()
    page.fill("#id_code", code_from_key(key))
    page.click("#two-factor-setup button[type=submit]")
    page.wait_for_url(re.compile(r"/security/recovery-codes/$"))
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    violations = reviewer.axe("recovery codes")
    assert violations == [], ("recovery codes", violations)
    page.click("main a.button")
    page.wait_for_url(reviewer.base + "/")
    reviewer.go("/audit/")
    assert page.url.endswith("/audit/")

    page.click('header form[action="/logout/"] button')
    page.wait_for_url(re.compile(r"/login/"))
    _password_step(reviewer)
    page.wait_for_url(re.compile(r"/security/verify/"))
    page.fill("#id_code", codes[0])
    page.click("#two-factor-verify button[type=submit]")
    page.wait_for_url(reviewer.base + "/")

    from portal import two_factor
    from portal.models import User

    assert two_factor.recovery_codes_left(User.objects.get(username="loggranskare")) == 9


def test_a_teacher_finds_two_factor_login_offered_on_the_security_page(person):
    teacher = person("larare_a").login()
    teacher.page.click("header a[href='/security/']")
    teacher.page.wait_for_url(re.compile(r"/security/$"))
    violations = teacher.axe("security")
    assert violations == [], ("security", violations)
    teacher.page.click("main a[href='/security/setup/']")
    teacher.page.wait_for_url(re.compile(r"/security/setup/$"))
    assert teacher.page.locator("#two-factor-secret").is_visible()
