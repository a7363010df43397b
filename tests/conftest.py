"""Personas for the whole suite, like healthchecks' alice, bob and charlie.

Two districts (Kungsholmen, Södermalm), a school in each, an intake unit in
each, and one person per role. Tests log in as a persona and assert what that
person may and may not see.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client

from portal.models import Unit
from portal.roles import Role
from tests.factories import (
    DistrictFactory,
    GuardianshipFactory,
    MembershipFactory,
    StudentFactory,
    UnitFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: Set by .ci/run for the PostgreSQL + Redis pass: any skip there is a failure.
SERVICES_REQUIRED = os.environ.get("SAMVERKAN_SERVICES_REQUIRED") == "1"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def need_service(name: str, available: bool) -> None:
    """Skip a test whose service is missing on a laptop; fail it in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is not reachable")
    pytest.skip(f"{name} is not reachable")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if SERVICES_REQUIRED and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in the pass that requires every service: {report.longrepr}"


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis: REDIS_URL, or the standard local port."""
    import redis

    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        reachable = True
    except redis.RedisError:
        reachable = False
    need_service(f"Redis at {url}", reachable)
    return url


@pytest.fixture(autouse=True)
def _dashboard_helpers_stopped():
    """The threads that count a dashboard's panels keep their connections from
    view to view: stopped after each test, so that none outlives its database."""
    yield
    from portal import dashboard_figures

    dashboard_figures.stop_helpers()


@pytest.fixture
def postgres(db):
    """The test database is PostgreSQL. The SQLite pass skips these tests; the
    PostgreSQL pass of CI runs them and fails on any skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if SERVICES_REQUIRED:
            pytest.fail("this pass must run on PostgreSQL (DATABASE_URL)")
        pytest.skip("runs in the PostgreSQL pass (set DATABASE_URL)")
    return connection


@dataclass
class World:
    kungsholmen: object
    sodermalm: object
    school_a: Unit
    school_b: Unit
    intake_kungsholmen: Unit
    intake_sodermalm: Unit
    investigation_kungsholmen: Unit
    district_office_kungsholmen: Unit
    city: Unit
    teacher_a: object
    teacher_b: object
    principal_a: object
    principal_b: object
    health_a: object
    social_kungsholmen: object
    social_sodermalm: object
    sip_kungsholmen: object
    manager_kungsholmen: object
    manager_sodermalm: object
    admin: object
    log_reviewer: object
    nobody: object
    pupil_a: object
    pupil_a_lives_sodermalm: object
    pupil_b: object

    def personas(self) -> dict[str, object]:
        return {
            name: getattr(self, name)
            for name in (
                "teacher_a",
                "teacher_b",
                "principal_a",
                "principal_b",
                "health_a",
                "social_kungsholmen",
                "social_sodermalm",
                "sip_kungsholmen",
                "manager_kungsholmen",
                "manager_sodermalm",
                "admin",
                "log_reviewer",
                "nobody",
            )
        }


