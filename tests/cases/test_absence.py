"""Absence per pupil and period, the 'needs attention' prompt, absence
investigations, and who sees each of them on the pupil page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.absence import services
from cases.absence.selectors import (
    absence_attention,
    absence_investigations_visible_to,
    absence_visible_to,
    latest_periods,
)
from cases.models import AbsenceInvestigation, AbsenceRecord, Placement
from portal.models import Unit
from tests.cases.attendance import absence, placement, share, special_groups
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def groups(world):
    return special_groups(world)


def who(world, groups, persona):
    return getattr(groups, persona, None) or getattr(world, persona)


def record(world, by=None, student=None, **changes):
    fields = {
        "by": by or world.teacher_a,
        "student": student or world.pupil_a,
        "period_start": days_ago(30),
        "period_end": days_ago(1),
        "total_percent": Decimal("12.5"),
        "invalid_percent": Decimal("4"),
    }
    fields.update(changes)
    return services.absence_record(**fields)


# --- recording ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "health_a"])
def test_school_staff_record_their_pupils_absence(world, persona):
    r = record(world, by=getattr(world, persona))
    assert (r.total_percent, r.invalid_percent, r.source) == (Decimal("12.5"), Decimal(4), "manual")
    assert r.recorded_by == getattr(world, persona)


@pytest.mark.parametrize(
    "persona",
    ["teacher_b", "principal_b", "rsu_teacher", "social_kungsholmen", "manager_kungsholmen"],
)
def test_nobody_else_records_absence(world, groups, persona):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    with pytest.raises(PermissionDenied):
        record(world, by=who(world, groups, persona))
    assert not AbsenceRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"invalid_percent": Decimal("12.6")}, "invalid_percent"),
        ({"total_percent": Decimal("100.1")}, "total_percent"),
        ({"total_percent": Decimal("-1")}, "total_percent"),
        ({"period_end": days_ago(31)}, "period_end"),
        (
            {
                "period_start": TODAY() + datetime.timedelta(days=1),
                "period_end": TODAY() + datetime.timedelta(days=5),
            },
            "period_start",
        ),
    ],
)
def test_bad_absence_is_refused_on_its_field(world, changes, field):
    with pytest.raises(ValidationError) as exc:
        record(world, **changes)
    assert field in exc.value.error_dict


def test_the_same_period_twice_is_refused(world):
    record(world)
    with pytest.raises(ValidationError) as exc:
        record(world, total_percent=Decimal(30))
    assert "period_start" in exc.value.error_dict
    assert AbsenceRecord.objects.count() == 1


def test_invalid_may_equal_total_and_percentages_round_to_one_decimal(world):
    r = record(world, total_percent=Decimal("33.35"), invalid_percent=Decimal("33.35"))
    assert (r.total_percent, r.invalid_percent) == (Decimal("33.4"), Decimal("33.4"))


# --- the attention prompt ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([], None),
        (["20"], "high"),
        (["19.9"], None),
        (["19.9", "10"], "repeated"),
        (["10", "10"], "repeated"),
        (["10", "9.9"], None),
        (["9.9", "50"], None),  # the latest period is what counts
        (["25", "0"], "high"),
        (["15", "15", "0"], "repeated"),
        (["0", "15", "15"], None),  # consecutive means the latest ones
    ],
)
def test_absence_attention_at_its_edges(world, periods, expected):
    for i, percent in enumerate(periods):  # newest first
        absence(world.pupil_a, world.teacher_a, days_ago(30 * i + 29), days_ago(30 * i), percent)
    attention = absence_attention(latest_periods(world.pupil_a, 3))
    assert (attention.reason if attention else None) == expected


def detail(student):
    return reverse("cases:student_detail", args=[student.pk])


def absence_section(response) -> dict:
    """The context of the pupil page's absence section."""
    return {section.key: ctx for section, ctx in response.context["sections"]}["absence"]


def open_url(student):
    return reverse("cases:absence_investigation_new", args=[student.pk])


def test_principal_is_prompted_to_open_an_investigation(world, client_for):
    absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 35)
    body = client_for(world.principal_a).get(detail(world.pupil_a)).content.decode()
    assert open_url(world.pupil_a) in body


