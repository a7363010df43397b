"""Local collaboration forums: who reads and edits them, the police as an external
contact without access, the lägesbild of suppressed aggregates, minutes refused
when they hold personal data, and the reminder before an agreement's review."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from portal import rules
from portal.audit_models import AccessLog
from portal.forums import selectors, services
from portal.forums.minutes import personnummer_like
from portal.forums.models import CollaborationAgreement, ForumMeeting, ForumMember
from portal.forums.reminders import AGREEMENT_REVIEW, REVIEW_WARNING_DAYS
from portal.forums.situation import situation_for
from portal.models import Reminder
from portal.reminders import at_local
from tests.factories import StudentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world):
    return services.forum_create(
        by=world.manager_kungsholmen, district=world.kungsholmen, name="LOS Kungsholmen"
    )


@pytest.fixture
def meeting(world, forum):
    return services.forum_meeting_save(
        by=world.manager_kungsholmen,
        forum=forum,
        held_on=timezone.localdate() + datetime.timedelta(days=1),
        agenda="1. Lägesbild",
    )


@pytest.fixture
def agreement(world):
    today = timezone.localdate()
    return services.agreement_save(
        by=world.manager_kungsholmen,
        district=world.kungsholmen,
        title="Överenskommelse skola–soc–polis",
        parties="SDF, skolorna, polisen",
        with_school=True,
        with_police=True,
        signed_on=today - datetime.timedelta(days=300),
        review_on=today + datetime.timedelta(days=60),
    )


# --- who reads, who edits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["manager_kungsholmen", "social_kungsholmen", "sip_kungsholmen", "principal_a"]
)
def test_the_districts_managers_social_services_and_principals_read(world, forum, persona):
    assert list(selectors.forums_visible_to(getattr(world, persona))) == [forum]


@pytest.mark.parametrize(
    "persona",
    ["teacher_a", "health_a", "principal_b", "social_sodermalm", "manager_sodermalm", "nobody"],
)
def test_others_do_not_see_the_forum(world, forum, persona):
    assert not selectors.forums_visible_to(getattr(world, persona)).exists()


@pytest.mark.parametrize("persona", ["social_kungsholmen", "principal_a", "manager_sodermalm"])
def test_only_the_districts_managers_edit(world, forum, persona):
    with pytest.raises(PermissionDenied):
        services.forum_meeting_save(
            by=getattr(world, persona), forum=forum, held_on=timezone.localdate()
        )


# --- the views: anonymous, wrong persona, right persona -------------------------------------


def _urls(forum, meeting, agreement):
    return {
        "forums:list": (reverse("forums:list"), "read"),
        "forums:new": (reverse("forums:new"), "edit"),
        "forums:detail": (reverse("forums:detail", args=[forum.pk]), "read"),
        "forums:member_add": (reverse("forums:member_add", args=[forum.pk]), "edit"),
        "forums:meeting_new": (reverse("forums:meeting_new", args=[forum.pk]), "edit"),
        "forums:meeting_detail": (reverse("forums:meeting_detail", args=[meeting.pk]), "read"),
        "forums:meeting_edit": (reverse("forums:meeting_edit", args=[meeting.pk]), "edit"),
        "forums:agreement_new": (reverse("forums:agreement_new", args=[forum.pk]), "edit"),
        "forums:agreement_edit": (reverse("forums:agreement_edit", args=[agreement.pk]), "edit"),
    }


def test_every_forum_page_sends_the_anonymous_to_log_in(
    world, forum, meeting, agreement, client_for
):
    client = client_for()
    for url, _need in _urls(forum, meeting, agreement).values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_every_forum_page_refuses_roles_without_forums(
    world, forum, meeting, agreement, client_for
):
    for persona in (world.teacher_a, world.health_a, world.nobody, world.log_reviewer):
        client = client_for(persona)
        for url, _need in _urls(forum, meeting, agreement).values():
            assert client.get(url).status_code == 403, (persona, url)


def test_forum_pages_of_another_district_are_not_found(
    world, forum, meeting, agreement, client_for
):
    client = client_for(world.manager_sodermalm)
    for name, (url, _need) in _urls(forum, meeting, agreement).items():
        if name in ("forums:list", "forums:new"):
            continue
        assert client.get(url).status_code == 404, url


def test_readers_read_and_are_refused_editing(world, forum, meeting, agreement, client_for):
    client = client_for(world.social_kungsholmen)
    for url, need in _urls(forum, meeting, agreement).values():
        assert client.get(url).status_code == (200 if need == "read" else 403), url


def test_the_district_manager_opens_every_page(world, forum, meeting, agreement, client_for):
    client = client_for(world.manager_kungsholmen)
    for name, (url, _need) in _urls(forum, meeting, agreement).items():
        # The district already has its forum: there is nothing left to create.
        expected = 403 if name == "forums:new" else 200
        assert client.get(url).status_code == expected, url


def test_a_manager_creates_the_forum_and_books_a_meeting(world, client_for, csrf_post):
    client = client_for(world.manager_kungsholmen)
    response = csrf_post(
        client,
        reverse("forums:new"),
        {"district": world.kungsholmen.pk, "name": "LOS Kungsholmen"},
    )
    assert response.status_code == 302
    forum = world.kungsholmen.forum
    response = csrf_post(
        client,
        reverse("forums:meeting_new", args=[forum.pk]),
        {"held_on": timezone.localdate().isoformat(), "minutes": "Fler unga vid torget."},
    )
    assert response.status_code == 302
    assert ForumMeeting.objects.get().minutes == "Fler unga vid torget."


def test_a_manager_records_an_agreement_through_the_page(world, forum, client_for, csrf_post):
    today = timezone.localdate()
    response = csrf_post(
        client_for(world.manager_kungsholmen),
        reverse("forums:agreement_new", args=[forum.pk]),
        {
            "title": "Överenskommelse",
            "parties": "SDF och polisen",
            "with_police": "on",
            "signed_on": today.isoformat(),
            "review_on": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not CollaborationAgreement.objects.exists()


# --- the police: an external contact, never an account ------------------------------------------


def test_police_are_an_external_contact_without_a_unit(world, forum):
    member = services.forum_member_add(
        by=world.manager_kungsholmen,
        forum=forum,
        kind=ForumMember.Kind.POLICE,
        organisation="Polisen, lokalpolisområde Norrmalm",
        contact_name="Kommunpolis",
    )
    assert member.is_external and member.unit is None
    assert not hasattr(member, "user")
    with pytest.raises(ValidationError):
        services.forum_member_add(
            by=world.manager_kungsholmen,
            forum=forum,
            kind=ForumMember.Kind.POLICE,
            unit=world.intake_kungsholmen,
            organisation="Polisen",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ForumMember.objects.create(forum=forum, kind="police", unit=world.school_a)


def test_a_police_officer_with_an_account_but_no_role_reaches_no_case_data(
    world, forum, meeting, client_for, file_concern
):
    file_concern(world.teacher_a, world.pupil_a)
    officer = UserFactory(username="kommunpolis")
    client = client_for(officer)
    assert client.get(reverse("cases:student_list")).status_code == 403
    assert client.get(reverse("cases:student_detail", args=[world.pupil_a.pk])).status_code in (
        403,
        404,
    )
    assert client.get(reverse("referrals:inbox")).status_code == 403
    assert client.get(reverse("forums:meeting_detail", args=[meeting.pk])).status_code == 403


# --- the minutes hold no personal data ---------------------------------------------------------


def _save_minutes(world, forum, text):
    return services.forum_meeting_save(
        by=world.manager_kungsholmen, forum=forum, held_on=timezone.localdate(), minutes=text
    )


@pytest.mark.parametrize(
    "text",
    ["Eleven 20120315-2385 har", "gäller 120315-2385.", "nr 1203152385 i", "samord 120375-2389"],
)
def test_a_personnummer_like_number_is_refused(world, forum, text):
    assert personnummer_like(text)
    with pytest.raises(ValidationError) as error:
        _save_minutes(world, forum, text)
    assert "minutes" in error.value.error_dict
    assert not ForumMeeting.objects.exists()


@pytest.mark.parametrize("text", ["Möte 2025-03-15 kl 18.00", "Tel 08-508 000 00", "År 2024"])
def test_ordinary_dates_and_numbers_pass(world, forum, text):
    assert not personnummer_like(text)
    assert _save_minutes(world, forum, text).minutes == text


def test_the_name_of_a_pupil_of_the_district_is_refused(world, forum):
    for pupil in (world.pupil_a, world.pupil_a_lives_sodermalm):
        for text in (
            f"Vi pratade om {pupil.first_name} {pupil.last_name} i går.",
            f"{pupil.last_name.upper()}, {pupil.first_name.lower()} syns ofta.",
        ):
            with pytest.raises(ValidationError):
                _save_minutes(world, forum, text)
    assert not ForumMeeting.objects.exists()


def test_a_pupil_living_and_schooled_elsewhere_is_not_looked_for(world, forum):
    text = f"{world.pupil_b.first_name} {world.pupil_b.last_name}"
    assert _save_minutes(world, forum, text).minutes == text


def test_the_minutes_page_shows_the_refusal_and_saves_nothing(
    world, forum, meeting, client_for, csrf_post
):
    pupil = world.pupil_a
    client = client_for(world.manager_kungsholmen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    with translation.override("en"):
        response = csrf_post(
            client,
            reverse("forums:meeting_edit", args=[meeting.pk]),
            {
                "held_on": meeting.held_on.isoformat(),
                "minutes": f"{pupil.first_name} {pupil.last_name} var där.",
            },
        )
    assert response.status_code == 400
    assert "personal data" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""
    # Trying names to learn who is a pupil of the district leaves a trace.
    row = AccessLog.objects.filter(record_kinds__contains=",forum_minutes_check,").get()
    assert row.user == world.manager_kungsholmen
    assert list(row.subjects.values_list("student_id", flat=True)) == [pupil.pk]


# --- the lägesbild ---------------------------------------------------------------------


def _pupils(world, district, count):
    return [
        StudentFactory(school_unit=world.school_a, home_district=district) for _i in range(count)
    ]


def _cells(tables):
    for table in tables:
        for row in table.rows:
            yield table, row, row.cells


def test_the_lagesbild_suppresses_every_small_count(world, meeting, file_concern):
    for pupil in _pupils(world, world.kungsholmen, 3):
        file_concern(world.teacher_a, pupil, categories=["mental_ill_health"])
    tables = situation_for(meeting, today=meeting.held_on)
    keys = {t.key for t in tables}
    assert {"concerns_by_category", "suspensions", "absence_trend"} <= keys
    row = next(t for t in tables if t.key == "concerns_by_category").row("mental_ill_health")
    assert row.cell("total").state == "small"
    assert row.cell("total").text == f"<{rules.DASHBOARD_SUPPRESSION_THRESHOLD}"
    for _table, _row, cells in _cells(tables):
        for cell in cells.values():
            if cell.state == "shown" and isinstance(cell.value, int):
                assert not 0 < cell.value < rules.DASHBOARD_SUPPRESSION_THRESHOLD


def test_the_lagesbild_counts_only_the_forums_district(world, meeting, file_concern):
    for pupil in _pupils(world, world.kungsholmen, 6):
        file_concern(world.teacher_a, pupil, categories=["mental_ill_health"])
    for pupil in _pupils(world, world.sodermalm, 5):
        file_concern(world.teacher_a, pupil, categories=["mental_ill_health"])
    tables = situation_for(meeting, today=meeting.held_on)
    row = next(t for t in tables if t.key == "concerns_by_category").row("mental_ill_health")
    assert row.cell("total").value == 6


def test_the_meeting_page_shows_the_lagesbild_and_no_pupil(
    world, meeting, client_for, file_concern
):
    for pupil in _pupils(world, world.kungsholmen, 2):
        file_concern(world.teacher_a, pupil, categories=["mental_ill_health"])
    response = client_for(world.principal_a).get(
        reverse("forums:meeting_detail", args=[meeting.pk])
    )
    body = response.content.decode()
    assert 'id="situation"' in body and "&lt;5" in body
    assert world.pupil_a.last_name not in body


# --- agreements and their review reminder ------------------------------------------------------


def test_a_reminder_reaches_the_district_managers_before_the_review(world, agreement):
    row = Reminder.objects.get(kind=AGREEMENT_REVIEW)
    assert row.recipient == world.manager_kungsholmen
    due_day = agreement.review_on - datetime.timedelta(days=REVIEW_WARNING_DAYS)
    assert row.due_at == at_local(due_day, rules.DEADLINE_REMINDER_HOUR)


def test_moving_the_review_date_moves_the_reminder(world, agreement):
    later = agreement.review_on + datetime.timedelta(days=100)
    services.agreement_save(
        by=world.manager_kungsholmen,
        district=world.kungsholmen,
        agreement=agreement,
        title=agreement.title,
        parties=agreement.parties,
        with_school=True,
        with_police=False,
        signed_on=agreement.signed_on,
        review_on=later,
    )
    row = Reminder.objects.get(kind=AGREEMENT_REVIEW)
    assert row.due_at == at_local(
        later - datetime.timedelta(days=REVIEW_WARNING_DAYS), rules.DEADLINE_REMINDER_HOUR
    )
    assert row.status == Reminder.Status.PENDING


def test_the_reminder_is_sent_to_the_manager(world, agreement, send_due_reminders):
    import time_machine

    row = Reminder.objects.get(kind=AGREEMENT_REVIEW)
    with time_machine.travel(row.due_at + datetime.timedelta(minutes=1)):
        assert send_due_reminders() == 1
    row.refresh_from_db()
    assert row.status == Reminder.Status.SENT
    assert world.manager_kungsholmen.notifications.exists()


def test_the_demo_has_a_kungsholmen_forum_with_a_meeting_and_an_agreement_due(settings):
    from django.core.management import call_command

    from portal.forums.models import Forum

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    forum = Forum.objects.get(district__code="kungsholmen")
    assert forum.members.filter(kind=ForumMember.Kind.POLICE, unit__isnull=True).count() == 1
    meeting = forum.meetings.get()
    assert situation_for(meeting)
    agreement = CollaborationAgreement.objects.get(district=forum.district)
    assert Reminder.objects.filter(
        kind=AGREEMENT_REVIEW, subject=f"agreement:{agreement.pk}"
    ).exists()


def test_the_forum_list_does_not_grow_its_queries_with_members(world, forum, agreement, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.principal_a)
    client.get(reverse("forums:list"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("forums:list")).status_code == 200
        return len(captured)

    before = queries()
    for code in ("a", "b", "c", "d"):
        services.forum_member_add(
            by=world.manager_kungsholmen, forum=forum, kind="other", organisation=code
        )
    assert queries() == before


def test_the_edit_pages_open_with_what_is_saved(world, meeting, agreement, client_for):
    client = client_for(world.manager_kungsholmen)
    page = client.get(reverse("forums:meeting_edit", args=[meeting.pk])).content.decode()
    assert "1. Lägesbild</textarea>" in page
    assert f'value="{meeting.held_on.isoformat()}"' in page
    page = client.get(reverse("forums:agreement_edit", args=[agreement.pk])).content.decode()
    assert 'value="Överenskommelse skola–soc–polis"' in page
    assert 'value="SDF, skolorna, polisen"' in page
    assert f'value="{agreement.review_on.isoformat()}"' in page
