"""The access log: every view that shows or changes case data writes a row.

The walk below lists every URL pattern of the project. Each is either in WALK, with
the persona who may use it and how to call it, or in NOT_SENSITIVE with the reason it
shows no case data. A new view in neither table fails the first test, so a view
cannot be added without deciding how it is logged.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.absence import services as absence_services
from cases.insatser import services as insats_services
from cases.sip import services as sip_services
from portal import accesslog
from portal.audit_models import AccessLog, AccessLogSubject
from referrals import services as referral_services
from tests.cases.attendance import placement, share, special_groups

pytestmark = pytest.mark.django_db

NOT_SENSITIVE = {
    "home": "the person's start page: their memberships and a manager's counts, no pupil",
    "healthz": "health check, open by design",
    "login": "open by design",
    "logout": "the person's own session",
    "password_change": "the person's own password",
    "password_change_done": "the person's own password",
    "set_language": "open by design",
    "notifications": "the person's own notifications; their text names a report number at most",
    "notification_read": "the person's own notifications",
    "notification_open": "follows a notification's link; the page it opens is logged",
    "notification_settings": "the person's own choice of channels",
    "security": "the person's own login security",
    "two_factor_verify": "the person's own second factor; wrong codes are logged",
    "two_factor_setup": "the person's own second factor; enrolment is logged",
    "two_factor_recovery_codes": "the person's own recovery codes; new codes are logged",
    "two_factor_remove": "the person's own second factor; removal is logged",
    "dashboard": "aggregates only, small cells suppressed; its exports are logged",
    "forums:list": "the district's forums: organisations, no pupil",
    "forums:new": "a forum of organisations, no pupil",
    "forums:detail": "organisations, meetings and agreements, no pupil",
    "forums:member_add": "an organisation or a contact person, no pupil",
    "forums:meeting_new": "agenda and minutes, which refuse personal data (refusals are logged)",
    "forums:meeting_detail": "the minutes and a lägesbild of suppressed aggregates, no pupil",
    "forums:meeting_edit": "agenda and minutes, which refuse personal data (refusals are logged)",
    "forums:agreement_new": "an agreement between organisations, no pupil",
    "forums:agreement_edit": "an agreement between organisations, no pupil",
    "referrals:concern_autosave": (
        "the reporter's own unsent draft, saved every few seconds; opening the draft and "
        "sending the report are logged"
    ),
}
#: The admin never shows case contents (portal/admin.py); its changes are in the change log.
NOT_SENSITIVE_PREFIXES = ("admin:",)


@dataclass(frozen=True)
class Call:
    persona: str
    #: story -> URL kwargs
    kwargs: object = None
    method: str = "get"
    #: story -> the pupil the row must name, or None
    pupil: object = None
    #: story -> GET parameters
    query: object = None


def _pupil_a(s):
    return s.world.pupil_a


WALK: dict[str, Call] = {
    # pupils
    "cases:student_list": Call("teacher_a", query=lambda s: {"q": s.world.pupil_a.last_name}),
    "cases:student_create": Call("principal_a"),
    "cases:student_detail": Call("teacher_a", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a),
    # SIP and meetings
    "cases:sip_list": Call("sip_kungsholmen", pupil=_pupil_a),
    "cases:sip_start": Call(
        "sip_kungsholmen", lambda s: {"student_pk": s.world.pupil_a.pk}, "post", _pupil_a
    ),
    "cases:sip_detail": Call("sip_kungsholmen", lambda s: {"pk": s.plan.pk}, pupil=_pupil_a),
    **{
        f"cases:sip_{step}": Call("sip_kungsholmen", lambda s: {"pk": s.plan.pk}, "post", _pupil_a)
        for step in ("version", "participant", "activate", "escalate", "close", "meeting")
    },
    "cases:meeting_detail": Call(
        "social_kungsholmen", lambda s: {"pk": s.meeting.pk}, pupil=_pupil_a
    ),
    "cases:meeting_respond": Call("teacher_a", lambda s: {"pk": s.meeting.pk}, "post", _pupil_a),
    "cases:meeting_minutes": Call(
        "social_kungsholmen", lambda s: {"pk": s.meeting.pk}, "post", _pupil_a
    ),
    # placements and absence
    "cases:placement_list": Call("principal_a", pupil=_pupil_a),
    "cases:placement_new": Call(
        "principal_a", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "cases:placement_decide": Call(
        "sip_kungsholmen", lambda s: {"pk": s.placement.pk}, pupil=_pupil_a
    ),
    "cases:placement_start": Call("principal_a", lambda s: {"pk": s.placement.pk}, pupil=_pupil_a),
    "cases:placement_end": Call("principal_a", lambda s: {"pk": s.placement.pk}, pupil=_pupil_a),
    "cases:absence_new": Call("principal_a", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a),
    "cases:absence_import": Call("principal_a"),
    "cases:absence_investigation_new": Call(
        "principal_a", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "cases:absence_investigation_close": Call(
        "principal_a", lambda s: {"pk": s.absence_investigation.pk}, pupil=_pupil_a
    ),
    # concerns, the school side
    "referrals:concern_start": Call(
        "teacher_a", query=lambda s: {"q": s.world.pupil_a.personnummer}, pupil=_pupil_a
    ),
    "referrals:concern_write": Call(
        "teacher_a", lambda s: {"token": s.draft.token}, pupil=_pupil_a
    ),
    "referrals:concern_draft_discard": Call(
        "teacher_a", lambda s: {"token": s.draft.token}, "post", _pupil_a
    ),
    "referrals:concern_mine": Call("teacher_a", pupil=_pupil_a),
    "referrals:concern_detail": Call("teacher_a", lambda s: {"pk": s.concern.pk}, pupil=_pupil_a),
    "referrals:concern_amend": Call("teacher_a", lambda s: {"pk": s.concern.pk}, "post", _pupil_a),
    "referrals:suspension_list": Call(
        "principal_a", pupil=lambda s: s.world.pupil_a_lives_sodermalm
    ),
    "referrals:suspension_new": Call("principal_a"),
    # concerns, the social side
    "referrals:inbox": Call(
        "social_kungsholmen", query=lambda s: {"show": "decided"}, pupil=_pupil_a
    ),
    "referrals:concern_register": Call("social_kungsholmen"),
    "referrals:case": Call("social_kungsholmen", lambda s: {"pk": s.concern.pk}, pupil=_pupil_a),
    **{
        f"referrals:case_{step}": Call(
            "social_kungsholmen", lambda s: {"pk": s.concern.pk}, "post", _pupil_a
        )
        for step in (
            "assign",
            "protection",
            "extend",
            "decide",
            "meeting",
            "meeting_skip",
            "meeting_notes",
        )
    },
    "referrals:investigation_extend": Call(
        "social_kungsholmen", lambda s: {"pk": s.investigation.pk}, "post", _pupil_a
    ),
    "referrals:investigation_close": Call(
        "social_kungsholmen", lambda s: {"pk": s.investigation.pk}, "post", _pupil_a
    ),
    "referrals:notice_read": Call(
        "social_sodermalm",
        lambda s: {"pk": s.suspension.pk},
        "post",
        lambda s: s.world.pupil_a_lives_sodermalm,
    ),
    # consent
    "consent:consent_new": Call(
        "principal_a", lambda s: {"student_pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "consent:override_new": Call(
        "principal_a", lambda s: {"student_pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "consent:consent_withdraw": Call("principal_a", lambda s: {"pk": s.consent.pk}, pupil=_pupil_a),
    "consent:consent_document": Call("principal_a", lambda s: {"pk": s.consent.pk}, pupil=_pupil_a),
    "consent:override_list": Call("log_reviewer", pupil=_pupil_a),
    "consent:prompt_list": Call("principal_a"),
    "consent:prompt_form": Call(
        "principal_a", lambda s: {"student_pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    # information requests (begäran om uppgifter)
    "referrals:information_request_new": Call(
        "social_kungsholmen", lambda s: {"pk": s.investigation.pk}, pupil=_pupil_a
    ),
    "referrals:information_request_list": Call("principal_a", pupil=_pupil_a),
    **{
        f"referrals:information_request_{step}": Call(
            "principal_a", lambda s: {"pk": s.information_request.pk}, method, _pupil_a
        )
        for step, method in (("detail", "get"), ("answer", "post"), ("assign", "post"))
    },
    "referrals:information_attachment": Call(
        "social_kungsholmen", lambda s: {"pk": s.information_attachment.pk}, pupil=_pupil_a
    ),
    # ongoing insatser and the joint advice note
    "cases:insats_new": Call(
        "social_kungsholmen", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "cases:insats_edit": Call("social_kungsholmen", lambda s: {"pk": s.insats.pk}, pupil=_pupil_a),
    "cases:joint_advice_add": Call(
        "principal_a", lambda s: {"pk": s.world.pupil_a.pk}, "post", _pupil_a
    ),
    # the manager's exports
    "dashboard_export": Call("manager_kungsholmen", lambda s: {"panel": s.panel, "fmt": "csv"}),
    # the log review
    "audit:search": Call("log_reviewer", query=lambda s: {"username": "larare_a"}),
    "audit:export": Call("log_reviewer", query=lambda s: {"username": "larare_a"}),
    "audit:flags": Call("log_reviewer"),
    "audit:pupil_history": Call(
        "log_reviewer", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "audit:personal_data_report": Call(
        "log_reviewer", lambda s: {"pk": s.world.pupil_a.pk}, pupil=_pupil_a
    ),
    "audit:request": Call("log_reviewer", lambda s: {"cid": s.cid}),
}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", p.callback


ROUTES = dict(_walk(get_resolver().url_patterns))


def test_every_url_is_walked_or_has_a_reason_not_to_be():
    unclassified = [
        name
        for name in ROUTES
        if name not in WALK
        and name not in NOT_SENSITIVE
        and not name.startswith(NOT_SENSITIVE_PREFIXES)
    ]
    assert unclassified == [], "add these views to WALK (and @audited) or to NOT_SENSITIVE"
    assert set(WALK) <= set(ROUTES), set(WALK) - set(ROUTES)


@pytest.mark.parametrize("name", sorted(WALK))
def test_every_walked_view_is_audited(name):
    assert hasattr(ROUTES[name], "audit"), f"{name} lacks @audited"


@pytest.fixture
def story(world, file_concern, tmp_path, settings):
    """One pupil (pupil_a) with something of every kind, and a suspension notice about
    pupil_a_lives_sodermalm to Södermalm's social services."""
    from portal import dashboards
    from portal.access import compute_scope

    settings.MEDIA_ROOT = str(tmp_path)
    groups = special_groups(world)
    concern = file_concern(world.teacher_a, world.pupil_a)
    referral_services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="Behov."
    )
    investigation = concern.investigations.get()
    decision = referral_services.notification_meeting_schedule(
        concern=concern,
        by=world.social_kungsholmen,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        place="Rum 1",
    )
    plan = sip_services.sip_start(by=world.sip_kungsholmen, student=world.pupil_a)
    suspension = referral_services.suspension_record(
        by=world.principal_a,
        student=world.pupil_a_lives_sodermalm,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
        reason="Hot mot personal.",
        pupil_and_guardians_heard=True,
    )
    draft = referral_services.draft_start(author=world.teacher_a, student=world.pupil_a)
    absence_investigation = absence_services.absence_investigation_open(
        by=world.principal_a, student=world.pupil_a, opened_on=timezone.localdate()
    )
    consent = share(
        world,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        categories=("school_attendance", "social_interventions"),
    )
    insats = insats_services.insats_register(
        by=world.social_kungsholmen,
        student=world.pupil_a,
        kind="family_treatment",
        starts_on=timezone.localdate(),
        ends_on=None,
        contact_person=world.social_kungsholmen,
    )
    from consent import services as consent_services

    consent_services.override_open(
        by=world.principal_a,
        student=world.pupil_a,
        legal_ground="danger_to_life",
        reason="Akut fara för barnets hälsa.",
    )
    information_request = _answered_information_request(world, investigation)
    panel = dashboards.panels_for(compute_scope(world.manager_kungsholmen))[0].key
    return SimpleNamespace(
        world=world,
        groups=groups,
        concern=concern,
        investigation=investigation,
        meeting=decision.meeting,
        plan=plan,
        suspension=suspension,
        draft=draft,
        absence_investigation=absence_investigation,
        placement=placement(world.pupil_a, groups.rsu, world.principal_a),
        consent=consent,
        panel=panel,
        information_request=information_request,
        insats=insats,
        information_attachment=information_request.answer.attachments.get(),
        cid=None,
    )


