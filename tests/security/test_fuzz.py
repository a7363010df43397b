"""Hostile input to every form and every query parameter: never a 5xx, nothing
half-saved on a refused post, and what was typed always comes back escaped.

The forms are found on the pages themselves: each persona's pages are loaded and
every ``<form method="post">`` on them is posted to with hostile values in each of
its fields. Uploads get oversized and wrong-type files.
"""

from __future__ import annotations

import datetime
import logging
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import rules
from tests import conftest
from tests.security.world import build_world

SCRIPT = "<script>alert('xss')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE cases_student; --",
    "1 OR 1=1",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\u202eevil\u202c",
    "\u200b\ufeff",
    "😀🧨👩‍👩‍👧",
    "x" * 100_000,
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "19000101-0000",
    "121212-121X",
    "20120229-9999",
    "2026-02-30",
    "9999-99-99",
    "0000-00-00T25:61",
    "../../etc/passwd",
    "%00%2e%2e/",
    "",
    " ",
]

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
)
FUZZ = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

#: Tables a refused post may write to: the access log and the session.
LOG_TABLES = {
    "portal.accesslog",
    "portal.accesslogsubject",
    "sessions.session",
    "auditlog.logentry",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def row_counts() -> dict[str, int]:
    """Rows per table of the project's own apps, except the logs every request writes."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in LOG_TABLES or model._meta.app_label not in {
            "portal",
            "cases",
            "referrals",
            "consent",
            "forums",
        }:
            continue
        counts[label] = model._default_manager.count()
    return counts


class _Forms(HTMLParser):
    """The POST forms of a page: action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}, "files": set()}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            if attrs.get("type") == "file":
                self._current["files"].add(name)
            else:
                self._current["fields"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_on(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        form["action"] = form["action"] or url
    return parser.forms


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at the end; each request in a savepoint."""
    refusals = logging.getLogger("django.request")
    level = refusals.level
    refusals.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), transaction.atomic():
        world, sides, _admin = build_world()
        make_client = conftest.client_for.__wrapped__()
        yield world, sides["A"], make_client
        transaction.set_rollback(True)
    refusals.setLevel(level)


def _pages(world, a):
    """Each persona and the pages whose forms it may post."""
    pupil = a.pupil.pk
    return {
        world.teacher_a: [
            reverse("referrals:concern_start"),
            reverse("referrals:concern_write", args=[a.draft.token]),
            reverse("referrals:concern_detail", args=[a.concern.pk]),
            reverse("cases:absence_new", args=[pupil]),
            reverse("cases:absence_import"),
            reverse("cases:meeting_detail", args=[a.meeting.pk]),
            reverse("notification_settings"),
        ],
        world.principal_a: [
            reverse("cases:student_create"),
            reverse("referrals:suspension_new"),
            reverse("cases:placement_new", args=[pupil]),
            reverse("cases:placement_start", args=[a.placement.pk]),
            reverse("cases:absence_investigation_close", args=[a.absence_investigation.pk]),
            reverse("consent:consent_new", args=[pupil]),
            reverse("consent:override_new", args=[pupil]),
            reverse("consent:consent_withdraw", args=[a.consent.pk]),
        ],
        world.social_kungsholmen: [
            reverse("referrals:case", args=[a.concern.pk]),
            reverse("referrals:concern_register"),
            reverse("referrals:information_request_new", args=[a.investigation.pk]),
            reverse("cases:insats_new", args=[pupil]),
            reverse("cases:insats_edit", args=[a.insats.pk]),
        ],
        world.manager_kungsholmen: [
            reverse("forums:detail", args=[a.forum.pk]),
            reverse("forums:meeting_new", args=[a.forum.pk]),
            reverse("forums:meeting_edit", args=[a.forum_meeting.pk]),
            reverse("forums:agreement_new", args=[a.forum.pk]),
        ],
        world.sip_kungsholmen: [
            reverse("cases:sip_detail", args=[a.sip.pk]),
            reverse("cases:meeting_detail", args=[a.meeting.pk]),
            reverse("cases:placement_decide", args=[a.placement.pk]),
        ],
    }


def _post(client, url, data, files=None):
    """POST with a valid CSRF token inside a savepoint that is rolled back; returns the
    response and whether the rows of the project's tables changed."""
    if "csrftoken" not in client.cookies:
        client.get(reverse("login"))
        client.get("/")
    token = client.cookies["csrftoken"].value
    with transaction.atomic():
        before = row_counts()
        response = client.post(url, {**data, **(files or {})}, HTTP_X_CSRFTOKEN=token)
        changed = row_counts() != before
        transaction.set_rollback(True)
    return response, changed


def _check(response, changed, url, data):
    assert response.status_code < 500, (url, data)
    if response.status_code >= 400:
        assert not changed, f"a refused post to {url} saved rows: {data!r}"
    body = response.content.decode(errors="replace") if not response.streaming else ""
    assert SCRIPT not in body, f"{url} echoes a script unescaped"


def _fuzz_form(client, form):
    @FUZZ
    @given(values=st.fixed_dictionaries(dict.fromkeys(sorted(form["fields"]), hostile)))
    def fuzz(values):
        data = {**form["fields"], **values}
        response, changed = _post(client, form["action"], data)
        _check(response, changed, form["action"], data)

    fuzz()


@pytest.mark.django_db
def test_hostile_values_in_every_form(fuzz_world):
    world, a, make_client = fuzz_world
    posted = 0
    for persona, pages in _pages(world, a).items():
        client = make_client(persona)
        for page in pages:
            for form in forms_on(client, page):
                if form["fields"]:
                    _fuzz_form(client, form)
                    posted += 1
    assert posted >= 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"worry": "<script>alert(1)</script>", "categories": ["x"]}'),
        ("text/plain", "worry=x&categories=behaviour"),
        ("application/xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'e'>]><x>&e;</x>"),
        ("multipart/form-data; boundary=broken", "--nope\r\n\r\n"),
    ],
)
def test_a_body_of_the_wrong_content_type_is_refused_without_saving(fuzz_world, content_type, body):
    """A form view reads only form-encoded bodies: anything else is an empty form,
    refused with a 4xx (or, for the CSRF check, 403), never a 5xx, never a save."""
    world, a, make_client = fuzz_world
    for persona, pages in _pages(world, a).items():
        client = make_client(persona)
        client.get("/")
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        for page in pages:
            with transaction.atomic():
                before = row_counts()
                response = client.generic(
                    "POST", page, body, content_type=content_type, HTTP_X_CSRFTOKEN=token
                )
                changed = row_counts() != before
                transaction.set_rollback(True)
            assert response.status_code < 500, (page, content_type)
            if response.status_code >= 400:
                assert not changed, (page, content_type)
            assert SCRIPT not in response.content.decode(errors="replace"), page


