"""Begäran om uppgifter: the social worker asks the school in an open utredning,
the school answers in the portal and sees nothing else of the utredning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Placement
from portal import rules
from portal.access import compute_scope
from portal.models import Reminder, Unit
from portal.roles import Role
from portal.worklist import todo_for
from referrals import services as referral_services
from referrals.information_requests import reminders, selectors, services
from referrals.models import InformationAnswer, InformationAttachment, InformationRequest
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
WORRY = "Eleven har blåmärken och berättar att pappa slår."
REASONING = "Misstanke om våld: utredning inleds."


def upload(content=PDF, name="betyg.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def investigation(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, worry=WORRY)
    referral_services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning=REASONING
    )
    return concern.investigations.get()


@pytest.fixture
def rsu(world):
    """An RSU group with a principal, where pupil_a is placed."""
    group = UnitFactory(
        code="rsu-test", name="RSU Test", kind=Unit.Kind.SPECIAL_GROUP, district=world.kungsholmen
    )
    principal = UserFactory(username="rektor_rsu")
    MembershipFactory(user=principal, unit=group, role=Role.PRINCIPAL)
    Placement.objects.create(
        student=world.pupil_a,
        group=group,
        status=Placement.Status.ACTIVE,
        reason="Behöver mindre grupp.",
        applied_by=world.principal_a,
        applied_at=timezone.now(),
        starts_on=timezone.localdate(),
    )
    return group, principal


@pytest.fixture
def sent(world, investigation):
    return services.information_request_send(
        by=world.social_kungsholmen,
        investigation=investigation,
        recipient_unit=world.school_a,
        questions="Hur är närvaron och hur fungerar eleven i klassen?",
        bbic_area="education",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )


def new_url(investigation):
    return reverse("referrals:information_request_new", args=[investigation.pk])


def detail_url(item):
    return reverse("referrals:information_request_detail", args=[item.pk])


def answer_url(item):
    return reverse("referrals:information_request_answer", args=[item.pk])


def assign_url(item):
    return reverse("referrals:information_request_assign", args=[item.pk])


LIST_URL = "/referrals/requests/"


def request_data(world, **changes):
    data = {
        "recipient_unit": world.school_a.pk,
        "bbic_area": "education",
        "questions": "Hur är närvaron?",
        "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(changes)
    return data


# --- sending ---


def test_send_as_anonymous_redirects_to_login(investigation, client_for):
    assert client_for().get(new_url(investigation)).status_code == 302


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "manager_kungsholmen", "nobody"])
def test_send_is_forbidden_for_other_roles(world, investigation, client_for, persona):
    assert client_for(getattr(world, persona)).get(new_url(investigation)).status_code == 403


def test_send_in_another_districts_utredning_is_404(world, investigation, client_for, csrf_post):
    client = client_for(world.social_sodermalm)
    assert client.get(new_url(investigation)).status_code == 404
    assert csrf_post(client, new_url(investigation), request_data(world)).status_code == 404
    assert not InformationRequest.objects.exists()


def test_social_worker_sends_a_request_with_the_legal_ground(
    world, investigation, client_for, csrf_post
):
    client = client_for(world.social_kungsholmen)
    assert client.get(new_url(investigation)).status_code == 200
    response = csrf_post(client, new_url(investigation), request_data(world))
    assert response.status_code == 302
    item = InformationRequest.objects.get()
    assert item.legal_ground == rules.LEGAL_GROUND_INFORMATION_REQUEST
    assert item.recipient_unit == world.school_a
    assert item.requesting_unit == investigation.unit
    assert item.student == world.pupil_a


def test_the_date_must_be_in_the_future(world, investigation, client_for, csrf_post):
    today = timezone.localdate().isoformat()
    response = csrf_post(
        client_for(world.social_kungsholmen),
        new_url(investigation),
        request_data(world, due_on=today),
    )
    assert response.status_code == 400
    assert "due_on" in response.context["form"].errors
    assert not InformationRequest.objects.exists()


def test_a_unit_the_pupil_is_not_in_is_refused(world, investigation):
    with pytest.raises(ValidationError) as exc:
        services.information_request_send(
            by=world.social_kungsholmen,
            investigation=investigation,
            recipient_unit=world.school_b,
            questions="?",
            bbic_area="education",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert "recipient_unit" in exc.value.error_dict


def test_the_group_the_pupil_is_placed_in_may_receive_it(world, investigation, rsu):
    group, principal = rsu
    assert set(selectors.recipient_units_for(world.pupil_a)) == {world.school_a, group}
    item = services.information_request_send(
        by=world.social_kungsholmen,
        investigation=investigation,
        recipient_unit=group,
        questions="Hur fungerar eleven i gruppen?",
        bbic_area="education",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert list(selectors.information_requests_for_school(principal)) == [item]
    assert not selectors.information_requests_for_school(world.principal_a).exists()


def test_no_request_in_a_closed_utredning(world, investigation):
    referral_services.investigation_close(
        investigation=investigation,
        by=world.social_kungsholmen,
        outcome="no_intervention",
        notes="",
    )
    investigation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.information_request_send(
            by=world.social_kungsholmen,
            investigation=investigation,
            recipient_unit=world.school_a,
            questions="?",
            bbic_area="education",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )


def test_only_social_workers_of_the_district_may_send(world, investigation):
    with pytest.raises(PermissionDenied):
        services.information_request_send(
            by=world.social_sodermalm,
            investigation=investigation,
            recipient_unit=world.school_a,
            questions="?",
            bbic_area="education",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )


# --- the school's inbox ---


def test_school_list_as_anonymous_redirects(client_for):
    assert client_for().get(LIST_URL).status_code == 302


@pytest.mark.parametrize("persona", ["social_kungsholmen", "manager_kungsholmen", "nobody"])
def test_school_list_is_forbidden_for_other_roles(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(LIST_URL).status_code == 403


def test_principal_sees_the_request_in_the_list(world, sent, client_for):
    response = client_for(world.principal_a).get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["open_requests"]) == [sent]


def test_other_staff_and_other_schools_see_no_request(world, sent, client_for):
    for persona in (world.teacher_a, world.principal_b):
        response = client_for(persona).get(LIST_URL)
        assert response.status_code == 200
        assert response.context["open_requests"] == []


@pytest.mark.parametrize("persona", ["teacher_a", "principal_b", "teacher_b"])
def test_detail_outside_ones_view_is_404(world, sent, client_for, persona):
    assert client_for(getattr(world, persona)).get(detail_url(sent)).status_code == 404


@pytest.mark.parametrize("persona", ["social_kungsholmen", "manager_kungsholmen", "admin"])
def test_detail_is_forbidden_for_non_school_roles(world, sent, client_for, persona):
    assert client_for(getattr(world, persona)).get(detail_url(sent)).status_code == 403


def test_principal_sees_the_request_and_nothing_else_of_the_utredning(
    world, sent, investigation, client_for
):
    with translation.override("en"):
        response = client_for(world.principal_a).get(detail_url(sent))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hur är närvaron och hur fungerar eleven i klassen?" in page
    assert rules.LEGAL_GROUND_INFORMATION_REQUEST in page
    # Nothing of the report, the assessment or the utredning itself.
    assert WORRY not in page
    assert REASONING not in page
    assert investigation.concern.reference not in page
    assert reverse("referrals:case", args=[investigation.concern_id]) not in page
    assert "Violence" not in page


def test_the_school_keeps_seeing_only_its_request_after_answering(
    world, sent, investigation, client_for, csrf_post
):
    client = client_for(world.principal_a)
    csrf_post(client, answer_url(sent), {"text": "Närvaron är 70 procent."})
    page = client.get(detail_url(sent)).content.decode()
    assert "Närvaron är 70 procent." in page
    assert WORRY not in page and REASONING not in page
    # The pupil page shows the school no trace of the utredning either.
    pupil_page = client.get(reverse("cases:student_detail", args=[world.pupil_a.pk]))
    assert "section-information_requests" not in pupil_page.content.decode()
    assert "section-shared_investigations" not in pupil_page.content.decode()
    assert WORRY not in pupil_page.content.decode()


# --- answering ---


def test_answer_as_anonymous_redirects(sent, client_for):
    assert client_for().post(answer_url(sent)).status_code in (302, 403)
    assert not InformationAnswer.objects.exists()


def test_teacher_not_assigned_cannot_answer(world, sent, client_for, csrf_post):
    response = csrf_post(client_for(world.teacher_a), answer_url(sent), {"text": "x"})
    assert response.status_code == 404
    assert not InformationAnswer.objects.exists()


def test_principal_answers_with_attachments(world, sent, client_for, csrf_post):
    client = client_for(world.principal_a)
    response = csrf_post(
        client,
        answer_url(sent),
        {
            "text": "Eleven fungerar bra i klassen.",
            "attachments": [upload(), upload(PNG, "a.png", "image/png")],
        },
    )
    assert response.status_code == 302
    answer = InformationAnswer.objects.get()
    assert answer.answered_by == world.principal_a
    files = list(answer.attachments.all())
    assert [f.content_type for f in files] == ["application/pdf", "image/png"]
    assert all("betyg" not in f.file.name for f in files)  # never a guessable name


def test_an_answer_is_given_once(world, sent, client_for, csrf_post):
    client = client_for(world.principal_a)
    csrf_post(client, answer_url(sent), {"text": "Första svaret."})
    response = csrf_post(client, answer_url(sent), {"text": "Andra svaret."})
    assert response.status_code == 400
    assert InformationAnswer.objects.get().text == "Första svaret."


def test_an_empty_answer_is_refused(world, sent, client_for, csrf_post):
    response = csrf_post(client_for(world.principal_a), answer_url(sent), {"text": " "})
    assert response.status_code == 400
    assert not InformationAnswer.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"MZ\x90\x00not a pdf", "virus.pdf", "application/pdf"),
        (PDF, "doc.pdf", "image/png"),
        (b"plain text", "notes.txt", "text/plain"),
    ],
)
def test_attachments_of_the_wrong_type_are_refused(
    world, sent, client_for, csrf_post, content, name, content_type
):
    response = csrf_post(
        client_for(world.principal_a),
        answer_url(sent),
        {"text": "Svar.", "attachments": [upload(content, name, content_type)]},
    )
    assert response.status_code == 400
    assert "attachments" in response.context["answer_form"].errors
    assert not InformationAnswer.objects.exists()
    assert not InformationAttachment.objects.exists()


def test_too_large_an_attachment_is_refused(world, sent, client_for, csrf_post, settings):
    big = PDF + b"0" * rules.INFORMATION_ANSWER_FILE_MAX_BYTES
    response = csrf_post(
        client_for(world.principal_a),
        answer_url(sent),
        {"text": "Svar.", "attachments": [upload(big)]},
    )
    assert response.status_code == 400
    assert not InformationAnswer.objects.exists()


def test_too_many_attachments_are_refused(world, sent, client_for, csrf_post):
    files = [upload(name=f"{n}.pdf") for n in range(rules.INFORMATION_ANSWER_MAX_FILES + 1)]
    response = csrf_post(
        client_for(world.principal_a), answer_url(sent), {"text": "Svar.", "attachments": files}
    )
    assert response.status_code == 400
    assert not InformationAnswer.objects.exists()


# --- assigning a staff member ---


def test_principal_assigns_a_teacher_who_then_answers(world, sent, client_for, csrf_post):
    response = csrf_post(
        client_for(world.principal_a), assign_url(sent), {"assignee": world.teacher_a.pk}
    )
    assert response.status_code == 302
    teacher = client_for(world.teacher_a)
    assert teacher.get(detail_url(sent)).status_code == 200
    assert csrf_post(teacher, answer_url(sent), {"text": "Från mentorn."}).status_code == 302
    assert InformationAnswer.objects.get().answered_by == world.teacher_a


def test_assign_is_forbidden_for_teachers(world, sent, client_for, csrf_post):
    response = csrf_post(
        client_for(world.teacher_a), assign_url(sent), {"assignee": world.teacher_a.pk}
    )
    assert response.status_code == 403


def test_assign_by_another_schools_principal_is_404(world, sent, client_for, csrf_post):
    response = csrf_post(
        client_for(world.principal_b), assign_url(sent), {"assignee": world.teacher_b.pk}
    )
    assert response.status_code == 404


def test_only_staff_of_the_unit_can_be_assigned(world, sent, client_for, csrf_post):
    response = csrf_post(
        client_for(world.principal_a), assign_url(sent), {"assignee": world.teacher_b.pk}
    )
    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.assigned_to is None


# --- the answer in the utredning, and the attachment behind a permission check ---


@pytest.fixture
def answered(world, sent, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    services.information_request_answer(
        by=world.principal_a, request=sent, text="Närvaron är 70 procent.", attachments=[upload()]
    )
    return sent


def test_the_answer_lands_on_the_case_page(world, answered, investigation, client_for):
    response = client_for(world.social_kungsholmen).get(
        reverse("referrals:case", args=[investigation.concern_id])
    )
    page = response.content.decode()
    assert "Närvaron är 70 procent." in page
    attachment = InformationAttachment.objects.get()
    assert reverse("referrals:information_attachment", args=[attachment.pk]) in page


def test_the_answer_shows_on_the_pupil_page_for_the_social_worker(world, answered, client_for):
    response = client_for(world.social_kungsholmen).get(
        reverse("cases:student_detail", args=[world.pupil_a.pk])
    )
    assert "section-information_requests" in response.content.decode()


def attachment_url():
    return reverse(
        "referrals:information_attachment", args=[InformationAttachment.objects.get().pk]
    )


def test_attachment_as_anonymous_redirects(answered, client_for):
    assert client_for().get(attachment_url()).status_code == 302


@pytest.mark.parametrize("persona", ["manager_kungsholmen", "admin", "nobody"])
def test_attachment_is_forbidden_for_roles_without_cases(world, answered, client_for, persona):
    assert client_for(getattr(world, persona)).get(attachment_url()).status_code == 403


@pytest.mark.parametrize("persona", ["teacher_a", "principal_b", "social_sodermalm"])
def test_attachment_outside_ones_view_is_404(world, answered, client_for, persona):
    assert client_for(getattr(world, persona)).get(attachment_url()).status_code == 404


@pytest.mark.parametrize("persona", ["principal_a", "social_kungsholmen"])
def test_attachment_is_served_to_both_sides_of_the_request(world, answered, client_for, persona):
    response = client_for(getattr(world, persona)).get(attachment_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_file_is_not_served_from_media(world, answered, client_for):
    name = InformationAttachment.objects.get().file.name
    assert client_for(world.principal_a).get(f"/media/{name}").status_code == 404


# --- reminders ---


def school_reminders(item):
    return Reminder.objects.filter(
        subject=reminders.request_subject(item), kind__in=reminders.SCHOOL_KINDS
    )


def test_sending_arms_reminders_to_the_principal(world, sent):
    rows = school_reminders(sent)
    assert {(r.kind, r.recipient_id, r.status) for r in rows} == {
        (reminders.REQUEST_DUE_SOON, world.principal_a.pk, Reminder.Status.PENDING),
        (reminders.REQUEST_OVERDUE, world.principal_a.pk, Reminder.Status.PENDING),
    }
    overdue = rows.get(kind=reminders.REQUEST_OVERDUE)
    assert timezone.localtime(overdue.due_at).date() == sent.due_on + datetime.timedelta(days=1)


def test_assigning_adds_the_staff_member(world, sent):
    services.information_request_assign(
        by=world.principal_a, request=sent, assignee=world.teacher_a
    )
    recipients = set(
        school_reminders(sent)
        .filter(status=Reminder.Status.PENDING)
        .values_list("recipient", flat=True)
    )
    assert recipients == {world.principal_a.pk, world.teacher_a.pk}


def test_answering_clears_the_schools_reminders_and_tells_the_social_worker(world, sent):
    services.information_request_answer(by=world.principal_a, request=sent, text="Svar.")
    assert set(school_reminders(sent).values_list("status", flat=True)) == {
        Reminder.Status.CANCELLED
    }
    told = Reminder.objects.get(kind=reminders.REQUEST_ANSWERED)
    assert told.recipient == world.social_kungsholmen
    assert told.status == Reminder.Status.PENDING


def test_the_answer_notification_arrives(world, sent, send_due_reminders):
    from portal.models import Notification

    services.information_request_answer(by=world.principal_a, request=sent, text="Svar.")
    send_due_reminders()
    note = Notification.objects.get(recipient=world.social_kungsholmen)
    assert note.url == reverse("referrals:case", args=[sent.investigation.concern_id])
    assert "Svar." not in note.text


def test_an_overdue_reminder_is_not_sent_once_answered(world, sent, send_due_reminders):
    later = timezone.now() + datetime.timedelta(days=20)
    InformationAnswer.objects.create(
        request=sent, text="Svar.", answered_by=world.principal_a, answered_at=timezone.now()
    )
    send_due_reminders(now=later)
    assert not school_reminders(sent).filter(status=Reminder.Status.SENT).exists()


# --- the worklist ---


def test_worklist_counts_open_requests_for_the_principal(world, sent):
    todo = {i["key"]: i for i in todo_for(compute_scope(world.principal_a))}
    assert todo["information_requests_open"]["count"] == 1
    assert todo["information_requests_open"]["url"] == LIST_URL
    assert "information_requests_open" not in {
        i["key"] for i in todo_for(compute_scope(world.teacher_a))
    }


def test_worklist_counts_answers_for_the_sender(world, sent):
    services.information_request_answer(by=world.principal_a, request=sent, text="Svar.")
    todo = {i["key"]: i["count"] for i in todo_for(compute_scope(world.social_kungsholmen))}
    assert todo["information_requests_answered"] == 1
    assert "information_requests_open" not in {
        i["key"] for i in todo_for(compute_scope(world.principal_a))
    }


def test_home_page_shows_the_principal_the_item(world, sent, client_for):
    with translation.override("en"):
        page = client_for(world.principal_a).get("/").content.decode()
    assert 'id="card-todo"' in page
    assert LIST_URL in page


# --- the demo ---


def test_the_demo_has_an_answered_request_and_a_consent_prompt(settings):
    from django.core.management import call_command

    from consent import prompts
    from portal.models import User

    settings.DEBUG = True
    call_command("seed_demo")
    item = InformationRequest.objects.select_related("answer__answered_by").get()
    assert item.answer.answered_by.username == "rektor_a"
    assert item.investigation.closed_on is None
    assert item.student.placements.get().group.group_type == "rsu"
    prompted = {p.student_id for p in prompts.prompt_placements_for(item.answer.answered_by)}
    assert len(prompted) == 2
    worker = User.objects.get(username="socsek_kungsholmen")
    assert prompted <= {p.student_id for p in prompts.prompt_placements_for(worker)}
    call_command("seed_demo")
    assert InformationRequest.objects.count() == 1
