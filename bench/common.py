"""What the city-scale benchmarks share: Django set up against the benchmark
database, the personas picked from the generated city, and logged-in clients."""

from __future__ import annotations

import importlib
import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samverkan_scale"


def setup_django() -> None:
    """Production settings (DEBUG off) against ``DATABASE_URL``; only what a test
    client on this machine needs is relaxed (host name, no HTTPS redirect). The
    static files are collected (hashed names, as in production) under
    bench/results/var/."""
    sys.path.insert(0, str(ROOT))
    bench_environment()
    # As a gunicorn worker starts: Django set up, then what it loaded frozen out of
    # the garbage collector's sight (portal/wsgi.py).
    importlib.import_module("portal.wsgi")
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    if not Path(staticfiles_storage.location, "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def bench_environment() -> dict:
    """The environment the benchmarks run the portal with (also for gunicorn)."""
    os.environ.setdefault("SAMVERKAN_VAR_DIR", str(RESULTS / "var"))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    return dict(os.environ)


def cpu_reference_ms(runs: int = 7) -> float:
    """The median time of a fixed piece of pure-Python work (escaping and joining
    strings, a dict per row, as a page does): a yardstick for the machine's speed at
    the time of a run, so that runs on a busier or slower machine can be told apart."""
    import html

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = [{"id": i, "name": f"Elev {i} <{i % 7}>"} for i in range(20_000)]
        "".join(f"<td>{html.escape(r['name'])}</td>" for r in rows)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(statistics.median(ms), 1),
        "p95": round(percentile(ms, 0.95), 1),
        "max": round(max(ms), 1),
    }


@dataclass
class Personas:
    teacher: object
    principal: object
    social_worker: object
    sip_coordinator: object
    manager: object
    city_manager: object
    log_reviewer: object
    district: object
    school: object

    def items(self):
        return [
            ("teacher", self.teacher),
            ("principal", self.principal),
            ("intake social worker", self.social_worker),
            ("SIP coordinator", self.sip_coordinator),
            ("district manager", self.manager),
            ("city manager", self.city_manager),
            ("log reviewer", self.log_reviewer),
        ]


def pick_personas() -> Personas:
    """The busiest district and its biggest school, and one person per role there."""
    from django.db.models import Count

    from cases.models import Student
    from portal.models import District, Membership, Unit
    from portal.organisation import district_office_code
    from portal.roles import Role
    from referrals.models import Concern

    busiest = (
        Concern.objects.values("intake_unit__district_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        raise SystemExit("The database has no concerns: run `manage.py seed_scale` first.")
    district = District.objects.get(pk=busiest["intake_unit__district_id"])
    school_row = (
        Student.objects.filter(
            school_unit__district=district, school_unit__school_form="grundskola"
        )
        .values("school_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    school = Unit.objects.get(pk=school_row["school_unit_id"])

    def member(role, **unit_filter):
        membership = (
            Membership.objects.filter(role=role, **unit_filter)
            .select_related("user")
            .order_by("user_id")
            .first()
        )
        if membership is None:
            raise SystemExit(f"No {role} in {unit_filter}: generate a larger city.")
        return membership.user

    teacher_row = (
        Concern.objects.filter(
            reporting_unit=school,
            reporter__memberships__role=Role.SCHOOL_STAFF,
            reporter__memberships__unit=school,
        )
        .values("reporter_id")
        .annotate(n=Count("id"))
        .order_by("-n", "reporter_id")
        .first()
    )
    teacher = (
        Membership.objects.get(user_id=teacher_row["reporter_id"], unit=school).user
        if teacher_row
        else member(Role.SCHOOL_STAFF, unit=school)
    )
    return Personas(
        teacher=teacher,
        principal=member(Role.PRINCIPAL, unit=school),
        social_worker=member(
            Role.SOCIAL_WORKER, unit__district=district, unit__kind=Unit.Kind.SOCIAL_INTAKE
        ),
        sip_coordinator=member(Role.SIP_COORDINATOR, unit__district=district),
        manager=member(Role.MANAGER, unit__code=district_office_code(district.code)),
        city_manager=member(Role.MANAGER, unit__kind=Unit.Kind.CITY),
        log_reviewer=member(Role.LOG_REVIEWER),
        district=district,
        school=school,
    )


def logged_in_client(user):
    """A test client with ``user`` logged in; a role that must use two-factor login
    gets a session that has passed it (as tests/conftest.py ``client_for`` does)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def verify_second_factor(client, user) -> None:
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from portal.two_factor import requires_two_factor
    except ImportError:
        return
    from portal.access import forget_scope

    if not requires_two_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    forget_scope(user)