def test_staff_see_the_flag_but_only_the_principal_the_prompt(world, client_for):
    absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 35)
    response = client_for(world.teacher_a).get(detail(world.pupil_a))
    ctx = absence_section(response)
    assert ctx["attention"].reason == "high"
    assert open_url(world.pupil_a) not in response.content.decode()


def test_no_prompt_while_an_investigation_is_open(world, client_for):
    absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 35)
    services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    response = client_for(world.principal_a).get(detail(world.pupil_a))
    ctx = absence_section(response)
    assert ctx["open_investigation"] is not None
    assert open_url(world.pupil_a) not in response.content.decode()


def test_absence_section_shows_the_sst_hint_to_the_school(world, client_for):
    absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 30)
    response = client_for(world.principal_a).get(detail(world.pupil_a))
    ctx = absence_section(response)
    assert ctx["sst_hint"] == [Unit.GroupType.SST]
    assert reverse("cases:placement_new", args=[world.pupil_a.pk]) in response.content.decode()


# --- recording through the page ---------------------------------------------------------------


def new_url(student):
    return reverse("cases:absence_new", args=[student.pk])


def test_absence_page_sends_anonymous_to_login(world, client_for):
    response = client_for().get(new_url(world.pupil_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("social_kungsholmen", 403),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("teacher_b", 404),
        ("rsu_teacher", 403),  # sees the placed pupil, but the school records absence
        ("teacher_a", 200),
        ("health_a", 200),
    ],
)
def test_absence_page_by_persona(world, groups, client_for, persona, status):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    assert client_for(who(world, groups, persona)).get(new_url(world.pupil_a)).status_code == status


def test_teacher_records_absence_with_a_decimal_comma(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.teacher_a),
        new_url(world.pupil_a),
        {
            "period_start": days_ago(30),
            "period_end": days_ago(1),
            "total_percent": "23,5",
            "invalid_percent": "10",
        },
    )
    assert response.status_code == 302
    r = AbsenceRecord.objects.get()
    assert (r.total_percent, r.invalid_percent) == (Decimal("23.5"), Decimal(10))


@pytest.mark.parametrize(
    "changes",
    [
        {"total_percent": "abc"},
        {"total_percent": "101"},
        {"invalid_percent": "50"},
        {"period_start": "igår"},
        {"period_end": "2000-01-01"},
        {"total_percent": ""},
    ],
)
def test_bad_absence_through_the_page_is_400(world, client_for, csrf_post, changes):
    data = {
        "period_start": days_ago(30),
        "period_end": days_ago(1),
        "total_percent": "20",
        "invalid_percent": "5",
    }
    data.update(changes)
    response = csrf_post(client_for(world.teacher_a), new_url(world.pupil_a), data)
    assert response.status_code == 400
    assert not AbsenceRecord.objects.exists()


def test_duplicate_period_through_the_page_is_400(world, client_for, csrf_post):
    record(world)
    data = {
        "period_start": days_ago(30),
        "period_end": days_ago(1),
        "total_percent": "20",
        "invalid_percent": "5",
    }
    response = csrf_post(client_for(world.teacher_a), new_url(world.pupil_a), data)
    assert response.status_code == 400
    assert "period_start" in response.context["form"].errors


# --- absence investigations ----------------------------------------------------------------------


def close_url(investigation):
    return reverse("cases:absence_investigation_close", args=[investigation.pk])


def test_principal_opens_and_closes_an_investigation(world):
    inv = services.absence_investigation_open(
        by=world.principal_a,
        student=world.pupil_a,
        opened_on=days_ago(10),
        pupil_heard=True,
        reported_to_huvudman=True,
    )
    assert (inv.school_unit, inv.opened_by, inv.closed_on) == (
        world.school_a,
        world.principal_a,
        None,
    )
    inv = services.absence_investigation_close(
        investigation=inv,
        by=world.principal_a,
        closed_on=TODAY(),
        outcome="Anpassat schema.",
        guardians_heard=True,
        student_health_involved=True,
    )
    assert inv.closed_on == TODAY()
    # What was recorded at opening is kept.
    assert (inv.pupil_heard, inv.guardians_heard, inv.student_health_involved) == (True, True, True)
    assert inv.reported_to_huvudman