QUERY_PAGES = {
    "teacher_a": [
        ("cases:student_list", (), ["q", "page"]),
        ("referrals:concern_start", (), ["q"]),
        ("referrals:concern_mine", (), ["q", "status"]),
        ("consent:consent_new", ("pupil",), ["renews"]),
        ("cases:student_detail", ("pupil",), ["show"]),
    ],
    "social_kungsholmen": [("referrals:inbox", (), ["q", "show"])],
    "manager_kungsholmen": [
        ("dashboard", (), ["period", "year", "quarter", "district", "school_form", "from", "to"]),
    ],
    "log_reviewer": [
        (
            "audit:search",
            (),
            ["username", "personnummer", "date_from", "date_to", "record_kind", "kind", "after"],
        ),
        ("audit:export", (), ["username", "personnummer", "date_from", "date_to", "kind"]),
        ("audit:flags", (), ["date_from", "date_to", "period"]),
        ("audit:pupil_history", ("pupil",), ["after"]),
        ("audit:personal_data_report", ("pupil",), ["date_from", "date_to", "format"]),
        ("consent:override_list", (), ["date_from", "date_to"]),
    ],
}


def _fuzz_query(client, url, params):
    @FUZZ
    @given(query=st.fixed_dictionaries(dict.fromkeys(params, hostile)))
    def fuzz(query):
        with transaction.atomic():
            response = client.get(url, query)
            transaction.set_rollback(True)
        assert response.status_code < 500, (url, query)
        body = "" if response.streaming else response.content.decode(errors="replace")
        assert SCRIPT not in body, f"{url} echoes a script unescaped"

    fuzz()


