"""Server-side latency and query counts of the main pages, as six personas, on the
city-scale database; and the naive django-guardian filtering beside the
project's selectors on the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_scale \\
        .venv/bin/python bench/pages.py [--requests 50] [--warmup 5] [--skip-guardian]

Each page is requested in-process through Django's test client (the whole
middleware stack, the access log included, DEBUG off): a few warm-up requests,
one with the queries captured, then ``--requests`` timed ones. Prints a table
and writes the figures as JSON to bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    RESULTS,
    cpu_reference_ms,
    logged_in_client,
    pick_personas,
    setup_django,
    summary_ms,
)

#: p95 targets in milliseconds by kind of page.
TARGETS = {"list": 50, "detail": 50, "dashboard": 150}


#: Settings for a page measured with no dashboard figures kept.
COUNTED_EACH_VIEW = {"DASHBOARD_FIGURES_MAX_AGE": 0}


def pages_for(personas) -> list[tuple]:
    """(persona, user, page, url, kind[, settings]) for every main page."""
    from django.urls import reverse

    from cases.models import SipPlan, Student
    from referrals.models import Concern, Investigation
    from referrals.selectors import inbox_for

    p = personas
    school_pupil = (
        Concern.objects.filter(student__school_unit=p.school)
        .order_by("-received_at")
        .values_list("student_id", flat=True)
        .first()
    )
    school_concern = (
        Concern.objects.filter(reporter=p.teacher).order_by("-received_at").values("id").first()
    )
    first_open = inbox_for(p.social_worker).values_list("id", flat=True).first()
    social_pupil_id = (
        Investigation.objects.filter(
            unit__district=p.district, closed_on__isnull=True, concern__isnull=False
        )
        .order_by("-started_on")
        .values_list("student_id", flat=True)
        .first()
    )
    social_pupil = Student.objects.get(pk=social_pupil_id)
    plan = (
        SipPlan.objects.filter(convenor_unit__district=p.district, status="active")
        .order_by("-created_at")
        .first()
    )
    pupil_url = reverse("cases:student_detail", args=[school_pupil])
    concern_url = reverse("referrals:concern_detail", args=[school_concern["id"]])
    search = f"{reverse('cases:student_list')}?q={social_pupil.last_name}"
    pages = [
        ("teacher", p.teacher, "home", reverse("home"), "list"),
        ("teacher", p.teacher, "pupil list", reverse("cases:student_list"), "list"),
        ("teacher", p.teacher, "pupil search", search, "list"),
        ("teacher", p.teacher, "pupil page", pupil_url, "detail"),
        ("teacher", p.teacher, "my reports", reverse("referrals:concern_mine"), "list"),
        ("teacher", p.teacher, "concern page", concern_url, "detail"),
        ("principal", p.principal, "home", reverse("home"), "list"),
        ("principal", p.principal, "pupil list", reverse("cases:student_list"), "list"),
        ("principal", p.principal, "pupil page", pupil_url, "detail"),
        ("principal", p.principal, "school's reports", reverse("referrals:concern_mine"), "list"),
        ("principal", p.principal, "concern page", concern_url, "detail"),
    ]
    sw = p.social_worker
    inbox = reverse("referrals:inbox")
    pages += [
        ("intake social worker", sw, "home", reverse("home"), "list"),
        ("intake social worker", sw, "inbox", inbox, "list"),
        ("intake social worker", sw, "inbox search", f"{inbox}?q={social_pupil.last_name}", "list"),
        ("intake social worker", sw, "inbox decided", f"{inbox}?show=decided", "list"),
        (
            "intake social worker",
            sw,
            "case page",
            reverse("referrals:case", args=[first_open]),
            "detail",
        ),
        ("intake social worker", sw, "pupil list", reverse("cases:student_list"), "list"),
        ("intake social worker", sw, "pupil search", search, "list"),
        (
            "intake social worker",
            sw,
            "pupil page",
            reverse("cases:student_detail", args=[social_pupil.pk]),
            "detail",
        ),
    ]
    sip = p.sip_coordinator
    pages += [
        ("SIP coordinator", sip, "home", reverse("home"), "list"),
        ("SIP coordinator", sip, "SIP list", reverse("cases:sip_list"), "list"),
        ("SIP coordinator", sip, "pupil list", reverse("cases:student_list"), "list"),
    ]
    if plan is not None:
        pages += [
            (
                "SIP coordinator",
                sip,
                "SIP page",
                reverse("cases:sip_detail", args=[plan.pk]),
                "detail",
            ),
            (
                "SIP coordinator",
                sip,
                "pupil page",
                reverse("cases:student_detail", args=[plan.student_id]),
                "detail",
            ),
        ]
    audit = reverse("audit:search")
    last_year = datetime.date.today().year - 1
    chosen_year = f"period=custom&start={last_year}-01-01&end={last_year}-12-31"
    pages += [
        ("district manager", p.manager, "home (worklist)", reverse("home"), "dashboard"),
        ("district manager", p.manager, "dashboard", reverse("dashboard"), "dashboard"),
        ("city manager", p.city_manager, "home (worklist)", reverse("home"), "dashboard"),
        ("city manager", p.city_manager, "dashboard", reverse("dashboard"), "dashboard"),
        # The same views with nothing kept: every view counts (portal.dashboard_figures).
        (
            "district manager",
            p.manager,
            "dashboard, counted",
            reverse("dashboard"),
            "dashboard",
            COUNTED_EACH_VIEW,
        ),
        (
            "city manager",
            p.city_manager,
            "dashboard, counted",
            reverse("dashboard"),
            "dashboard",
            COUNTED_EACH_VIEW,
        ),
        # The longest named period, and chosen dates with a filter, counted on every view.
        (
            "city manager",
            p.city_manager,
            "year, counted",
            f"{reverse('dashboard')}?period=year",
            "dashboard",
            COUNTED_EACH_VIEW,
        ),
        (
            "city manager",
            p.city_manager,
            "chosen year+category",
            f"{reverse('dashboard')}?{chosen_year}&category=violence_home",
            "dashboard",
            COUNTED_EACH_VIEW,
        ),
        ("log reviewer", p.log_reviewer, "home", reverse("home"), "list"),
        ("log reviewer", p.log_reviewer, "audit search", f"{audit}?kind=view", "list"),
        (
            "log reviewer",
            p.log_reviewer,
            "audit search by user",
            f"{audit}?username={p.teacher.username}",
            "list",
        ),
        (
            "log reviewer",
            p.log_reviewer,
            "audit search by pupil",
            f"{audit}?personnummer={social_pupil.personnummer}",
            "list",
        ),
        (
            "log reviewer",
            p.log_reviewer,
            "pupil's access history",
            reverse("audit:pupil_history", args=[school_pupil]),
            "list",
        ),
    ]
    return pages


def measure_page(
    client, url: str, *, warmup: int, requests: int, budget: float, show_queries: bool = False
) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    for _ in range(warmup):
        response = client.get(url)
    # Counted on the request's connection alone, so that every query is seen (a
    # dashboard counts its panels on several connections otherwise).
    single = override_settings(DASHBOARD_COUNTING_CONNECTIONS=1)
    with single, CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    status = response.status_code
    queries = len(captured.captured_queries)
    if show_queries:
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        for query in slowest[:8]:
            print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
    times = []
    started = time.monotonic()
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        if response.status_code != status:
            status = response.status_code
        if time.monotonic() - started > budget and len(times) >= 5:
            break
    return {"status": status, "queries": queries, **summary_ms(times)}


def run_pages(personas, args) -> list[dict]:
    from django.test.utils import override_settings

    clients = {}
    results = []
    for persona, user, page, url, kind, *changed in pages_for(personas):
        client = clients.get(user.pk) or logged_in_client(user)
        clients[user.pk] = client
        if args.only and args.only not in f"{persona}: {page}":
            continue
        with override_settings(**(changed[0] if changed else {})):
            row = measure_page(
                client,
                url,
                warmup=args.warmup,
                requests=args.requests,
                budget=args.page_budget,
                show_queries=args.show_queries,
            )
        target = TARGETS[kind]
        row.update(
            persona=persona,
            page=page,
            url=url,
            kind=kind,
            target_p95=target,
            ok=row["status"] == 200 and row["p95"] <= target,
        )
        results.append(row)
        print_row(row)
    return results


def print_header() -> None:
    print(
        f"{'persona':<22}{'page':<24}{'status':>6}{'queries':>8}{'n':>5}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'target':>8}  ok"
    )
    print("-" * 104)


def print_row(row: dict) -> None:
    print(
        f"{row['persona']:<22}{row['page']:<24}{row['status']:>6}{row['queries']:>8}{row['n']:>5}"
        f"{row['p50']:>9.1f}{row['p95']:>9.1f}{row['max']:>9.1f}{row['target_p95']:>8}"
        f"  {'yes' if row['ok'] else 'NO'}",
        flush=True,
    )


# --- the naive way: django-guardian's get_objects_for_user ------------------------------


def grant_like_the_selectors(users) -> dict:
    """Per-object grants that give each user exactly what the project's selectors give:
    view_student on every visible pupil and view_concern on every report in the
    inbox's scope, in guardian's generic UserObjectPermission (content type and
    object id as text). The pupils are also granted in the direct-FK table
    cases.StudentUserObjectPermission, which guardian picks for Student unless it is
    switched off (:func:`generic_permissions_for_pupils`)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.models import Max
    from guardian.models import UserObjectPermission

    from cases.models import StudentUserObjectPermission
    from cases.selectors import students_visible_to
    from portal.scale import Writer
    from referrals.models import Concern
    from referrals.selectors import concerns_for_social

    writer = Writer()
    marks = {
        "student": StudentUserObjectPermission.objects.aggregate(m=Max("id"))["m"] or 0,
        "generic": UserObjectPermission.objects.aggregate(m=Max("id"))["m"] or 0,
    }
    view_student = Permission.objects.get(codename="view_student")
    view_concern = Permission.objects.get(codename="view_concern")
    concern_type = ContentType.objects.get_for_model(Concern)
    student_type = ContentType.objects.get_for_model(
        StudentUserObjectPermission.content_object.field.related_model
    )
    counts = {"view_student": 0, "view_concern": 0}
    for user in users:
        pupils = list(students_visible_to(user).values_list("id", flat=True))
        writer.write(
            StudentUserObjectPermission,
            ["permission", "user", "content_object"],
            [(view_student.pk, user.pk, pk) for pk in pupils],
        )
        writer.write(
            UserObjectPermission,
            ["permission", "content_type", "object_pk", "user"],
            [(view_student.pk, student_type.pk, str(pk), user.pk) for pk in pupils],
        )
        counts["view_student"] += len(pupils)
        concerns = list(concerns_for_social(user).values_list("id", flat=True))
        writer.write(
            UserObjectPermission,
            ["permission", "content_type", "object_pk", "user"],
            [(view_concern.pk, concern_type.pk, str(pk), user.pk) for pk in concerns],
        )
        counts["view_concern"] += len(concerns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (StudentUserObjectPermission, UserObjectPermission):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"marks": marks, "counts": counts}