@pytest.mark.parametrize("persona", ["teacher_a", "health_a", "principal_b", "rsu_principal"])
def test_only_the_pupils_principal_opens_an_investigation(world, groups, persona):
    with pytest.raises(PermissionDenied):
        services.absence_investigation_open(
            by=who(world, groups, persona), student=world.pupil_a, opened_on=TODAY()
        )


def test_one_open_investigation_at_a_time(world):
    services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    with pytest.raises(ValidationError):
        services.absence_investigation_open(
            by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
        )


def test_an_investigation_cannot_open_in_the_future(world):
    with pytest.raises(ValidationError):
        services.absence_investigation_open(
            by=world.principal_a, student=world.pupil_a, opened_on=TODAY() + datetime.timedelta(1)
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": " "}, "outcome"),
        ({"closed_on": days_ago(11)}, "closed_on"),
        ({"closed_on": TODAY() + datetime.timedelta(days=1)}, "closed_on"),
    ],
)
def test_closing_needs_an_outcome_and_a_sensible_date(world, changes, field):
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=days_ago(10)
    )
    fields = {"investigation": inv, "by": world.principal_a, "closed_on": TODAY(), "outcome": "ok"}
    fields.update(changes)
    with pytest.raises(ValidationError) as exc:
        services.absence_investigation_close(**fields)
    assert field in exc.value.error_dict
    assert AbsenceInvestigation.objects.get().closed_on is None


def test_closing_twice_is_refused(world):
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    services.absence_investigation_close(
        investigation=inv, by=world.principal_a, closed_on=TODAY(), outcome="ok"
    )
    with pytest.raises(ValidationError):
        services.absence_investigation_close(
            investigation=inv, by=world.principal_a, closed_on=TODAY(), outcome="again"
        )


def test_investigation_pages_send_anonymous_to_login(world, client_for):
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    for url in (open_url(world.pupil_a), close_url(inv)):
        response = client_for().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 403),
        ("health_a", 403),
        ("social_kungsholmen", 403),
        ("manager_kungsholmen", 403),
        ("principal_b", 404),
        ("rsu_principal", 404),
        ("principal_a", 200),
    ],
)
def test_investigation_pages_by_persona(world, groups, client_for, persona, status):
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a_lives_sodermalm, opened_on=TODAY()
    )
    client = client_for(who(world, groups, persona))
    assert client.get(open_url(world.pupil_a)).status_code == status
    assert client.get(close_url(inv)).status_code == status


def test_open_and_close_through_the_pages(world, client_for, csrf_post):
    client = client_for(world.principal_a)
    response = csrf_post(
        client, open_url(world.pupil_a), {"opened_on": TODAY(), "pupil_heard": "on"}
    )
    assert response.status_code == 302
    inv = AbsenceInvestigation.objects.get()
    assert inv.pupil_heard
    response = csrf_post(client, close_url(inv), {"closed_on": TODAY(), "outcome": ""})
    assert response.status_code == 400
    response = csrf_post(
        client, close_url(inv), {"closed_on": TODAY(), "outcome": "Mentorssamtal varje vecka."}
    )
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.outcome == "Mentorssamtal varje vecka."


def test_opening_a_second_through_the_page_is_400(world, client_for, csrf_post):
    services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    response = csrf_post(
        client_for(world.principal_a), open_url(world.pupil_a), {"opened_on": TODAY()}
    )
    assert response.status_code == 400
    assert AbsenceInvestigation.objects.count() == 1


def test_bad_date_on_the_open_page_is_400(world, client_for, csrf_post):
    response = csrf_post(client_for(world.principal_a), open_url(world.pupil_a), {"opened_on": "x"})
    assert response.status_code == 400


# --- who sees absence -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("teacher_a", True),
        ("principal_a", True),
        ("health_a", True),
        ("rsu_teacher", True),  # the pupil is placed in the RSU
        ("teacher_b", False),
        ("social_kungsholmen", False),
        ("sip_kungsholmen", False),
        ("manager_kungsholmen", False),
        ("admin", False),
        ("log_reviewer", False),
    ],
)
def test_absence_visible_to(world, groups, persona, sees):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    r = absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 30)
    assert (r in absence_visible_to(who(world, groups, persona))) is sees


