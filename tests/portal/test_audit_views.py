"""The log reviewer's pages at /audit/: only the log reviewer, every review logged."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit_models import AccessLog, AccessLogSubject

pytestmark = pytest.mark.django_db

SEARCH = reverse("audit:search")


def _pages(world):
    return [
        SEARCH,
        reverse("audit:export"),
        reverse("audit:flags"),
        reverse("audit:pupil_history", args=[world.pupil_a.pk]),
        reverse("audit:personal_data_report", args=[world.pupil_a.pk]),
        reverse("audit:request", args=["abcdef123456"]),
    ]


def _row(user, *, action="pupil.view", kind="view", at=None, students=(), basis="", **fields):
    at = at or timezone.now()
    row = AccessLog.objects.create(
        at=at,
        user=user,
        username=user.username if user else "",
        action=action,
        kind=kind,
        **fields,
    )
    for student in students:
        AccessLogSubject.objects.create(log=row, student_id=student.pk, at=at, basis=basis)
    return row


def test_anonymous_visitors_are_sent_to_log_in(world, client_for):
    for url in _pages(world):
        response = client_for().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize(
    "persona",
    [
        "teacher_a",
        "principal_a",
        "health_a",
        "social_kungsholmen",
        "sip_kungsholmen",
        "manager_kungsholmen",
        "admin",
        "nobody",
    ],
)
def test_everyone_but_the_log_reviewer_is_refused(world, client_for, persona):
    client = client_for(getattr(world, persona))
    for url in _pages(world):
        assert client.get(url).status_code == 403, url


def test_only_the_log_reviewer_has_the_menu_entry(world, client_for):
    assert "/audit/" in client_for(world.log_reviewer).get("/").content.decode()
    assert "/audit/" not in client_for(world.admin).get("/").content.decode()


def test_the_admin_never_shows_the_logs():
    from auditlog.models import LogEntry

    assert not admin.site.is_registered(AccessLog)
    assert not admin.site.is_registered(AccessLogSubject)
    assert not admin.site.is_registered(LogEntry)


def test_search_by_user(world, client_for):
    _row(world.teacher_a, students=[world.pupil_a])
    _row(world.teacher_b, students=[world.pupil_b])
    response = client_for(world.log_reviewer).get(SEARCH, {"username": "larare_a"})
    assert [r["log"].username for r in response.context["rows"]] == ["larare_a"]
    assert response.context["rows"][0]["subjects"][0].student_id == world.pupil_a.pk


def test_search_by_personnummer(world, client_for):
    _row(world.teacher_a, students=[world.pupil_a])
    _row(world.teacher_a, students=[world.pupil_a_lives_sodermalm])
    response = client_for(world.log_reviewer).get(
        SEARCH, {"personnummer": world.pupil_a.personnummer_display}
    )
    rows = response.context["rows"]
    assert [s.student_id for r in rows for s in r["subjects"]] == [world.pupil_a.pk]


def test_an_unknown_personnummer_is_said_so(world, client_for):
    response = client_for(world.log_reviewer).get(SEARCH, {"personnummer": "19000101-0000"})
    assert response.status_code == 400


def test_search_by_period_kind_of_record_and_action(world, client_for):
    old = timezone.now() - datetime.timedelta(days=30)
    _row(world.teacher_a, at=old, record_kinds=",student,")
    _row(world.teacher_a, record_kinds=",concern,", kind="change", action="concern.amend")
    _row(world.teacher_a, record_kinds=",student,", kind="list", action="pupil.search")
    client = client_for(world.log_reviewer)
    today = timezone.localdate()

    def actions(**params):
        rows = client.get(SEARCH, params).context["rows"]
        return sorted(r["log"].action for r in rows if r["log"].kind != "review")

    assert actions(date_from=today - datetime.timedelta(days=1), username="larare_a") == [
        "concern.amend",
        "pupil.search",
    ]
    assert actions(record_kind="student", username="larare_a") == ["pupil.search", "pupil.view"]
    assert actions(kind="change") == ["concern.amend"]


def test_results_come_in_pages_without_counting_the_table(world, client_for):
    base = timezone.now() - datetime.timedelta(hours=2)
    for i in range(60):
        _row(world.teacher_a, at=base + datetime.timedelta(seconds=i))
    client = client_for(world.log_reviewer)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(SEARCH, {"username": "larare_a"})
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "portal_accesslog" in sql]
    assert len(first.context["rows"]) == 50
    cursor = first.context["next_cursor"]
    second = client.get(SEARCH, {"username": "larare_a", "after": cursor})
    assert len(second.context["rows"]) == 10
    assert second.context["next_cursor"] is None
    seen = [r["log"].pk for r in first.context["rows"] + second.context["rows"]]
    assert len(set(seen)) == 60


def test_the_search_is_itself_logged(world, client_for):
    client_for(world.log_reviewer).get(
        SEARCH, {"username": "larare_a", "personnummer": world.pupil_a.personnummer}
    )
    review = AccessLog.objects.get(action="audit.search")
    assert review.kind == AccessLog.Kind.REVIEW
    assert "username=larare_a" in review.query
    assert review.subjects.get().student_id == world.pupil_a.pk


def test_a_pupils_history_shows_only_that_pupil(world, client_for):
    _row(world.teacher_a, students=[world.pupil_a])
    _row(world.teacher_b, students=[world.pupil_b])
    response = client_for(world.log_reviewer).get(
        reverse("audit:pupil_history", args=[world.pupil_a.pk])
    )
    assert [r["log"].username for r in response.context["rows"]] == ["larare_a"]
    assert world.pupil_a.first_name in response.content.decode()


def test_a_pupils_history_counts_the_other_pupils_of_a_list_row(world, client_for):
    _row(world.teacher_a, students=[world.pupil_a, world.pupil_b, world.pupil_a_lives_sodermalm])
    client = client_for(world.log_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("audit:pupil_history", args=[world.pupil_a.pk]))
    (row,) = response.context["rows"]
    assert [s.student_id for s in row["subjects"]] == [world.pupil_a.pk]
    assert row["others"] == 2
    page = response.content.decode()
    assert "and 2 other pupils" in page
    assert world.pupil_b.last_name not in page  # the list's other pupils are not named here


def test_csv_export_escapes_formulas_and_is_logged(world, client_for):
    _row(world.teacher_a, query='=HYPERLINK("http://evil")', students=[world.pupil_a])
    response = client_for(world.log_reviewer).get(reverse("audit:export"), {"username": "larare_a"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 2
    assert lines[1][8] == '\'=HYPERLINK("http://evil")'
    assert world.pupil_a.last_name in lines[1][5]
    review = AccessLog.objects.get(action="audit.export")
    assert (review.kind, review.rows, review.details["format"]) == ("review", 1, "csv")


def test_one_request_shows_its_changes_masked(world, client_for, csrf_post, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    response = csrf_post(
        client_for(world.teacher_a),
        reverse("referrals:concern_amend", args=[concern.pk]),
        {"text": "Eleven berättade mer idag om situationen hemma."},
    )
    assert response.status_code == 302
    cid = response["X-Request-ID"]
    page = client_for(world.log_reviewer).get(reverse("audit:request", args=[cid]))
    assert page.status_code == 200
    assert [r["log"].action for r in page.context["rows"]] == ["concern.amend"]
    (entry,) = [c for c in page.context["changes"] if c.content_type.model == "amendment"]
    assert entry.actor == world.teacher_a
    assert entry.changes["text"][1] == "[masked: 47 characters]"
    assert "situationen hemma" not in page.content.decode()


def test_an_unknown_request_is_404(world, client_for):
    response = client_for(world.log_reviewer).get(reverse("audit:request", args=["nothing-here"]))
    assert response.status_code == 404


# --- the personal data report ---------------------------------------------------------------


def test_the_report_holds_what_the_portal_has(world, client_for, file_concern):
    file_concern(world.teacher_a, world.pupil_a, worry="Eleven är ofta hungrig.")
    url = reverse("audit:personal_data_report", args=[world.pupil_a.pk])
    response = client_for(world.log_reviewer).get(url, {"requester": "pupil"})
    page = response.content.decode()
    assert response.status_code == 200
    assert world.pupil_a.personnummer_display in page
    assert "Eleven är ofta hungrig." in page
    guardian = world.pupil_a.guardians.get()
    assert guardian.last_name in page


def test_the_report_leaves_out_what_is_secret_toward_a_guardian(world, client_for, file_concern):
    file_concern(world.teacher_a, world.pupil_a, worry="Skolfrånvaro.")
    file_concern(
        world.teacher_a,
        world.pupil_a,
        categories=["violence_home"],
        worry="Blåmärken på armarna.",
    )
    url = reverse("audit:personal_data_report", args=[world.pupil_a.pk])
    client = client_for(world.log_reviewer)
    for_guardian = client.get(url, {"requester": "guardian"})
    assert "Skolfrånvaro." in for_guardian.content.decode()
    assert "Blåmärken" not in for_guardian.content.decode()
    assert for_guardian.context["withheld"] == 1
    for_pupil = client.get(url, {"requester": "pupil"})
    assert "Blåmärken på armarna." in for_pupil.content.decode()


def test_the_report_names_units_not_staff_in_the_access_history(world, client_for):
    _row(world.teacher_a, students=[world.pupil_a], unit_ids=[world.school_a.pk])
    url = reverse("audit:personal_data_report", args=[world.pupil_a.pk])
    page = client_for(world.log_reviewer).get(url, {"requester": "guardian"}).content.decode()
    assert world.school_a.name in page
    report = page.split('class="report-doc"')[1]
    assert "larare_a" not in report


def test_making_the_report_is_logged(world, client_for):
    url = reverse("audit:personal_data_report", args=[world.pupil_a.pk])
    client_for(world.log_reviewer).get(url, {"requester": "guardian"})
    review = AccessLog.objects.get(action="audit.personal_data_report")
    assert review.details["requester"] == "guardian"
    assert review.subjects.get().student_id == world.pupil_a.pk


def test_the_report_for_an_unknown_pupil_is_404(world, client_for):
    url = reverse("audit:personal_data_report", args=[999999])
    assert client_for(world.log_reviewer).get(url).status_code == 404
