"""Demo concerns at different stages, so each demo user has something to see."""

import datetime

from django.utils import timezone

from cases.models import Student
from portal.models import User
from referrals import deadlines, facts, services
from referrals.models import Concern, Suspension
from referrals.reminders import concern_reminders_sync


def _backdate(concern: Concern, days: int) -> None:
    received = timezone.now() - datetime.timedelta(days=days)
    Concern.objects.filter(pk=concern.pk).update(
        received_at=received,
        protection_due_on=deadlines.protection_due_on(received),
        preliminary_due_on=deadlines.preliminary_due_on(received),
    )
    # update() sends no signals: the dashboard's row of the report follows by hand.
    facts.refresh([concern.pk])


def _file(reporter, student, days_ago, **fields):
    draft = services.draft_start(author=reporter, student=student)
    concern = services.concern_submit(reporter=reporter, draft=draft, **fields)
    _backdate(concern, days_ago)
    concern.refresh_from_db()
    # The deadlines moved with the backdating: so do their reminders.
    concern_reminders_sync(concern)
    return concern


def seed_concerns(stdout=None) -> None:
    if Concern.objects.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "larare_a",
                "rektor_a",
                "kurator_a",
                "socsek_kungsholmen",
                "socsek_sodermalm",
            ]
        )
    }
    school_a = Student.objects.filter(school_unit__code="vasterbroskolan").order_by("id")
    home = list(school_a.filter(home_district__code="kungsholmen")[:4])
    away = (
        school_a.filter(home_district__code="sodermalm").first()
        or school_a.exclude(home_district__code="kungsholmen").first()
    )
    if len(home) < 4 or away is None:
        return
    worker = users["socsek_kungsholmen"]

    # New today: the skyddsbedömning is due.
    _file(
        users["larare_a"],
        home[0],
        0,
        categories=["mental_ill_health"],
        worry="Eleven har sagt att hen inte orkar leva och har slutat äta lunch.",
        child_said="Det spelar ingen roll vad jag gör.",
        relation="Mentor",
        immediate_danger=True,
    )
    # Ten days old, assessed for protection, the decision due in four days.
    waiting = _file(
        users["larare_a"],
        home[1],
        10,
        categories=["school_absence", "behaviour"],
        worry="Frånvaro över 40 procent sedan höstlovet; utåtagerande i korridoren.",
        relation="Mentor",
    )
    services.concern_assign(concern=waiting, assignee=worker, by=worker)
    services.protection_assessment_record(
        concern=waiting,
        by=worker,
        immediate_protection_needed=False,
        reasoning="Eleven är i skolan dagligen; ingen akut fara.",
    )
    # Decided: an utredning is opened. The reporter sees "Utredning inledd".
    opened = _file(
        users["larare_a"],
        home[2],
        20,
        categories=["violence_home"],
        worry="Eleven har blåmärken på armarna och berättar att pappa slår.",
        child_said="Pappa blir arg när jag kommer hem sent.",
        relation="Mentor",
    )
    services.protection_assessment_record(
        concern=opened,
        by=worker,
        immediate_protection_needed=False,
        reasoning="Barnet bor växelvis hos mamma; skyddat i nuläget.",
    )
    services.preliminary_decision_record(
        concern=opened,
        by=worker,
        decision="open",
        reasoning="Misstanke om våld av närstående: utredning inleds utan dröjsmål.",
    )
    # The school's kurator reports about a pupil who lives in Södermalm.
    _file(
        users["kurator_a"],
        away,
        2,
        categories=["substance_use"],
        worry="Eleven luktar cannabis och har sovit på lektionerna.",
        relation="Kurator",
    )
    # A suspension the rektor recorded: Södermalm or Kungsholmen gets the notice.
    if not Suspension.objects.exists():
        today = timezone.localdate()
        services.suspension_record(
            by=users["rektor_a"],
            student=home[3],
            starts_on=today - datetime.timedelta(days=3),
            ends_on=today - datetime.timedelta(days=1),
            reason="Upprepat hot mot andra elever; trygghet för övriga elever.",
            pupil_and_guardians_heard=True,
        )
