"""The bell, the list of notifications and the choice of channels: each page as
anonymous, as someone else, and as the owner; bad input is a 400 that saves nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

LIST = reverse("notifications")
READ = reverse("notification_read")
SETTINGS = reverse("notification_settings")


def notify(user, text="Skyddsbedömning ORO-2026-000001", url="/referrals/case/1/", read=False):
    return Notification.objects.create(
        recipient=user,
        text=text,
        url=url,
        created_at=timezone.now(),
        read_at=timezone.now() if read else None,
    )


def open_url(notification):
    return reverse("notification_open", args=[notification.pk])


# --- anonymous ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, SETTINGS])
def test_anonymous_is_sent_to_login(client_for, url):
    response = client_for().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_cannot_mark_or_open(world, client_for, csrf_post):
    notification = notify(world.teacher_a)
    for url in (READ, open_url(notification)):
        response = csrf_post(client_for(), url, {})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.read_at is None


# --- the bell and the list ----------------------------------------------------------------


def test_the_bell_shows_the_unread_count(world, client_for):
    notify(world.teacher_a)
    notify(world.teacher_a)
    notify(world.teacher_a, read=True)
    body = client_for(world.teacher_a).get(reverse("home")).content.decode()
    assert f'href="{LIST}"' in body
    assert 'data-unread="2"' in body


def test_no_count_on_the_bell_when_everything_is_read(world, client_for):
    notify(world.teacher_a, read=True)
    body = client_for(world.teacher_a).get(reverse("home")).content.decode()
    assert f'href="{LIST}"' in body
    assert "data-unread" not in body


def test_the_list_shows_only_ones_own_notifications(world, client_for):
    mine = notify(world.teacher_a, text="Meeting for larare_a")
    notify(world.teacher_b, text="Meeting for larare_b")
    response = client_for(world.teacher_a).get(LIST)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    body = response.content.decode()
    assert "Meeting for larare_a" in body and "Meeting for larare_b" not in body


def test_every_persona_has_a_notification_list(world, client_for):
    for user in world.personas().values():
        assert client_for(user).get(LIST).status_code == 200


def test_the_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        notify(world.teacher_a, text=f"Notification {n}")
    client = client_for(world.teacher_a)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 30


def test_marking_one_read(world, client_for, csrf_post):
    first, second = notify(world.teacher_a), notify(world.teacher_a)
    response = csrf_post(client_for(world.teacher_a), READ, {"notification": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_marking_all_read_touches_only_ones_own(world, client_for, csrf_post):
    mine, theirs = notify(world.teacher_a), notify(world.teacher_b)
    csrf_post(client_for(world.teacher_a), READ, {})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_someone_elses_notification_cannot_be_marked_or_opened(world, client_for, csrf_post):
    theirs = notify(world.teacher_b)
    client = client_for(world.teacher_a)
    assert csrf_post(client, READ, {"notification": theirs.pk}).status_code == 404
    assert csrf_post(client, open_url(theirs), {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_with_bad_input_is_a_400_that_changes_nothing(world, client_for, csrf_post):
    notification = notify(world.teacher_a)
    response = csrf_post(client_for(world.teacher_a), READ, {"notification": "abc"})
    assert response.status_code == 400
    assert response.context["form"].errors["notification"]
    assert 'id="notification-errors"' in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_needs_post(world, client_for):
    assert client_for(world.teacher_a).get(READ).status_code == 405


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, client_for, csrf_post):
    notification = notify(world.social_kungsholmen, url="/referrals/case/7/")
    response = csrf_post(client_for(world.social_kungsholmen), open_url(notification), {})
    assert response.status_code == 302
    assert response["Location"] == "/referrals/case/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_notification_never_links_off_site(world, client_for, csrf_post, url):
    notification = notify(world.teacher_a, url=url)
    response = csrf_post(client_for(world.teacher_a), open_url(notification), {})
    assert response["Location"] == LIST


# --- choosing channels ---------------------------------------------------------------------


def rows(response):
    return {choice.topic: choice for choice, _in_app, _email in response.context["form"].rows}


def test_a_social_worker_sees_legal_deadlines_locked(world, client_for):
    response = client_for(world.social_kungsholmen).get(SETTINGS)
    assert response.status_code == 200
    choices = rows(response)
    assert choices["protection"].locked and choices["preliminary_due"].locked
    assert not choices["meeting"].locked and not choices["preliminary_warning"].locked
    assert "manager_digest" not in choices
    body = response.content.decode()
    assert 'name="protection-email"' in body and "disabled" in body


def test_school_staff_see_only_what_they_can_get(world, client_for):
    choices = rows(client_for(world.teacher_a).get(SETTINGS))
    assert "meeting" in choices
    assert "protection" not in choices and "manager_digest" not in choices


def test_a_manager_can_choose_the_daily_digest(world, client_for, csrf_post):
    client = client_for(world.manager_kungsholmen)
    choices = rows(client.get(SETTINGS))
    assert choices["manager_digest"].in_app is False  # an option, off until chosen
    assert choices["preliminary_overdue"].locked
    response = csrf_post(client, SETTINGS, {"manager_digest-email": "on"})
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(
        user=world.manager_kungsholmen, topic="manager_digest"
    )
    assert (saved.in_app, saved.email) == (False, True)


def test_saving_choices(world, client_for, csrf_post):
    client = client_for(world.social_kungsholmen)
    response = csrf_post(
        client,
        SETTINGS,
        {"meeting-in_app": "on", "preliminary_warning-email": "on"},
    )
    assert response.status_code == 302
    saved = {
        p.topic: (p.in_app, p.email)
        for p in NotificationPreference.objects.filter(user=world.social_kungsholmen)
    }
    assert saved["meeting"] == (True, False)
    assert saved["preliminary_warning"] == (False, True)
    assert "protection" not in saved  # mandatory: nothing to save
    assert rows(client.get(SETTINGS))["meeting"].email is False


def test_a_mandatory_kind_cannot_be_turned_off_by_posting(world, client_for, csrf_post):
    client = client_for(world.social_kungsholmen)
    csrf_post(client, SETTINGS, {"protection-in_app": "", "protection-email": ""})
    assert not NotificationPreference.objects.filter(topic="protection").exists()
    choice = rows(client.get(SETTINGS))["protection"]
    assert (choice.in_app, choice.email, choice.locked) == (True, True, True)


def test_a_kind_one_cannot_get_is_not_saved(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.teacher_a),
        SETTINGS,
        {"manager_digest-email": "on", "meeting-in_app": "on"},
    )
    assert response.status_code == 302
    saved = NotificationPreference.objects.filter(user=world.teacher_a)
    assert "manager_digest" not in set(saved.values_list("topic", flat=True))
    assert saved.get(topic="meeting").in_app is True


def test_choosing_email_without_an_address_is_a_400_that_saves_nothing(
    world, client_for, csrf_post
):
    world.social_kungsholmen.email = ""
    world.social_kungsholmen.save()
    response = csrf_post(
        client_for(world.social_kungsholmen),
        SETTINGS,
        {"meeting-in_app": "on", "meeting-email": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["meeting-email"]
    assert 'id="id_meeting-email_error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_without_an_address_email_starts_unticked(world, client_for):
    world.teacher_a.email = ""
    world.teacher_a.save()
    assert rows(client_for(world.teacher_a).get(SETTINGS))["meeting"].email is False
