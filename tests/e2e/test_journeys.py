"""The main paths of the portal's users, in a real browser, with axe-core on
every page the journeys visit."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def assert_accessible(person, label):
    violations = person.axe(label)
    assert violations == [], (label, violations)


def test_teacher_reports_a_concern_and_later_sees_utredning_inledd(person):
    from cases.models import Student
    from referrals import services
    from referrals.models import Concern

    teacher = person("larare_a").login()
    assert_accessible(teacher, "home")
    pupil = Student.objects.filter(school_unit__code="vasterbroskolan").order_by("id")[5]
    page = teacher.page
    page.get_by_role("link", name="Ny orosanmälan").first.click()
    assert_accessible(teacher, "start")
    page.fill("#pupil-q", pupil.personnummer)
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("button", name=re.compile(f"Anmäl oro för {pupil.first_name}")).click()
    page.get_by_label("Psykisk ohälsa").check()
    page.get_by_label("Vad är du orolig för?").fill(
        "Eleven gråter ofta och säger att hen inte orkar."
    )
    page.get_by_label("Din relation till eleven").fill("Mentor")
    assert_accessible(teacher, "write")
    teacher.shot("concern-form")
    # Sending without the confirmation is refused, with the error next to the field.
    page.get_by_role("button", name="Skicka anmälan").click()
    assert page.locator("#id_confirm_error").is_visible()
    page.get_by_label(re.compile("Jag har läst igenom anmälan")).check()
    page.get_by_role("button", name="Skicka anmälan").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    assert "Mottagen av socialtjänsten" in page.content()
    page.get_by_label("Tillägg till anmälan").fill("Eleven berättade mer i dag.")
    page.get_by_role("button", name="Gör tillägg till anmälan").click()
    assert "Eleven berättade mer i dag." in page.content()
    assert_accessible(teacher, "sent")
    concern = Concern.objects.get(student=pupil)
    services.preliminary_decision_record(
        concern=concern,
        by=concern.intake_unit.memberships.first().user,
        decision="open",
        reasoning="Utreds.",
    )
    page.get_by_role("link", name="Anmälningar").first.click()
    assert "Utredning inledd" in page.content()
    assert_accessible(teacher, "mine")
    teacher.shot("feedback")


def test_social_worker_assesses_schedules_and_opens_an_utredning(person):
    worker = person("socsek_kungsholmen").login()
    page = worker.page
    page.get_by_role("link", name="Inkorg").first.click()
    assert_accessible(worker, "inbox")
    worker.shot("inbox")
    page.locator("table a").first.click()
    assert_accessible(worker, "case")
    page.get_by_label("Nej").check()
    page.locator("#protection-heading").scroll_into_view_if_needed()
    page.locator("form[action$='/protection/'] textarea[name=reasoning]").fill(
        "Eleven är i skolan; ingen akut fara."
    )
    page.get_by_role("button", name="Dokumentera skyddsbedömningen").click()
    assert "Skyddsbedömningen är dokumenterad" in page.content()
    page.locator("form[action$='/meeting/'] input[name=starts_at]").fill("2030-01-15T10:00")
    page.locator("form[action$='/meeting/'] input[name=place]").fill("Mottagningen, rum 2")
    page.get_by_role("button", name="Boka och bjud in").click()
    assert "Anmälningsmötet är bokat" in page.content()
    assert_accessible(worker, "meeting-booked")
    page.get_by_label("Inled utredning").check()
    page.locator("form[action$='/decide/'] textarea[name=reasoning]").fill("Behov av utredning.")
    page.get_by_role("button", name="Dokumentera beslutet").click()
    assert "3. Utredning" in page.content()
    assert_accessible(worker, "decided")
    worker.shot("case-decided")


def test_keyboard_only_concern_form(person):
    from playwright.sync_api import expect

    from cases.models import Student

    teacher = person("larare_a").login()
    pupil = Student.objects.filter(school_unit__code="vasterbroskolan").order_by("id")[6]
    page = teacher.page
    teacher.go(f"/referrals/new/?q={pupil.personnummer}")
    page.get_by_role("button", name=re.compile("Anmäl oro för")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/referrals/new/[0-9a-f-]+/$"))
    page.wait_for_load_state("networkidle")
    page.locator("input[name=categories]").nth(4).focus()
    page.keyboard.press("Space")
    page.locator("#id_worry").focus()
    page.keyboard.type("Oro skriven bara med tangentbordet.")
    expect(page.locator("#id_worry")).to_have_value("Oro skriven bara med tangentbordet.")
    page.keyboard.press("Tab")  # to "what has the pupil said"
    page.locator("#id_relation").focus()
    page.keyboard.type("Lärare")
    page.locator("#id_confirm").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Skicka anmälan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    assert "Oro skriven bara med tangentbordet." in page.content()


def test_consent_sip_and_withdrawal(person):
    from cases.models import SipPlan
    from consent.models import Consent

    coordinator = person("sip_kungsholmen").login()
    page = coordinator.page
    page.get_by_role("link", name="SIP").first.click()
    assert_accessible(coordinator, "sip-list")
    page.locator("table a").first.click()
    assert "Aktiv" in page.content()
    assert_accessible(coordinator, "sip")
    coordinator.shot("sip")
    plan = SipPlan.objects.get(participants__user__username="kurator_a")
    # The school's student health takes part and sees the plan under the consent.
    kurator = person("kurator_a").login()
    response = kurator.go(f"/pupils/sip/{plan.pk}/")
    assert response.status == 200
    # The principal withdraws the consent; the kurator loses the plan at once.
    principal = person("rektor_a").login()
    principal.go(f"/pupils/{plan.student_id}/")
    sip_consent = Consent.objects.get(
        student_id=plan.student_id, categories__category="sip_plan", withdrawn_at=None
    )
    principal.page.locator(f'a[href="/consent/{sip_consent.pk}/withdraw/"]').click()
    assert_accessible(principal, "withdraw")
    principal.page.get_by_label("Hela samtycket", exact=True).check()
    principal.page.get_by_label(re.compile("Jag förstår att återkallelsen")).check()
    principal.page.get_by_role("button", name="Återkalla").click()
    assert "Återkallelsen är registrerad" in principal.page.content()
    assert kurator.go(f"/pupils/sip/{plan.pk}/").status == 404


def test_the_other_school_and_the_other_district_are_refused(person):
    from referrals.models import Concern

    concern = Concern.objects.filter(intake_unit__code="kungsholmen-mottagning").first()
    other_teacher = person("larare_b").login()
    assert other_teacher.go(f"/referrals/{concern.pk}/").status == 404
    assert other_teacher.go(f"/pupils/{concern.student_id}/").status == 404
    other_worker = person("socsek_sodermalm").login()
    assert other_worker.go(f"/referrals/case/{concern.pk}/").status == 404
    assert other_worker.go(f"/pupils/{concern.student_id}/").status == 404
    assert_accessible(other_worker, "refused")


def test_works_on_a_phone_screen(person):
    teacher = person("larare_a", width=390, height=844).login()
    teacher.go("/referrals/mine/")
    assert teacher.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(teacher, "phone-mine")
    teacher.shot("phone-mine")


def test_pages_run_under_the_strict_csp_without_violations(browser, live_server, demo):
    from playwright.sync_api import expect

    from tests.e2e.conftest import PASSWORD

    context = browser.new_context(locale="sv-SE")  # no CSP bypass here
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "larare_a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(live_server.url + "/referrals/new/?q=a")
    page.get_by_role("button", name=re.compile("Anmäl oro för")).first.click()
    page.get_by_label("Våld i hemmet").check()
    # concern-form.js runs: the guardians box is disabled for violence.
    assert page.locator("#id_guardians_informed").is_disabled()
    page.get_by_label("Vad är du orolig för?").fill("Autosparas via htmx.")
    expect(page.locator("#draft-status")).to_contain_text("Utkast sparat", timeout=10_000)
    context.close()
    assert problems == []


def test_manager_reads_the_dashboard_as_a_table_filters_and_exports(person):
    manager = person("chef_kungsholmen").login()
    page = manager.page
    page.get_by_role("link", name="Uppföljning").first.click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert_accessible(manager, "dashboard")
    manager.shot("dashboard")
    page.locator("details.dashboard-table summary").first.click()
    assert page.locator("details.dashboard-table table").first.is_visible()
    page.locator("#id_school").select_option(label="Västerbroskolan")
    page.get_by_role("button", name="Visa", exact=True).click()
    assert_accessible(manager, "dashboard-filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert "," in text or ";" in text
    for pupil_word in ("ORO-", "personnummer"):
        assert pupil_word not in text


def test_sip_coordinator_records_consent_starts_a_sip_and_a_participant_loses_it(person):
    import datetime

    from django.utils import timezone

    from cases.models import SipPlan, Student
    from portal.models import User
    from referrals import services
    from referrals.models import Concern

    pupil = Student.objects.filter(
        school_unit__code="vasterbroskolan", home_district__code="kungsholmen"
    ).order_by("id")[1]
    concern = Concern.objects.get(student=pupil)
    services.preliminary_decision_record(
        concern=concern,
        by=User.objects.get(username="socsek_kungsholmen"),
        decision="open",
        reasoning="Utreds.",
    )
    coordinator = person("sip_kungsholmen").login()
    page = coordinator.page
    coordinator.go(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Registrera samtycke").click()
    for box in page.locator("input[name=guardians]").all():
        box.check()
    page.get_by_label("Västerbroskolan").check()
    page.get_by_label(re.compile("Utredningsenheten barn och unga, Kungsholmen")).check()
    page.get_by_label("SIP-plan").check()
    page.get_by_label("Syfte").fill("Samordna stödet i en SIP.")
    page.get_by_label("Gäller till").fill(
        (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    )
    page.get_by_label("Muntligt", exact=True).check()
    page.get_by_label("Muntligt samtycke mottaget").fill(
        timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    )
    assert_accessible(coordinator, "consent-form")
    page.get_by_role("button", name="Registrera samtycket").click()
    assert "Samtycket är registrerat" in page.content()
    page.get_by_role("button", name="Starta en SIP").click()
    assert_accessible(coordinator, "sip-draft")
    page.get_by_text("Lägg till en deltagare").click()
    page.locator("#id_role").select_option("school")
    page.locator("#id_user").select_option(label="Karin Ek")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    page.get_by_text("Skriv planen").click()
    page.get_by_label("Barnets behov").fill("Trygg skolgång.")
    page.locator("#id_lead_unit").select_option(
        label="Utredningsenheten barn och unga, Kungsholmen"
    )
    page.get_by_label("Ansvarig person").first.fill("Maria Dahl")
    page.get_by_label("Hur planen följs upp").fill("Möte med alla parter.")
    page.get_by_label("Nästa uppföljning").fill(
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    )
    page.locator("input[name=i-0-what]").fill("Familjebehandling")
    page.locator("select[name=i-0-provider]").select_option("municipality")
    page.locator("input[name=i-0-responsible]").fill("Familjebehandlingen")
    page.get_by_role("button", name="Spara planen").click()
    assert "Familjebehandling" in page.content()
    page.get_by_role("button", name="Aktivera SIP:en").click()
    plan = SipPlan.objects.get(student=pupil)
    assert plan.status == "active"
    page.get_by_text("Boka ett möte och skicka inbjudningar").click()
    page.locator("form[action$='/meetings/'] select[name=kind]").select_option("sip_follow_up")
    page.locator("form[action$='/meetings/'] input[name=starts_at]").fill(
        (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("form[action$='/meetings/'] input[name=place]").fill("Rum 3")
    page.get_by_role("button", name="Boka och bjud in").click()
    assert "Rum 3" in page.content()
    assert_accessible(coordinator, "meeting")
    coordinator.shot("sip-follow-up")
    kurator = person("kurator_a").login()
    assert kurator.go(f"/pupils/sip/{plan.pk}/").status == 200
    assert_accessible(kurator, "sip-as-participant")
    coordinator.go(f"/pupils/{pupil.pk}/")
    assert_accessible(coordinator, "pupil-page")
    page.get_by_role("link", name="Återkalla").first.click()
    page.get_by_label("Hela samtycket", exact=True).check()
    page.get_by_label(re.compile("Jag förstår att återkallelsen")).check()
    page.get_by_role("button", name="Återkalla").click()
    assert kurator.go(f"/pupils/sip/{plan.pk}/").status == 404
