"""Browser journeys: Playwright drives Debian's Chromium against a live server.

Chromium (/usr/bin/chromium) and axe-core (fetched from the npm registry into
.cache/axe-core by `make e2e-deps`) are needed; a laptop without them skips
these tests, CI installs them and fails if they are missing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import need_service

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = ROOT / ".cache" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "samverkan-demo"
#: Demo users whose role requires two-factor login, given an authenticator app by the
#: `demo` fixture (DEBUG is off there, so demo users are not exempt). The log
#: reviewer sets one up through the pages in a journey of its own.
TWO_FACTOR_USERS = ("socsek_kungsholmen", "socsek_sodermalm", "sip_kungsholmen", "admin")
#: Findings below "serious" from every page checked, reported at the end of the run.
MINOR_FINDINGS: list[tuple[str, str, str, str]] = []
PAGES_CHECKED: list[str] = []


@pytest.fixture(scope="session")
def browser():
    need_service("Chromium at /usr/bin/chromium", CHROMIUM.exists())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but answering one request at a time.

    On SQLite the tests' in-memory database is one connection shared with the
    server thread. The threaded server would run two requests from the browser
    (an htmx autosave and the form's submit, say) on that one connection at the
    same time, interleaving their transactions. One request at a time keeps
    the browser journeys deterministic on both databases.
    """
    from django.core.servers.basehttp import WSGIServer
    from pytest_django.live_server_helper import LiveServer

    class OneAtATime(WSGIServer):
        # The server thread itself already holds the shared connections.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
    server = LiveServer(addr or "localhost", start=False)
    server.thread.server_class = OneAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture
def demo(transactional_db, settings):
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    settings.DEBUG = False
    call_command("seed_demo", "--force", verbosity=0)
    for user in User.objects.filter(username__in=TWO_FACTOR_USERS):
        TOTPDevice.objects.create(user=user, name="Demo phone", confirmed=True)


def code_from_key(key_text: str) -> str:
    """What an authenticator app shows now for a key typed in by hand."""
    import base64

    from django_otp.oath import totp

    return f"{totp(base64.b32decode(key_text.replace(' ', ''))):06d}"


def current_code(username: str) -> str:
    """The code the user's authenticator app would show now.

    The server accepts one step either side of its clock but never a step it has
    already accepted, so a second login within the same 30 seconds answers with the
    next step's code (or waits for it)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = totp.t()
        wanted = max(now, device.last_t + 1)
        if wanted - now <= device.tolerance:
            totp.drift += wanted - now
            return f"{totp.token():0{device.digits}d}"
        time.sleep(1)
        device.refresh_from_db()


class Person:
    """One user in one browser context."""

    def __init__(self, browser, live_server, username, *, width=1280, height=900):
        self.base = live_server.url
        self.username = username
        self.context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            # axe-core is injected as an inline script, which the portal's CSP forbids.
            bypass_csp=True,
        )
        self.page = self.context.new_page()
        self.axe_results = []
        self.recovery_codes: list[str] = []

    def go(self, path):
        response = self.page.goto(self.base + path)
        return response

    def login(self):
        self.go("/login/")
        if not any(page.endswith(": login") for page in PAGES_CHECKED):
            violations = self.axe("login")
            assert violations == [], ("login", violations)
        self.page.fill("#id_username", self.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/login/" not in url)
        if "/security/verify/" in self.page.url:
            self.verify_code()
        elif "/security/setup/" in self.page.url:
            self.set_up_two_factor()
        self.page.wait_for_url(self.base + "/")
        return self

    def set_up_two_factor(self):
        """A user whose role requires two-factor login and who has no app yet: type
        the key shown into an "app", confirm its code, and keep the recovery codes."""
        key = self.page.locator("#two-factor-secret").inner_text()
        self.page.fill("#id_code", code_from_key(key))
        self.page.click("#two-factor-setup button[type=submit]")
        self.page.wait_for_url(lambda url: "/security/recovery-codes/" in url)
        self.recovery_codes = self.page.locator("#recovery-codes code").all_inner_texts()
        self.page.click("main a.button")

    def verify_code(self):
        """The second step of login: the code from the user's authenticator app."""
        if not any(page.endswith(": two-factor verify") for page in PAGES_CHECKED):
            violations = self.axe("two-factor verify")
            assert violations == [], ("two-factor verify", violations)
        self.page.fill("#id_code", current_code(self.username))
        self.page.click("main button[type=submit]")

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.username}-{name}.png"), full_page=True)

    def axe(self, label):
        """Run axe-core on the page; return serious and critical violations."""
        need_service("axe-core in .cache/axe-core (make e2e-deps)", AXE.exists())
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        serious = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        PAGES_CHECKED.append(f"{self.username}: {label}")
        for v in result["violations"]:
            if v["impact"] not in ("serious", "critical"):
                MINOR_FINDINGS.append((self.username, label, v["id"], v["impact"] or "minor"))
        return serious

    def close(self):
        self.context.close()


@pytest.fixture
def person(browser, live_server, demo):
    opened = []

    def make(username, **kwargs):
        p = Person(browser, live_server, username, **kwargs)
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


def pytest_terminal_summary(terminalreporter):
    """List what axe found below "serious", so a reviewer sees it in CI's output."""
    if not PAGES_CHECKED:
        return
    terminalreporter.section("axe-core findings below serious")
    terminalreporter.write_line(
        f"{len(PAGES_CHECKED)} pages checked; {len(set(MINOR_FINDINGS))} findings below serious"
    )
    for username, label, rule, impact in sorted(set(MINOR_FINDINGS)):
        terminalreporter.write_line(f"{impact:9} {rule:32} {username}: {label}")