def _person(username, role, unit):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    kungsholmen = DistrictFactory(code="kungsholmen", name="Kungsholmen")
    sodermalm = DistrictFactory(code="sodermalm", name="Södermalm")
    school_a = UnitFactory(code="school-a", name="Skola A", district=kungsholmen)
    school_b = UnitFactory(code="school-b", name="Skola B", district=sodermalm)
    social = {
        (d.code, kind): UnitFactory(
            code=f"{d.code}-{kind}", name=f"{kind} {d.name}", kind=kind, district=d
        )
        for d in (kungsholmen, sodermalm)
        for kind in (Unit.Kind.SOCIAL_INTAKE, Unit.Kind.SOCIAL_INVESTIGATION)
    }
    office_k = UnitFactory(
        code="kungsholmen-sdf",
        name="Kungsholmen SDF",
        kind=Unit.Kind.DISTRICT_OFFICE,
        district=kungsholmen,
    )
    office_s = UnitFactory(
        code="sodermalm-sdf",
        name="Södermalm SDF",
        kind=Unit.Kind.DISTRICT_OFFICE,
        district=sodermalm,
    )
    city = UnitFactory(code="city", name="Stockholms stad", kind=Unit.Kind.CITY, district=None)
    admin = _person("admin", Role.ADMINISTRATOR, city)
    admin.is_staff = True
    admin.save()
    return World(
        kungsholmen=kungsholmen,
        sodermalm=sodermalm,
        school_a=school_a,
        school_b=school_b,
        intake_kungsholmen=social[("kungsholmen", Unit.Kind.SOCIAL_INTAKE)],
        intake_sodermalm=social[("sodermalm", Unit.Kind.SOCIAL_INTAKE)],
        investigation_kungsholmen=social[("kungsholmen", Unit.Kind.SOCIAL_INVESTIGATION)],
        district_office_kungsholmen=office_k,
        city=city,
        teacher_a=_person("larare_a", Role.SCHOOL_STAFF, school_a),
        teacher_b=_person("larare_b", Role.SCHOOL_STAFF, school_b),
        principal_a=_person("rektor_a", Role.PRINCIPAL, school_a),
        principal_b=_person("rektor_b", Role.PRINCIPAL, school_b),
        health_a=_person("kurator_a", Role.STUDENT_HEALTH, school_a),
        social_kungsholmen=_person(
            "socsek_kungsholmen",
            Role.SOCIAL_WORKER,
            social[("kungsholmen", Unit.Kind.SOCIAL_INTAKE)],
        ),
        social_sodermalm=_person(
            "socsek_sodermalm", Role.SOCIAL_WORKER, social[("sodermalm", Unit.Kind.SOCIAL_INTAKE)]
        ),
        sip_kungsholmen=_person(
            "sip_kungsholmen",
            Role.SIP_COORDINATOR,
            social[("kungsholmen", Unit.Kind.SOCIAL_INVESTIGATION)],
        ),
        manager_kungsholmen=_person("chef_kungsholmen", Role.MANAGER, office_k),
        manager_sodermalm=_person("chef_sodermalm", Role.MANAGER, office_s),
        admin=admin,
        log_reviewer=_person("loggranskare", Role.LOG_REVIEWER, city),
        nobody=UserFactory(username="utan_roll"),
        # The pupils' names are ones no generated staff name can take, so a
        # test that a page does not name a pupil cannot pass or fail by chance.
        pupil_a=GuardianshipFactory(
            student=StudentFactory(
                school_unit=school_a,
                home_district=kungsholmen,
                first_name="Idunn",
                last_name="Ekebergsdal",
            )
        ).student,
        pupil_a_lives_sodermalm=StudentFactory(
            school_unit=school_a, home_district=sodermalm, last_name="Hornsbergsman"
        ),
        pupil_b=StudentFactory(
            school_unit=school_b, home_district=sodermalm, last_name="Ringvidsén"
        ),
    )


def verify_two_factor(client: Client, user) -> None:
    """Give ``user`` a confirmed authenticator app and mark the client's session as
    having passed it, the way ``django_otp.login`` does after a right code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client_for():
    """A CSRF-enforcing client logged in as the given user (None: anonymous). A user
    whose role requires two-factor login gets a session that has passed it."""
    from portal.access import forget_scope
    from portal.two_factor import requires_two_factor

    def make(user=None) -> Client:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
            if requires_two_factor(user):
                verify_two_factor(client, user)
            forget_scope(user)
        return client

    return make


@pytest.fixture
def csrf_post():
    """POST with a valid CSRF token, as a browser that loaded the form would."""

    def post(client: Client, url: str, data: dict | None = None, **extra):
        for page in ("/login/", "/"):
            if "csrftoken" in client.cookies:
                break
            client.get(page)
        token = client.cookies["csrftoken"].value
        return client.post(url, data or {}, HTTP_X_CSRFTOKEN=token, **extra)

    return post


@pytest.fixture
def file_concern():
    """File a concern through the real services, as a school reporter would."""
    from referrals import services

    def file(reporter, student, **overrides):
        draft = services.draft_start(author=reporter, student=student)
        fields = {
            "categories": ["mental_ill_health"],
            "worry": "Eleven verkar mycket nedstämd.",
            "relation": "Mentor",
        }
        fields.update(overrides)
        return services.concern_submit(reporter=reporter, draft=draft, **fields)

    return file


@pytest.fixture
def send_due_reminders(django_capture_on_commit_callbacks):
    """Run one sweep as beat would, and send what it claims at once, in-process (what
    the worker does with the queued task). Returns how many rows were claimed."""
    from portal import reminders

    def run(now=None) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reminders_sweep(
                now=now,
                dispatch=lambda ids, token: reminders.reminders_send_batch(
                    ids=ids, claim_token=token
                ),
            )

    return run
