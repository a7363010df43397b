"""One RSU pupil's case across the secrecy line, in a real browser with the demo data:
social services ask the school for information in the utredning, the principal
answers, both sides see the ongoing insatser and the joint advice under the
guardians' consent, a second pupil in the same group carries the consent prompt,
and the district manager reads the forum's lägesbild. axe-core runs on each page."""

import pytest

from tests.e2e.test_journeys import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _demo_request():
    from referrals.models import InformationRequest

    return InformationRequest.objects.select_related("answer", "investigation__concern").get()


def test_social_services_ask_the_school_and_read_the_answer(person):
    item = _demo_request()
    principal = person("rektor_a").login()
    principal.go("/referrals/requests/")
    assert_accessible(principal, "information requests")
    principal.go(f"/referrals/requests/{item.pk}/")
    assert_accessible(principal, "information request")
    body = principal.page.content()
    assert item.questions.splitlines()[0] in body
    # The school sees the request and its answer, nothing of the investigation.
    assert item.investigation.concern.worry not in body
    assert f"/referrals/case/{item.investigation.concern_id}/" not in body

    worker = person("socsek_kungsholmen").login()
    worker.go(f"/referrals/case/{item.investigation.concern_id}/")
    assert item.answer.text.splitlines()[0] in worker.page.content()
    assert_accessible(worker, "case with the school's answer")


def test_the_school_sees_ongoing_insatser_and_the_joint_advice_under_consent(person):
    from cases.models import Insats

    insats = Insats.objects.select_related("student").filter(ends_on__isnull=False).first()
    ongoing = Insats.objects.filter(student=insats.student).order_by("-starts_on").first()
    principal = person("rektor_a").login()
    principal.go(f"/pupils/{insats.student_id}/")
    page = principal.page
    assert page.locator("#shared-insatser li").count() == 1
    assert ongoing.get_kind_display() in page.locator("#shared-insatser").inner_text()
    assert page.locator("#joint-advice li").count() >= 1
    assert_accessible(principal, "pupil page with insatser and joint advice")
    principal.shot("pupil-insatser")


def test_the_consent_prompt_and_its_printable_form(person):
    principal = person("rektor_a").login()
    principal.go("/consent/prompts/")
    assert_accessible(principal, "consent prompts")
    link = principal.page.locator("a[href*='/prepared-form/']").first
    href = link.get_attribute("href")
    principal.go(href)
    assert principal.page.locator("html").get_attribute("lang") in ("sv", "sv-se")
    assert_accessible(principal, "prepared consent form (sv)")
    principal.go(href.split("?")[0] + "?lang=en")
    assert_accessible(principal, "prepared consent form (en)")
    principal.shot("consent-form-en")


def test_the_manager_reads_the_forums_lagesbild(person):
    from portal.forums.models import ForumMeeting

    meeting = ForumMeeting.objects.select_related("forum").order_by("held_on").first()
    manager = person("chef_kungsholmen").login()
    manager.go("/forums/")
    assert_accessible(manager, "forums")
    manager.go(f"/forums/{meeting.forum_id}/")
    assert_accessible(manager, "forum")
    manager.go(f"/forums/meetings/{meeting.pk}/")
    assert_accessible(manager, "forum meeting with lägesbild")
    manager.shot("forum-meeting")