def remove_grants(marks: dict) -> None:
    from guardian.models import UserObjectPermission

    from cases.models import StudentUserObjectPermission

    # Straight DELETE statements: the ORM would load a million rows for its signals.
    for model, mark in (
        (StudentUserObjectPermission, marks["student"]),
        (UserObjectPermission, marks["generic"]),
    ):
        rows = model.objects.filter(id__gt=mark)
        rows._raw_delete(rows.db)


def time_query(build, repeat: int) -> dict:
    from django.db import reset_queries

    for _ in range(2):
        list(build())
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = list(build())
        times.append(time.perf_counter() - t0)
        reset_queries()
    return {**summary_ms(times), "rows": len(rows)}


def naive_inbox(user):
    from django.db.models import Case, F, When
    from guardian.shortcuts import get_objects_for_user

    from referrals.models import Concern

    qs = get_objects_for_user(
        user, "referrals.view_concern", klass=Concern, accept_global_perms=False
    )
    return (
        qs.select_related(
            "student",
            "reporting_unit",
            "assigned_to",
            "protection_assessment",
            "preliminary_assessment",
        )
        .filter(preliminary_assessment__isnull=True)
        .annotate(
            next_due=Case(
                When(protection_assessment__isnull=True, then=F("protection_due_on")),
                default=F("preliminary_due_on"),
            )
        )
        .order_by("next_due", "received_at", "id")[:200]
    )