def _answered_information_request(world, investigation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from referrals.information_requests import services as request_services

    item = request_services.information_request_send(
        by=world.social_kungsholmen,
        investigation=investigation,
        recipient_unit=world.school_a,
        questions="Hur är närvaron?",
        bbic_area="education",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    request_services.information_request_answer(
        by=world.principal_a,
        request=item,
        text="Närvaron är god.",
        attachments=[SimpleUploadedFile("svar.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )
    return type(item).objects.select_related("answer").get(pk=item.pk)


@pytest.mark.parametrize("name", sorted(WALK))
def test_every_sensitive_view_writes_an_access_log_row(name, story, client_for, csrf_post):
    call = WALK[name]
    if name == "audit:request":
        client_for(story.world.teacher_a).get(reverse("cases:student_list"))
        story.cid = AccessLog.objects.latest("id").correlation_id
    user = getattr(story.world, call.persona)
    client = client_for(user)
    url = reverse(name, kwargs=call.kwargs(story) if call.kwargs else None)
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if call.method == "post":
        response = csrf_post(client, url, {})
    else:
        response = client.get(url, call.query(story) if call.query else {})
    assert response.status_code < 500
    assert response.status_code not in (403, 404), (name, "the persona should reach the view")
    spec = ROUTES[name].audit
    rows = list(AccessLog.objects.filter(id__gt=before, action=spec.action))
    assert len(rows) == 1, (name, [r.action for r in AccessLog.objects.filter(id__gt=before)])
    row = rows[0]
    assert row.user == user
    assert row.status_code == response.status_code
    assert row.correlation_id == response["X-Request-ID"]
    assert row.remote_addr == "127.0.0.1"
    assert set(spec.kinds) <= set(row.record_kind_list)
    if call.pupil is not None:
        pupil = call.pupil(story)
        assert AccessLogSubject.objects.filter(log=row, student_id=pupil.pk).exists(), name


# --- the mechanism itself -------------------------------------------------------------------


def test_a_refused_read_is_logged_with_its_answer(world, client_for):
    url = reverse("cases:student_detail", args=[world.pupil_b.pk])
    response = client_for(world.teacher_a).get(url)
    assert response.status_code == 404
    row = AccessLog.objects.get(action="pupil.view")
    assert row.status_code == 404
    assert row.details["target"] == {"pk": str(world.pupil_b.pk)}
    assert not row.subjects.exists()


def test_a_role_refusal_is_logged_too(world, client_for):
    response = client_for(world.admin).get(reverse("cases:student_list"))
    assert response.status_code == 403
    assert AccessLog.objects.get(action="pupil.search").status_code == 403


def test_a_view_that_fails_after_the_read_still_logs_it(world, client_for, monkeypatch):
    import cases.views

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(cases.views, "sections_for", broken)
    client = client_for(world.teacher_a)
    client.raise_request_exception = False
    response = client.get(reverse("cases:student_detail", args=[world.pupil_a.pk]))
    assert response.status_code == 500
    row = AccessLog.objects.get(action="pupil.view")
    assert row.status_code == 500
    assert list(row.subjects.values_list("student_id", flat=True)) == [world.pupil_a.pk]


def test_a_row_that_cannot_be_written_fails_the_request(world, client_for, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("the log is down")

    monkeypatch.setattr(accesslog, "write", refuse)
    client = client_for(world.teacher_a)
    client.raise_request_exception = False
    response = client.get(reverse("cases:student_detail", args=[world.pupil_a.pk]))
    assert response.status_code == 500


def test_a_search_logs_the_text_and_the_row_count(world, client_for):
    client_for(world.teacher_a).get(
        reverse("cases:student_list"), {"q": world.pupil_a.personnummer}
    )
    row = AccessLog.objects.get(action="pupil.search")
    assert row.kind == AccessLog.Kind.LIST
    assert row.query == world.pupil_a.personnummer
    assert row.rows == 1
    assert list(row.subjects.values_list("student_id", "basis")) == [(world.pupil_a.pk, "")]


def test_the_pupil_page_names_the_kinds_of_record_it_showed(world, client_for):
    client_for(world.teacher_a).get(reverse("cases:student_detail", args=[world.pupil_a.pk]))
    row = AccessLog.objects.get(action="pupil.view")
    assert {"student", "guardians", "school_reports"} <= set(row.record_kind_list)
    assert row.subjects.get().basis == AccessLogSubject.Basis.SCHOOL


def test_showing_the_full_personnummer_is_noted(world, client_for):
    url = reverse("cases:student_detail", args=[world.pupil_a.pk])
    client_for(world.teacher_a).get(url, {"show": "personnummer"})
    assert AccessLog.objects.get(action="pupil.view").details["personnummer_shown"] is True


def test_an_override_is_logged_with_its_legal_ground_even_outside_a_request(world):
    from consent import services

    services.override_open(
        by=world.principal_a,
        student=world.pupil_a,
        legal_ground="crime_against_child",
        reason="Misstanke om brott mot barnet.",
    )
    row = AccessLog.objects.get(action="override.open")
    assert row.kind == AccessLog.Kind.OVERRIDE
    assert row.details["legal_ground"] == "crime_against_child"
    assert row.subjects.get().student_id == world.pupil_a.pk


def test_an_override_opened_through_the_page_is_one_row(world, client_for, csrf_post):
    url = reverse("consent:override_new", args=[world.pupil_a.pk])
    response = csrf_post(
        client_for(world.principal_a),
        url,
        {
            "legal_ground": "danger_to_life",
            "reason": "Akut fara för barnets hälsa.",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    row = AccessLog.objects.get()
    assert (row.action, row.kind, row.details["legal_ground"]) == (
        "override.open",
        AccessLog.Kind.OVERRIDE,
        "danger_to_life",
    )


def test_how_the_reader_reached_the_pupil_is_recorded(world, client_for):
    from consent import services

    # pupil_b (school B, Södermalm) is shared with Kungsholmen's intake by consent.
    today = timezone.localdate()
    services.consent_record(
        by=world.principal_b,
        student=world.pupil_b,
        guardians=[],
        pupil_gives=True,
        parties=[world.school_b, world.intake_kungsholmen],
        categories=["school_attendance"],
        purpose="Samordna stödet.",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=90),
        form="oral",
        oral_received_at=timezone.now(),
    )
    client = client_for(world.social_kungsholmen)
    url = reverse("cases:student_detail", args=[world.pupil_b.pk])
    assert client.get(url).status_code == 200
    services.override_open(
        by=world.social_kungsholmen,
        student=world.pupil_b,
        legal_ground="danger_to_life",
        reason="Akut fara för barnets hälsa.",
    )
    assert client.get(url).status_code == 200
    client_for(world.principal_b).get(url)
    bases = list(
        AccessLogSubject.objects.filter(log__action="pupil.view")
        .order_by("id")
        .values_list("log__username", "basis")
    )
    assert bases == [
        ("socsek_kungsholmen", "consent"),
        ("socsek_kungsholmen", "override"),
        ("rektor_b", "school"),
    ]


def test_a_well_formed_request_id_is_kept_and_a_bad_one_replaced(world, client_for):
    client = client_for(world.teacher_a)
    url = reverse("cases:student_list")
    assert client.get(url, HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"] == "proxy-1234abcd"
    replaced = client.get(url, HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert list(AccessLog.objects.order_by("id").values_list("correlation_id", flat=True)) == [
        "proxy-1234abcd",
        replaced,
    ]


def test_note_outside_a_request_writes_nothing(world):
    from cases.selectors import student_get

    student_get(world.teacher_a, world.pupil_a.pk)
    assert not AccessLog.objects.exists()


def test_log_access_outside_a_request_writes_its_own_row(world):
    accesslog.log_access(world.manager_kungsholmen, "dashboard.export", panel="x", format="csv")
    row = AccessLog.objects.get()
    assert (row.username, row.action, row.details) == (
        "chef_kungsholmen",
        "dashboard.export",
        {"panel": "x", "format": "csv"},
    )


def test_the_dashboard_export_is_one_row_with_its_details(world, client_for):
    from portal import dashboards
    from portal.access import compute_scope

    panel = dashboards.panels_for(compute_scope(world.manager_kungsholmen))[0].key
    url = reverse("dashboard_export", kwargs={"panel": panel, "fmt": "csv"})
    assert client_for(world.manager_kungsholmen).get(url).status_code == 200
    row = AccessLog.objects.get()
    assert (row.kind, row.details["panel"], row.details["format"]) == ("export", panel, "csv")