@pytest.mark.django_db
def test_hostile_query_parameters(fuzz_world):
    world, a, make_client = fuzz_world
    for persona, pages in QUERY_PAGES.items():
        client = make_client(getattr(world, persona))
        for name, args, params in pages:
            _fuzz_query(client, reverse(name, args=[a.pupil.pk for _ in args]), params)


# --- uploads ------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _consent_data(world):
    today = datetime.date.today()
    return {
        "pupil_gives": "on",
        "guardians": [g.pk for g in world.pupil_a.guardians.all()],
        "parties": [world.school_a.pk],
        "categories": ["sip_plan"],
        "purpose": "Samordna stödet.",
        "valid_from": today.isoformat(),
        "valid_to": (today + datetime.timedelta(days=30)).isoformat(),
        "form": "written",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("samtycke.pdf", b"%PDF" + b"0" * (rules.CONSENT_SCAN_MAX_BYTES + 1), "application/pdf"),
        ("samtycke.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("samtycke.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
        ("samtycke.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        ("samtycke.png", PDF, "image/png"),
        ("samtycke.pdf", b"", "application/pdf"),
    ],
)
def test_consent_scan_refuses_oversized_and_wrong_type_files(
    fuzz_world, name, content, content_type
):
    world, a, make_client = fuzz_world
    client = make_client(world.principal_a)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    url = reverse("consent:consent_new", args=[a.pupil.pk])
    response, changed = _post(client, url, _consent_data(world), {"scan": upload})
    assert response.status_code == 400
    assert not changed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("franvaro.csv", b"personnummer;from;to;total\n" * (rules.ABSENCE_IMPORT_MAX_BYTES // 20)),
        ("franvaro.csv", b"\x00\xff\xfe" * 100),
        ("franvaro.csv", b"=cmd|' /C calc'!A0;2026-01-01;2026-01-31;50\n"),
        ("franvaro.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("franvaro.csv", b""),
    ],
)
def test_absence_import_refuses_oversized_and_malformed_files(fuzz_world, name, content):
    world, a, make_client = fuzz_world
    client = make_client(world.teacher_a)
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response, changed = _post(client, reverse("cases:absence_import"), {}, {"file": upload})
    assert 400 <= response.status_code < 500
    assert not changed


@pytest.mark.django_db
def test_a_stored_scan_is_served_only_through_the_permission_check(fuzz_world):
    """The file name is random, no URL serves the media folder, and the document view
    answers only the recording side (the matrix covers every persona)."""
    world, a, make_client = fuzz_world
    name = a.consent.scan.name
    assert name.startswith("consents/") and len(name.split("/")[-1].split(".")[0]) == 32
    media_url = (django_settings.MEDIA_URL or "/media/").rstrip("/")
    for stored in (name, a.information_attachment.file.name):
        for who in (world.admin, world.principal_a, world.teacher_b):
            client = make_client(who)
            assert client.get(f"{media_url}/{stored}").status_code == 404
            assert client.get(f"/{stored}").status_code == 404
    document = reverse("consent:consent_document", args=[a.consent.pk])
    response = make_client(world.principal_a).get(document)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert make_client(world.teacher_b).get(document).status_code == 404
    assert make_client(None).get(document).status_code == 302