def naive_pupils(user):
    from guardian.shortcuts import get_objects_for_user

    from cases.models import Student

    qs = get_objects_for_user(user, "cases.view_student", klass=Student, accept_global_perms=False)
    return qs.select_related("school_unit", "home_district").order_by(
        "last_name", "first_name", "id"
    )[:51]


@contextlib.contextmanager
def generic_permissions_for_pupils():
    """guardian as a project without direct-FK tables uses it: its own ``enabled``
    switch on the direct-FK models makes get_objects_for_user read the pupils'
    grants from the generic UserObjectPermission."""
    from cases.models import StudentGroupObjectPermission, StudentUserObjectPermission

    models = (StudentUserObjectPermission, StudentGroupObjectPermission)
    for model in models:
        model.enabled = False
    try:
        yield
    finally:
        for model in models:
            del model.enabled


def pupils_by_key(rows):
    """The same pupils as ``rows``, read by their primary keys: what loading a page
    of pupils costs before any rule of who may see them, the floor of any selector."""
    from cases.models import Student

    keys = [row.pk for row in rows]

    def read(_user):
        return (
            Student.objects.filter(pk__in=keys)
            .select_related("school_unit", "home_district")
            .order_by("last_name", "first_name", "id")
        )

    return read


def naive_pupils_generic(user):
    with generic_permissions_for_pupils():
        return list(naive_pupils(user))