def test_group_staff_lose_absence_when_the_placement_ends(world, groups):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    r = absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 30)
    assert r in absence_visible_to(groups.rsu_teacher)
    p.status = Placement.Status.ENDED
    p.ends_on = TODAY()
    p.save()
    assert r not in absence_visible_to(groups.rsu_teacher)


def test_social_side_sees_absence_only_under_a_school_attendance_consent(world):
    from consent import services as consent_services

    r = absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 30)
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    other = absence(world.pupil_b, world.teacher_b, days_ago(29), days_ago(0), 30)
    consent = share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a])
    assert set(absence_visible_to(world.social_kungsholmen)) == {r}
    assert set(absence_investigations_visible_to(world.social_kungsholmen)) == {inv}
    assert other not in absence_visible_to(world.social_kungsholmen)
    consent_services.consent_withdraw(consent=consent, by=world.principal_a)
    assert not absence_visible_to(world.social_kungsholmen).exists()
    assert not absence_investigations_visible_to(world.social_kungsholmen).exists()


def test_investigations_stay_with_the_investigating_school(world, groups):
    inv = services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    assert inv in absence_investigations_visible_to(world.teacher_a)
    assert inv not in absence_investigations_visible_to(groups.rsu_teacher)
    assert inv not in absence_investigations_visible_to(world.teacher_b)


# --- the pupil page, persona by persona -------------------------------------------------------


@pytest.fixture
def full_file(world, groups):
    """pupil_a: active in the RSU, two periods of absence, an open investigation."""
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    absence(world.pupil_a, world.teacher_a, days_ago(59), days_ago(30), 15)
    absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 25)
    services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=TODAY()
    )


SECTIONS = ("absence", "absence_investigations", "placements")


def shown(client, student):
    response = client.get(detail(student))
    if response.status_code != 200:
        return response.status_code
    keys = {section.key for section, _ctx in response.context["sections"]}
    return tuple(k for k in SECTIONS if k in keys)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher_a", SECTIONS),
        ("principal_a", SECTIONS),
        ("health_a", SECTIONS),
        ("rsu_teacher", ("absence", "placements")),
        ("rsu_principal", ("absence", "placements")),
        ("teacher_b", 404),
        ("principal_b", 404),
        ("social_kungsholmen", 404),  # no consent: not even the pupil
        ("sip_kungsholmen", 404),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("log_reviewer", 403),
    ],
)
def test_pupil_page_sections_by_persona(world, groups, full_file, client_for, persona, expected):
    assert shown(client_for(who(world, groups, persona)), world.pupil_a) == expected


def test_pupil_page_for_social_worker_with_and_without_school_attendance_consent(
    world, full_file, client_for
):
    client = client_for(world.social_kungsholmen)
    share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a], ["student_health"])
    assert shown(client, world.pupil_a) == ()
    share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a])
    assert shown(client, world.pupil_a) == SECTIONS
    response = client.get(detail(world.pupil_a))
    ctx = absence_section(response)
    # Read only, no prompts or hints meant for the school.
    assert (ctx["may_record"], ctx["may_investigate"], ctx["sst_hint"]) == (False, False, [])
    assert ctx["shared"]
    assert len(ctx["records"]) == 2


def test_pupil_page_queries_do_not_grow_with_periods_or_placements(
    world, groups, full_file, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.principal_a)
    client.get(detail(world.pupil_a))
    with CaptureQueriesContext(connection) as before:
        client.get(detail(world.pupil_a))
    for i in range(2, 12):
        absence(world.pupil_a, world.teacher_a, days_ago(30 * i + 29), days_ago(30 * i), 5)
        placement(world.pupil_a, groups.sst, world.principal_a, status=Placement.Status.ENDED)
    with CaptureQueriesContext(connection) as after:
        client.get(detail(world.pupil_a))
    assert len(after) == len(before)


def test_absence_section_lists_the_periods_newest_first(world, client_for):
    old = absence(world.pupil_a, world.teacher_a, days_ago(59), days_ago(30), 15)
    new = absence(world.pupil_a, world.teacher_a, days_ago(29), days_ago(0), 5)
    other_pupil = StudentFactory(school_unit=world.school_a)
    absence(other_pupil, world.teacher_a, days_ago(29), days_ago(0), 50)
    response = client_for(world.teacher_a).get(detail(world.pupil_a))
    ctx = absence_section(response)
    assert ctx["records"] == [new, old]
