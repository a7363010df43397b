"""Placements in special teaching groups: the principal applies, the antagningsgrupp
decides, the principals start and end; who sees what; the SST bands at their edges."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.absence.selectors import sst_eligibility_hint
from cases.models import Meeting, Placement
from cases.placements import services
from cases.placements.selectors import placements_visible_to
from cases.selectors import students_visible_to
from portal.models import Unit
from tests.cases.attendance import absence, placement, share, special_groups
from tests.factories import StudentFactory, UnitFactory

pytestmark = pytest.mark.django_db

S = Placement.Status


@pytest.fixture
def groups(world):
    return special_groups(world)


def who(world, groups, persona):
    return getattr(groups, persona, None) or getattr(world, persona)


def apply(world, groups, student=None, **changes):
    fields = {
        "by": world.principal_a,
        "student": student or world.pupil_a,
        "group": groups.rsu,
        "reason": "Stora behov av en mindre grupp; anpassningar har inte räckt.",
    }
    fields.update(changes)
    return services.placement_apply(**fields)


def admission_meeting(world, student, kind=Meeting.Kind.ADMISSION):
    return Meeting.objects.create(
        kind=kind,
        student=student,
        organiser=world.sip_kungsholmen,
        organiser_unit=world.investigation_kungsholmen,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        place="Kungsholmens stadsdelsförvaltning",
    )


# --- applying ---------------------------------------------------------------------------


def test_principal_applies_with_the_latest_absence_as_intake_level(world, groups):
    today = timezone.localdate()
    absence(
        world.pupil_a,
        world.teacher_a,
        today - datetime.timedelta(days=60),
        today - datetime.timedelta(days=31),
        12,
    )
    absence(world.pupil_a, world.teacher_a, today - datetime.timedelta(days=30), today, "47.5")
    p = apply(world, groups)
    assert p.status == S.APPLIED
    assert p.applied_by == world.principal_a
    assert p.absence_percent_at_intake == 48


def test_an_explicit_intake_level_wins(world, groups):
    assert apply(world, groups, absence_percent_at_intake=70).absence_percent_at_intake == 70


@pytest.mark.parametrize("persona", ["teacher_a", "health_a", "principal_b", "rsu_principal"])
def test_only_the_principal_of_the_pupils_school_applies(world, groups, persona):
    with pytest.raises(PermissionDenied):
        apply(world, groups, by=who(world, groups, persona))
    assert not Placement.objects.exists()


def test_the_group_must_be_a_special_teaching_group(world, groups):
    with pytest.raises(ValidationError) as exc:
        apply(world, groups, group=world.school_b)
    assert "group" in exc.value.error_dict


def test_a_reason_is_required(world, groups):
    with pytest.raises(ValidationError) as exc:
        apply(world, groups, reason="  ")
    assert "reason" in exc.value.error_dict


@pytest.mark.parametrize("status", [S.APPLIED, S.ADMITTED, S.ACTIVE])
def test_no_second_open_application_to_the_same_group(world, groups, status):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=status)
    with pytest.raises(ValidationError):
        apply(world, groups)


@pytest.mark.parametrize("status", [S.DECLINED, S.ENDED])
def test_a_new_application_after_a_decline_or_an_end(world, groups, status):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=status)
    assert apply(world, groups).status == S.APPLIED


# --- the antagningsgrupp decides -------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "rsu_principal",  # the school side: the group's principal
        "investigation_worker_kungsholmen",  # utredningsenhet of the home district
        "sip_kungsholmen",  # SIP coordinator in the utredningsenhet
        "family_worker_kungsholmen",  # familjebehandlare of the home district
    ],
)
def test_antagningsgrupp_members_decide(world, groups, persona):
    p = apply(world, groups)
    decided = services.placement_decide(
        placement=p, by=who(world, groups, persona), admit=True, reason="Uppfyller kriterierna."
    )
    assert decided.status == S.ADMITTED
    assert decided.decided_by == who(world, groups, persona)
    assert decided.decided_at is not None


@pytest.mark.parametrize(
    "persona",
    [
        "principal_a",  # applied; does not decide on its own application
        "teacher_a",
        "rsu_teacher",  # works in the group but is not its principal
        "social_kungsholmen",  # intake, not the antagningsgrupp
        "investigation_worker_sodermalm",  # another district's utredningsenhet
        "manager_kungsholmen",
    ],
)
def test_others_may_not_decide(world, groups, persona):
    p = apply(world, groups)
    with pytest.raises(PermissionDenied):
        services.placement_decide(
            placement=p, by=who(world, groups, persona), admit=True, reason="x"
        )
    p.refresh_from_db()
    assert p.status == S.APPLIED


def test_the_home_district_decides_not_the_schools(world, groups):
    p = apply(world, groups, student=world.pupil_a_lives_sodermalm)
    with pytest.raises(PermissionDenied):
        services.placement_decide(
            placement=p, by=groups.investigation_worker_kungsholmen, admit=True, reason="x"
        )
    services.placement_decide(
        placement=p, by=groups.investigation_worker_sodermalm, admit=False, reason="Ej aktuell."
    )
    p.refresh_from_db()
    assert p.status == S.DECLINED
    assert p.decision_reason == "Ej aktuell."


def test_a_decision_needs_a_reason(world, groups):
    p = apply(world, groups)
    with pytest.raises(ValidationError) as exc:
        services.placement_decide(placement=p, by=groups.rsu_principal, admit=True, reason="")
    assert "decision_reason" in exc.value.error_dict


def test_the_decision_names_its_admission_meeting(world, groups):
    p = apply(world, groups)
    meeting = admission_meeting(world, world.pupil_a)
    services.placement_decide(
        placement=p, by=world.sip_kungsholmen, admit=True, reason="ok", admission_meeting=meeting
    )
    p.refresh_from_db()
    assert p.admission_meeting == meeting


@pytest.mark.parametrize("wrong", ["kind", "pupil"])
def test_the_admission_meeting_must_be_this_pupils_antagningsgrupp(world, groups, wrong):
    p = apply(world, groups)
    if wrong == "kind":
        meeting = admission_meeting(world, world.pupil_a, kind=Meeting.Kind.SIP)
    else:
        meeting = admission_meeting(world, world.pupil_a_lives_sodermalm)
    with pytest.raises(ValidationError) as exc:
        services.placement_decide(
            placement=p, by=groups.rsu_principal, admit=True, reason="ok", admission_meeting=meeting
        )
    assert "admission_meeting" in exc.value.error_dict


# --- transitions ------------------------------------------------------------------------------


def test_the_whole_way_applied_admitted_active_ended(world, groups):
    today = timezone.localdate()
    p = apply(world, groups)
    p = services.placement_decide(placement=p, by=groups.rsu_principal, admit=True, reason="ok")
    p = services.placement_start(placement=p, by=groups.rsu_principal, starts_on=today)
    assert (p.status, p.starts_on) == (S.ACTIVE, today)
    end = today + datetime.timedelta(days=90)
    p = services.placement_end(
        placement=p, by=world.principal_a, ends_on=end, reason="Åter i klass."
    )
    assert (p.status, p.ends_on, p.end_reason) == (S.ENDED, end, "Åter i klass.")


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.ADMITTED, "decide"),
        (S.DECLINED, "decide"),
        (S.APPLIED, "start"),
        (S.DECLINED, "start"),
        (S.ACTIVE, "start"),
        (S.APPLIED, "end"),
        (S.ADMITTED, "end"),
        (S.ENDED, "end"),
    ],
)
def test_illegal_transitions_are_refused_with_a_reason(world, groups, status, step):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=status)
    today = timezone.localdate()
    calls = {
        "decide": lambda: services.placement_decide(
            placement=p, by=groups.rsu_principal, admit=True, reason="x"
        ),
        "start": lambda: services.placement_start(
            placement=p, by=groups.rsu_principal, starts_on=today
        ),
        "end": lambda: services.placement_end(
            placement=p, by=groups.rsu_principal, ends_on=today, reason="x"
        ),
    }
    with pytest.raises(ValidationError) as exc:
        calls[step]()
    assert p.get_status_display().lower() in exc.value.messages[0]
    assert Placement.objects.get(pk=p.pk).status == status


def test_a_placement_cannot_start_before_the_application(world, groups):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ADMITTED)
    before = timezone.localtime(p.applied_at).date() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.placement_start(placement=p, by=groups.rsu_principal, starts_on=before)


def test_a_placement_cannot_end_before_it_started(world, groups):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        services.placement_end(
            placement=p,
            by=groups.rsu_principal,
            ends_on=p.starts_on - datetime.timedelta(days=1),
            reason="x",
        )
    assert "ends_on" in exc.value.error_dict


def test_ending_needs_a_reason(world, groups):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        services.placement_end(
            placement=p, by=groups.rsu_principal, ends_on=timezone.localdate(), reason=" "
        )
    assert "end_reason" in exc.value.error_dict


@pytest.mark.parametrize("persona", ["rsu_teacher", "teacher_a", "principal_b", "sip_kungsholmen"])
def test_only_a_principal_of_the_group_or_school_starts_and_ends(world, groups, persona):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ADMITTED)
    with pytest.raises(PermissionDenied):
        services.placement_start(
            placement=p, by=who(world, groups, persona), starts_on=timezone.localdate()
        )


# --- SST eligibility: the bands at their edges ---------------------------------------------


@pytest.mark.parametrize(
    ("grade", "percent", "expected"),
    [
        (2, "20", ["sst"]),
        (8, "60", ["sst"]),
        (5, "19.9", []),
        (5, "60.1", []),
        (1, "40", []),
        (9, "40", []),
        (4, "80", ["sst2"]),
        (6, "100", ["sst2"]),
        (5, "79.9", []),
        (3, "90", []),
        (7, "90", []),
        (5, "70", []),
    ],
)
def test_sst_bands_at_their_edges(world, grade, percent, expected):
    student = StudentFactory(school_unit=world.school_a, grade=grade)
    today = timezone.localdate()
    absence(student, world.teacher_a, today - datetime.timedelta(days=30), today, percent)
    assert sst_eligibility_hint(student) == expected


def test_sst_hint_uses_the_latest_period(world):
    student = StudentFactory(school_unit=world.school_a, grade=5)
    today = timezone.localdate()
    absence(
        student,
        world.teacher_a,
        today - datetime.timedelta(days=60),
        today - datetime.timedelta(days=31),
        90,
    )
    absence(student, world.teacher_a, today - datetime.timedelta(days=30), today, 30)
    assert sst_eligibility_hint(student) == ["sst"]


def test_no_sst_hint_without_absence_or_in_gymnasieskola(world):
    assert sst_eligibility_hint(StudentFactory(school_unit=world.school_a, grade=5)) == []
    gymnasium = UnitFactory(
        code="gymn", district=world.kungsholmen, school_form=Unit.SchoolForm.GYMNASIESKOLA
    )
    student = StudentFactory(school_unit=gymnasium, grade=2)
    today = timezone.localdate()
    absence(student, world.teacher_a, today - datetime.timedelta(days=30), today, 40)
    assert sst_eligibility_hint(student) == []


# --- who sees placements -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("teacher_a", S.APPLIED, True),
        ("principal_a", S.APPLIED, True),
        ("teacher_b", S.ACTIVE, False),
        ("rsu_principal", S.APPLIED, True),
        ("rsu_teacher", S.APPLIED, False),
        ("rsu_teacher", S.DECLINED, False),
        ("rsu_teacher", S.ADMITTED, True),
        ("rsu_teacher", S.ACTIVE, True),
        ("rsu_teacher", S.ENDED, True),
        ("sip_kungsholmen", S.APPLIED, True),
        ("family_worker_kungsholmen", S.APPLIED, True),
        ("investigation_worker_sodermalm", S.APPLIED, False),
        ("social_kungsholmen", S.ACTIVE, False),
        ("manager_kungsholmen", S.ACTIVE, False),
        ("admin", S.ACTIVE, False),
        ("log_reviewer", S.ACTIVE, False),
    ],
)
def test_placements_visible_to(world, groups, persona, status, sees):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=status)
    assert (p in placements_visible_to(who(world, groups, persona))) is sees


def test_the_social_side_sees_placements_with_consent_only_while_it_lasts(world, groups):
    from consent import services as consent_services

    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ACTIVE)
    assert p not in placements_visible_to(world.social_kungsholmen)
    consent = share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a])
    assert p in placements_visible_to(world.social_kungsholmen)
    consent_services.consent_withdraw(consent=consent, by=world.principal_a)
    assert p not in placements_visible_to(world.social_kungsholmen)


def test_a_consent_for_another_category_does_not_show_placements(world, groups):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ACTIVE)
    share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a], ["student_health"])
    assert world.pupil_a in students_visible_to(world.social_kungsholmen)
    assert p not in placements_visible_to(world.social_kungsholmen)


@pytest.mark.parametrize(
    ("status", "sees_pupil"),
    [
        (S.APPLIED, False),
        (S.DECLINED, False),
        (S.ADMITTED, True),
        (S.ACTIVE, True),
        (S.ENDED, False),
    ],
)
def test_group_staff_see_the_pupils_admitted_or_placed_with_them(world, groups, status, sees_pupil):
    placement(world.pupil_a, groups.rsu, world.principal_a, status=status)
    assert (world.pupil_a in students_visible_to(groups.rsu_teacher)) is sees_pupil
    assert world.pupil_b not in students_visible_to(groups.rsu_teacher)


# --- the pages ------------------------------------------------------------------------------


def new_url(student):
    return reverse("cases:placement_new", args=[student.pk])


def step_url(step, p):
    return reverse(f"cases:placement_{step}", args=[p.pk])


LIST = reverse("cases:placement_list")


def test_every_placement_page_sends_anonymous_to_login(world, groups, client_for):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    for url in [
        LIST,
        new_url(world.pupil_a),
        *(step_url(s, p) for s in ("decide", "start", "end")),
    ]:
        response = client_for().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 403),
        ("health_a", 403),
        ("social_kungsholmen", 403),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("principal_b", 404),
        ("rsu_principal", 404),
        ("principal_a", 200),
    ],
)
def test_apply_page_by_persona(world, groups, client_for, persona, status):
    assert client_for(who(world, groups, persona)).get(new_url(world.pupil_a)).status_code == status


def test_apply_page_shows_the_sst_hint(world, groups, client_for):
    today = timezone.localdate()
    absence(world.pupil_a, world.teacher_a, today - datetime.timedelta(days=30), today, 35)
    response = client_for(world.principal_a).get(new_url(world.pupil_a))
    assert response.context["sst_hint"] == ["sst"]


def test_principal_applies_through_the_page(world, groups, client_for, csrf_post):
    client = client_for(world.principal_a)
    response = csrf_post(
        client, new_url(world.pupil_a), {"group": groups.rsu.pk, "reason": "Behöver RSU."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:student_detail", args=[world.pupil_a.pk])
    assert Placement.objects.get().status == S.APPLIED


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "x"},  # no group
        {"group": "not-a-number", "reason": "x"},
        {"group": "{school}", "reason": "x"},  # not a special group
        {"group": "{rsu}", "reason": ""},
        {"group": "{rsu}", "reason": "x", "absence_percent_at_intake": "101"},
    ],
)
def test_bad_applications_are_400_and_save_nothing(world, groups, client_for, csrf_post, data):
    data = {
        k: v.format(school=world.school_b.pk, rsu=groups.rsu.pk) if isinstance(v, str) else v
        for k, v in data.items()
    }
    response = csrf_post(client_for(world.principal_a), new_url(world.pupil_a), data)
    assert response.status_code == 400
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 403),  # wrong role
        ("rsu_teacher", 403),
        ("manager_kungsholmen", 403),
        ("principal_b", 404),  # cannot see the application
        ("social_kungsholmen", 404),
        ("investigation_worker_sodermalm", 404),
        ("principal_a", 403),  # sees it, but the antagningsgrupp decides
        ("rsu_principal", 200),
        ("sip_kungsholmen", 200),
    ],
)
def test_decide_page_by_persona(world, groups, client_for, persona, status):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    assert client_for(who(world, groups, persona)).get(step_url("decide", p)).status_code == status


def test_group_principal_admits_through_the_page(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    response = csrf_post(
        client_for(groups.rsu_principal),
        step_url("decide", p),
        {"decision": "admit", "decision_reason": "Uppfyller kriterierna."},
    )
    assert response.status_code == 302
    # Admitted: the group now sees the pupil, and goes to the pupil page.
    assert response["Location"] == reverse("cases:student_detail", args=[world.pupil_a.pk])
    p.refresh_from_db()
    assert p.status == S.ADMITTED


def test_social_side_declines_and_returns_to_the_list(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    meeting = admission_meeting(world, world.pupil_a)
    response = csrf_post(
        client_for(world.sip_kungsholmen),
        step_url("decide", p),
        {
            "decision": "decline",
            "decision_reason": "Annat stöd först.",
            "admission_meeting": meeting.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    p.refresh_from_db()
    assert (p.status, p.admission_meeting) == (S.DECLINED, meeting)


def test_deciding_twice_is_400_with_the_reason(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.DECLINED)
    client = client_for(groups.rsu_principal)
    assert client.get(step_url("decide", p)).context["form"] is None
    response = csrf_post(
        client, step_url("decide", p), {"decision": "admit", "decision_reason": "x"}
    )
    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors().as_data()
    assert error.code == "transition"
    p.refresh_from_db()
    assert p.status == S.DECLINED


def test_bad_decision_input_is_400(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    response = csrf_post(
        client_for(groups.rsu_principal), step_url("decide", p), {"decision": "maybe"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 403),
        ("rsu_teacher", 403),
        ("sip_kungsholmen", 403),
        ("principal_b", 404),
        ("principal_a", 200),
        ("rsu_principal", 200),
    ],
)
def test_start_and_end_pages_by_persona(world, groups, client_for, persona, status):
    admitted = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ADMITTED)
    active = placement(
        world.pupil_a_lives_sodermalm, groups.rsu, world.principal_a, status=S.ACTIVE
    )
    client = client_for(who(world, groups, persona))
    assert client.get(step_url("start", admitted)).status_code == status
    assert client.get(step_url("end", active)).status_code == status


def test_start_and_end_through_the_pages(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ADMITTED)
    client = client_for(world.principal_a)
    today = timezone.localdate()
    assert csrf_post(client, step_url("start", p), {"starts_on": today}).status_code == 302
    response = csrf_post(
        client,
        step_url("end", p),
        {"ends_on": today - datetime.timedelta(days=1), "end_reason": "x"},
    )
    assert response.status_code == 400  # before the start
    response = csrf_post(client, step_url("end", p), {"ends_on": today, "end_reason": "Klar."})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.starts_on, p.ends_on) == (S.ENDED, today, today)


def test_start_out_of_turn_is_400(world, groups, client_for, csrf_post):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    response = csrf_post(
        client_for(world.principal_a), step_url("start", p), {"starts_on": timezone.localdate()}
    )
    assert response.status_code == 400
    assert Placement.objects.get(pk=p.pk).status == S.APPLIED


@pytest.mark.parametrize("persona", ["manager_kungsholmen", "admin", "log_reviewer", "nobody"])
def test_placement_list_is_forbidden_for_roles_without_pupils(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(LIST).status_code == 403


def test_placement_list_shows_applications_to_decide_first(world, groups, client_for):
    active = placement(
        world.pupil_a_lives_sodermalm, groups.rsu, world.principal_a, status=S.ACTIVE
    )
    applied = placement(world.pupil_a, groups.rsu, world.principal_a)
    response = client_for(groups.rsu_principal).get(LIST)
    rows = response.context["rows"]
    assert [r["placement"] for r in rows] == [applied, active]
    assert rows[0]["may_decide"]
    assert step_url("decide", applied) in response.content.decode()


def test_placement_list_for_the_antagningsgrupp_has_no_pupil_link(world, groups, client_for):
    p = placement(world.pupil_a, groups.rsu, world.principal_a)
    response = client_for(world.sip_kungsholmen).get(LIST)
    body = response.content.decode()
    assert p.student.last_name in body
    assert reverse("cases:student_detail", args=[world.pupil_a.pk]) not in body
    assert step_url("decide", p) in body


def test_placement_list_shows_nothing_of_other_schools(world, groups, client_for):
    placement(world.pupil_a, groups.rsu, world.principal_a)
    response = client_for(world.principal_b).get(LIST)
    assert response.context["rows"] == []


def test_placement_list_queries_do_not_grow(
    world, groups, client_for, django_assert_max_num_queries
):
    for _ in range(15):
        placement(StudentFactory(school_unit=world.school_a), groups.rsu, world.principal_a)
    client = client_for(world.principal_a)
    # +2: the access-log row and its pupils (portal.accesslog).
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 15


# --- the pupil page's placements section, persona by persona ---------------------------------


@pytest.fixture
def placed(world, groups):
    """pupil_a is active in the RSU."""
    return placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ACTIVE)


def section_keys(client, student):
    response = client.get(reverse("cases:student_detail", args=[student.pk]))
    if response.status_code != 200:
        return response.status_code
    return {section.key for section, _ctx in response.context["sections"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher_a", True),
        ("principal_a", True),
        ("health_a", True),
        ("rsu_teacher", True),
        ("rsu_principal", True),
        ("teacher_b", 404),
        ("social_kungsholmen", 404),
        ("manager_kungsholmen", 403),
        ("admin", 403),
    ],
)
def test_placements_section_by_persona(world, groups, placed, client_for, persona, expected):
    keys = section_keys(client_for(who(world, groups, persona)), world.pupil_a)
    if expected in (403, 404):
        assert keys == expected
    else:
        assert ("placements" in keys) is expected


def test_placements_section_for_the_social_side_with_and_without_consent(
    world, groups, placed, client_for
):
    client = client_for(world.social_kungsholmen)
    share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a], ["student_health"])
    assert "placements" not in section_keys(client, world.pupil_a)
    share(world, world.pupil_a, [world.intake_kungsholmen, world.school_a])
    assert "placements" in section_keys(client, world.pupil_a)


def test_placements_section_offers_the_next_step_to_who_may_take_it(world, groups, client_for):
    p = placement(world.pupil_a, groups.rsu, world.principal_a, status=S.ADMITTED)
    url = reverse("cases:student_detail", args=[world.pupil_a.pk])
    assert step_url("start", p) in client_for(world.principal_a).get(url).content.decode()
    assert step_url("start", p) not in client_for(world.teacher_a).get(url).content.decode()
    assert new_url(world.pupil_a) in client_for(world.principal_a).get(url).content.decode()
    assert new_url(world.pupil_a) not in client_for(world.teacher_a).get(url).content.decode()