def compare(case, args, guardian: dict | None = None) -> dict:
    """Time guardian's and the project's way to the same rows, side by side
    (``guardian``: guardian's figures already timed for these rows)."""
    name, user, naive, project = case
    guardian = guardian or time_query(lambda: naive(user), args.guardian_repeat)
    ours = time_query(lambda: project(user), args.guardian_repeat)
    ratio = guardian["p50"] / max(ours["p50"], 0.01)
    print(
        f"{name:<28}{ours['rows']:>6}{guardian['p50']:>14.1f}{guardian['p95']:>9.1f}"
        f"{ours['p50']:>13.1f}{ours['p95']:>9.1f}{ratio:>10.1f}x",
        flush=True,
    )
    return {
        "page": name,
        "guardian": guardian,
        "project": ours,
        "ratio_p50": round(ratio, 1),
        "ok": ratio >= 20 and guardian["rows"] == ours["rows"],
    }


def inbox_first_200(user):
    from referrals.selectors import inbox_for

    return inbox_for(user)[:200]


def run_guardian(personas, args) -> list[dict]:
    from cases.selectors import students_search
    from portal.models import Membership
    from portal.roles import Role

    # The personas, and a sample of other teachers and social workers so that the
    # permission tables hold more than the people measured.
    others = [
        m.user
        for m in Membership.objects.filter(role__in=[Role.SCHOOL_STAFF, Role.SOCIAL_WORKER])
        .exclude(user__in=[personas.teacher, personas.social_worker, personas.principal])
        .select_related("user")
        .order_by("-role", "user_id")[: args.guardian_sample]
    ]
    users = [personas.teacher, personas.principal, personas.social_worker, *others]
    started = time.monotonic()
    granted = grant_like_the_selectors(users)
    print(
        f"\nGranted {granted['counts']['view_student']:,} view_student and "
        f"{granted['counts']['view_concern']:,} view_concern per-object permissions to "
        f"{len(users)} users in {time.monotonic() - started:.0f} s."
    )
    rows = []
    try:

        def pupil_lists(naive):
            return [
                (name, user, naive, lambda u: students_search(u, "")[:51])
                for name, user in (
                    ("pupil list (social worker)", personas.social_worker),
                    ("pupil list (teacher)", personas.teacher),
                )
            ]

        inbox = ("social-services inbox", personas.social_worker, naive_inbox, inbox_first_200)
        cases = [inbox, *pupil_lists(naive_pupils_generic)]
        # For reference, not held to the target: guardian's direct-FK table for
        # pupils is itself a kept list of who sees which pupil.
        references = pupil_lists(naive_pupils)
        print(
            f"\n{'page':<28}{'rows':>6}{'guardian p50':>14}{'p95':>9}"
            f"{'project p50':>13}{'p95':>9}{'ratio p50':>11}"
        )
        print("-" * 90)
        print("generic object permissions (UserObjectPermission), held to 20x:")
        rows += [compare(case, args) for case in cases]
        print("for reference, guardian's direct-FK table for pupils:")
        for case in references:
            compare(case, args)
        print("for reference, the same 51 pupils read by primary key (no access rule):")
        for row, (name, user, naive, project) in zip(rows[1:], cases[1:], strict=True):
            floor = (name, user, naive, pupils_by_key(project(user)))
            compare(floor, args, guardian=row["guardian"])
    finally:
        remove_grants(granted["marks"])
    return rows


