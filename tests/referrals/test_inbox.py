"""The social side: the district's inbox, registering phone reports, assignment."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Concern, ConcernEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("referrals:inbox")
REGISTER = reverse("referrals:concern_register")
STHLM = ZoneInfo("Europe/Stockholm")


def case_url(concern, action=""):
    name = f"referrals:case_{action}" if action else "referrals:case"
    return reverse(name, args=[concern.pk])


def test_inbox_as_anonymous_redirects(world, client_for):
    assert client_for().get(INBOX).status_code == 302


@pytest.mark.parametrize(
    "persona",
    [
        "teacher_a",
        "principal_a",
        "sip_kungsholmen",
        "manager_kungsholmen",
        "admin",
        "log_reviewer",
        "nobody",
    ],
)
def test_inbox_is_for_social_workers_only(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(INBOX).status_code == 403


def test_a_report_lands_in_the_home_districts_inbox_only(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    sodermalm = client_for(world.social_sodermalm).get(INBOX).context["rows"]
    kungsholmen = client_for(world.social_kungsholmen).get(INBOX).context["rows"]
    assert [r["concern"] for r in sodermalm] == [concern]
    assert kungsholmen == []


def test_inbox_is_sorted_by_what_is_due_first_with_deadline_states(world, client_for, file_concern):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        old = file_concern(world.teacher_a, world.pupil_a)
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, 0, tzinfo=STHLM), tick=False):
        new = file_concern(world.teacher_a, world.pupil_a)
        services.protection_assessment_record(
            concern=new,
            by=world.social_kungsholmen,
            immediate_protection_needed=False,
            reasoning="Ingen akut fara.",
        )
        services.protection_assessment_record(
            concern=old,
            by=world.social_kungsholmen,
            immediate_protection_needed=False,
            reasoning="Ingen akut fara.",
        )
        rows = client_for(world.social_kungsholmen).get(INBOX).context["rows"]
    assert [r["concern"] for r in rows] == [old, new]
    # Received 2 Nov: the 14 days end 16 Nov, today.
    assert rows[0]["preliminary"] == "due_today"
    assert rows[1]["preliminary"] == "on_time"
    assert rows[0]["protection"] == "done"


def test_overdue_skyddsbedomning_shows_first(world, client_for, file_concern):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        late = file_concern(world.teacher_a, world.pupil_a)
    with time_machine.travel(datetime.datetime(2026, 11, 4, 9, 0, tzinfo=STHLM), tick=False):
        fresh = file_concern(world.teacher_a, world.pupil_a)
        rows = client_for(world.social_kungsholmen).get(INBOX).context["rows"]
    assert [r["concern"] for r in rows] == [late, fresh]
    assert rows[0]["protection"] == "overdue"
    assert rows[1]["protection"] == "due_today"


def test_decided_reports_move_to_the_decided_tab(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="Behov finns."
    )
    client = client_for(world.social_kungsholmen)
    assert client.get(INBOX).context["rows"] == []
    assert [r["concern"] for r in client.get(INBOX, {"show": "decided"}).context["rows"]] == [
        concern
    ]


def test_inbox_query_count_does_not_grow(
    world, client_for, file_concern, django_assert_max_num_queries
):
    for _ in range(15):
        file_concern(world.teacher_a, world.pupil_a)
    client = client_for(world.social_kungsholmen)
    # +2: the access-log row and its pupils (portal.accesslog); +1: the district's
    # units, so that the inbox's partial index is searched per unit; +1: the page's
    # keys are read before its rows (portal.paging.page_of).
    with django_assert_max_num_queries(14):
        response = client.get(INBOX)
    assert len(response.context["rows"]) == 15


# --- not searchable: a report that did not lead to an utredning ---


def _not_opened(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision="not_open",
        reasoning="Ingen grund för utredning.",
    )
    return concern


def test_not_opened_report_is_not_found_by_name_or_personnummer(world, client_for, file_concern):
    concern = _not_opened(world, file_concern)
    client = client_for(world.social_kungsholmen)
    for text in (world.pupil_a.personnummer, world.pupil_a.last_name):
        rows = client.get(INBOX, {"q": text, "show": "decided"}).context["rows"]
        assert rows == [], text
    rows = client.get(INBOX, {"q": concern.reference, "show": "decided"}).context["rows"]
    assert [r["concern"] for r in rows] == [concern]


def test_not_opened_report_does_not_make_the_pupil_findable(world, client_for, file_concern):
    _not_opened(world, file_concern)
    response = client_for(world.social_kungsholmen).get(
        reverse("cases:student_list"), {"q": world.pupil_a.personnummer}
    )
    assert response.context["students"] == []


def test_a_pending_report_makes_the_pupil_visible_to_the_district(world, client_for, file_concern):
    file_concern(world.teacher_a, world.pupil_a)
    kungsholmen = client_for(world.social_kungsholmen).get(reverse("cases:student_list"))
    sodermalm = client_for(world.social_sodermalm).get(reverse("cases:student_list"))
    assert kungsholmen.context["students"] == [world.pupil_a]
    assert sodermalm.context["students"] == []


# --- the case page and the wrong district ---


@pytest.mark.parametrize(
    ("action", "method"),
    [
        ("", "get"),
        ("assign", "post"),
        ("protection", "post"),
        ("extend", "post"),
        ("decide", "post"),
        ("meeting", "post"),
        ("meeting_skip", "post"),
        ("meeting_notes", "post"),
    ],
)
def test_wrong_districts_social_worker_gets_404_on_every_case_url(
    world, client_for, csrf_post, file_concern, action, method
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    client = client_for(world.social_sodermalm)
    url = case_url(concern, action)
    response = client.get(url) if method == "get" else csrf_post(client, url, {})
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "manager_kungsholmen", "admin"])
def test_case_page_is_forbidden_for_other_roles(world, client_for, file_concern, persona):
    concern = file_concern(world.teacher_a, world.pupil_a)
    assert client_for(getattr(world, persona)).get(case_url(concern)).status_code == 403


def test_case_page_as_anonymous_redirects(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    assert client_for().get(case_url(concern)).status_code == 302


def test_case_page_shows_the_report(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, worry="Särskild oro XYZ")
    body = client_for(world.social_kungsholmen).get(case_url(concern)).content.decode()
    assert "Särskild oro XYZ" in body
    assert world.pupil_a.personnummer_display in body


# --- assignment ---


def test_assign_and_reassign_are_logged(world, client_for, csrf_post, file_concern):
    colleague = UserFactory(username="socsek2")
    MembershipFactory(user=colleague, unit=world.investigation_kungsholmen, role="social_worker")
    concern = file_concern(world.teacher_a, world.pupil_a)
    client = client_for(world.social_kungsholmen)
    assert (
        csrf_post(
            client, case_url(concern, "assign"), {"assignee": world.social_kungsholmen.pk}
        ).status_code
        == 302
    )
    assert (
        csrf_post(client, case_url(concern, "assign"), {"assignee": colleague.pk}).status_code
        == 302
    )
    concern.refresh_from_db()
    assert concern.assigned_to == colleague
    events = list(concern.events.filter(kind=ConcernEvent.Kind.ASSIGNED))
    assert len(events) == 2
    assert "→" in events[1].detail


def test_cannot_assign_to_another_districts_worker(world, client_for, csrf_post, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    response = csrf_post(
        client_for(world.social_kungsholmen),
        case_url(concern, "assign"),
        {"assignee": world.social_sodermalm.pk},
    )
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.assigned_to is None


# --- reports received by phone or letter ---


def phone_report(world, **changes):
    data = {
        "personnummer": world.pupil_a_lives_sodermalm.personnummer,
        "channel": "phone",
        "received_at": "2026-11-20T10:15",
        "reporter_is_professional": "on",
        "reporter_name": "Polisen Sven",
        "reporter_organisation": "Polismyndigheten",
        "reporter_contact": "114 14",
        "categories": ["criminality"],
        "worry": "Eleven har setts med äldre kriminella.",
    }
    data.update(changes)
    return data


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STHLM), tick=False)
def test_phone_report_is_routed_to_the_home_district(world, client_for, csrf_post):
    response = csrf_post(client_for(world.social_kungsholmen), REGISTER, phone_report(world))
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert concern.intake_unit == world.intake_sodermalm
    assert concern.channel == "phone"
    assert concern.reporter is None
    assert concern.registered_by == world.social_kungsholmen
    assert timezone.localtime(concern.received_at).hour == 10


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STHLM), tick=False)
def test_a_professional_reporter_cannot_be_anonymous(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.social_kungsholmen), REGISTER, phone_report(world, reporter_name="")
    )
    assert response.status_code == 400
    assert "reporter_name" in response.context["form"].errors
    assert not Concern.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STHLM), tick=False)
def test_a_private_person_may_be_anonymous(world, client_for, csrf_post):
    data = phone_report(world, reporter_name="", reporter_organisation="", reporter_contact="")
    del data["reporter_is_professional"]
    assert csrf_post(client_for(world.social_kungsholmen), REGISTER, data).status_code == 302
    assert Concern.objects.get().reporter_name == ""


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STHLM), tick=False)
def test_phone_report_about_an_unknown_pupil_is_refused(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        REGISTER,
        phone_report(world, personnummer="20170101-2393"),
    )
    assert response.status_code == 400
    assert "personnummer" in response.context["form"].errors
    assert not Concern.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=STHLM), tick=False)
def test_phone_report_received_in_the_future_is_refused(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        REGISTER,
        phone_report(world, received_at="2026-11-21T10:00"),
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "sip_kungsholmen"])
def test_register_is_for_social_workers_only(world, client_for, csrf_post, persona):
    client = client_for(getattr(world, persona))
    assert client.get(REGISTER).status_code == 403
    assert csrf_post(client, REGISTER, phone_report(world)).status_code == 403
    assert not Concern.objects.exists()