def data_sizes() -> dict:
    from cases.models import Meeting, Student
    from consent.models import Consent
    from portal.audit_models import AccessLog
    from portal.models import User
    from referrals.models import Concern

    def estimate(model):
        from django.db import connection

        if connection.vendor != "postgresql":
            return model.objects.count()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                [model._meta.db_table],
            )
            return int(cursor.fetchone()[0])

    return {m.__name__: estimate(m) for m in (Student, Concern, Consent, Meeting, User, AccessLog)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument(
        "--page-budget", type=float, default=20, help="seconds at most per page (min 5 requests)"
    )
    parser.add_argument("--skip-guardian", action="store_true")
    parser.add_argument("--only", default="", help='only pages matching "persona: page"')
    parser.add_argument(
        "--show-queries", action="store_true", help="print each page's slowest queries"
    )
    parser.add_argument("--guardian-sample", type=int, default=10, help="extra users granted")
    parser.add_argument("--guardian-repeat", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    personas = pick_personas()
    sizes = data_sizes()
    print(
        f"Database {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}: "
        + ", ".join(f"{k} ≈{v:,}" for k, v in sizes.items())
    )
    print(
        f"District {personas.district.name}, school {personas.school.name}; "
        f"load average {os.getloadavg()}"
    )
    before = cpu_reference_ms()
    print(f"CPU reference before: {before} ms (the same Python work each run; see README)\n")
    print_header()
    pages = run_pages(personas, args)
    print(f"\nCPU reference after the pages: {cpu_reference_ms()} ms (before: {before} ms)")
    guardian = [] if args.skip_guardian else run_guardian(personas, args)
    failed = [r for r in pages if not r["ok"]] + [r for r in guardian if not r["ok"]]
    print(
        f"\n{len(pages) - len([r for r in pages if not r['ok']])}/{len(pages)} pages within target."
    )

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"pages-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": {
                    "cpus": os.cpu_count(),
                    "load": os.getloadavg(),
                    "python": platform.python_version(),
                },
                "sizes": sizes,
                "district": personas.district.name,
                "school": personas.school.name,
                "args": vars(args),
                "pages": pages,
                "guardian_vs_project": guardian,
            },
            indent=2,
        )
    )
    print(f"Results written to {out.relative_to(RESULTS.parents[1])}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
