"""The arithmetic of each concern indicator on constructed data, deadline edges
included. Data is made through the real services at controlled times; the
selectors' tables are checked before suppression (that is tested on its own)."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases import identity
from cases.services import meeting_cancel
from portal.access import compute_scope
from portal.dashboards import Counts, DashboardQuery, Filters, Period
from portal.models import Unit
from referrals import dashboards, services
from tests.factories import MembershipFactory, StudentFactory, UnitFactory, UserFactory
from tests.kept_counts import shown_either_way

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def at(day: str, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=STHLM)


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def query(user, start, end, today, **filters) -> DashboardQuery:
    from portal.dashboards import districts_in_scope

    user_scope = compute_scope(user)
    return DashboardQuery(
        scope=user_scope,
        period=Period(d(start), d(end)),
        filters=Filters(**filters),
        today=d(today),
        districts=districts_in_scope(user_scope),
    )


def row(table, key):
    r = table.row(key)
    return r.current, r.previous


# --- concerns received ----------------------------------------------------------------------


def test_concerns_received_count_by_gender_in_this_and_the_previous_period(world, people, report):
    girl, boy, other = people("girl"), people("boy"), people("other")
    # Period 1–30 November; the previous period is 2–31 October (30 days).
    report(girl, at("2026-10-01", 23, 59))  # before both periods
    report(girl, at("2026-10-02", 0, 0))  # first moment of the previous period
    report(boy, at("2026-10-31", 23, 59))  # last moment of the previous period
    report(girl, at("2026-11-01", 0, 0))  # first moment of the period
    report(boy, at("2026-11-15"))
    report(other, at("2026-11-30", 23, 59))  # last moment of the period
    report(girl, at("2026-12-01", 0, 0))  # after it
    table = dashboards.concerns_by_school(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-02")
    )
    assert row(table, "all") == (Counts(girl=1, boy=1, other=1), 2)


def test_concerns_by_reporting_school_and_channel_and_the_share_from_schools(
    world, people, report, social
):
    at_b = people("boy", school=world.school_b)  # lives in Kungsholmen, school in Södermalm
    for _ in range(5):
        report(people("girl"), at("2026-11-10"))
    report(at_b, at("2026-11-11"))
    social.register(people("girl"), at("2026-11-12"), channel="phone")
    social.register(people("boy"), at("2026-11-12"), channel="letter")
    table = dashboards.concerns_by_school(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    # Skola A has five: listed. Skola B has one in each period at most: counted together.
    assert row(table, f"school-{world.school_a.pk}") == (Counts(girl=5), 0)
    assert f"school-{world.school_b.pk}" not in [r.key for r in table.rows]
    assert row(table, "other_schools") == (Counts(boy=1), 0)
    assert row(table, "from_schools") == (Counts(girl=5, boy=1), 0)
    assert row(table, "phone") == (Counts(girl=1), 0)
    assert row(table, "letter") == (Counts(boy=1), 0)
    assert row(table, "all") == (Counts(girl=6, boy=2), 0)
    assert table.row("share").share == ("from_schools", "not_school", "all")


def test_a_school_reporting_through_several_channels_is_one_row(world, people, report):

    for _ in range(4):
        report(people("girl"), at("2026-11-10"))
    # A report from the school registered by the social services keeps its school.
    registered = report(people("boy"), at("2026-11-11"))
    registered.channel = "letter"
    registered.save(update_fields=["channel"])
    table = dashboards.concerns_by_school(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    keys = [r.key for r in table.rows]
    assert keys.count(f"school-{world.school_a.pk}") == 1
    assert row(table, f"school-{world.school_a.pk}") == (Counts(girl=4, boy=1), 0)


def test_concerns_by_category_count_every_category_a_report_names(world, people, report):
    report(people("girl"), at("2026-11-10"), categories=["violence_home", "criminality"])
    report(people("boy"), at("2026-11-10"), categories=["criminality"])
    report(people("boy"), at("2026-10-10"), categories=["criminality"])
    table = dashboards.concerns_by_category(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    assert row(table, "violence_home") == (Counts(girl=1), 0)
    assert row(table, "criminality") == (Counts(girl=1, boy=1), 1)
    assert row(table, "school_absence") == (Counts(), 0)


def test_concerns_by_district_for_a_city_manager(world, people, report):
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    report(people("girl"), at("2026-11-10"))
    report(people("boy", home=world.sodermalm), at("2026-11-10"))
    report(people("boy", home=world.sodermalm), at("2026-10-20"))
    table = dashboards.concerns_by_district(
        query(city_manager, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    assert row(table, f"district-{world.kungsholmen.pk}") == (Counts(girl=1), 0)
    assert row(table, f"district-{world.sodermalm.pk}") == (Counts(boy=1), 1)
    assert row(table, "all") == (Counts(girl=1, boy=1), 1)


def test_concerns_by_month_cover_twelve_months_to_the_end_of_the_period(world, people, report):
    report(people("girl"), at("2025-12-01", 0, 30))
    report(people("girl"), at("2026-11-30", 23, 0))
    report(people("boy"), at("2026-11-30", 23, 0))
    report(people("boy"), at("2025-11-30", 23, 0))  # thirteen months back: not shown
    # Months by Stockholm time, across the change to summer time (29 March).
    report(people("other"), at("2026-03-31", 23, 59))
    report(people("boy"), at("2026-04-01", 0, 0))
    table = dashboards.concerns_by_month(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    assert [r.key for r in table.rows][0] == "2025-12-01"
    assert row(table, "2025-12-01")[0] == Counts(girl=1)
    assert row(table, "2026-03-01")[0] == Counts(other=1)
    assert row(table, "2026-04-01")[0] == Counts(boy=1)
    assert row(table, "2026-11-01")[0] == Counts(girl=1, boy=1)
    assert row(table, "all")[0] == Counts(girl=2, boy=2, other=1)
    assert not table.has_previous


# --- skyddsbedömning ---------------------------------------------------------------------------


def test_skyddsbedomning_on_time_late_and_not_done_at_the_deadline_edges(
    world, people, report, social
):
    # Today is Friday 20 November; the period is November; deadlines up to yesterday count.
    same_day = report(people("girl"), at("2026-11-02", 14, 59))  # due Mon 2 Nov
    social.assess(same_day, at("2026-11-02", 23, 30))
    after_cutoff = report(people("girl"), at("2026-11-02", 15, 0))  # due Tue 3 Nov
    social.assess(after_cutoff, at("2026-11-03", 9, 0))
    friday_late = report(people("boy"), at("2026-11-06", 16, 0))  # due Mon 9 Nov
    social.assess(friday_late, at("2026-11-10", 8, 0))  # a day late
    report(people("boy"), at("2026-11-04"))  # never assessed: not done
    due_today = report(people("girl"), at("2026-11-20", 8, 0))  # not yet due: left out
    late_october = report(people("other"), at("2026-10-30", 16, 0))  # due Mon 2 Nov: counts now
    social.assess(late_october, at("2026-11-02", 10, 0))
    previous = report(people("girl"), at("2026-10-20"))  # previous period, on time
    social.assess(previous, at("2026-10-20", 11, 0))

    table = dashboards.protection_on_time(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-20", "2026-11-20")
    )
    assert row(table, "on_time") == (Counts(girl=2, other=1), 1)
    assert row(table, "late") == (Counts(boy=1), 0)
    assert row(table, "undone") == (Counts(boy=1), 0)
    assert row(table, "missed") == (Counts(boy=2), 0)
    assert row(table, "due") == (Counts(girl=2, boy=2, other=1), 1)
    assert due_today.protection_due_on == d("2026-11-20")


# --- förhandsbedömning ---------------------------------------------------------------------------


def test_forhandsbedomning_within_14_days_at_the_deadline_edges(world, people, report, social):
    # Today 20 November; the period is 1-20 November: 14th days 1-19 November count.
    last_day = report(people("girl"), at("2026-10-20"))  # 14th day: 3 November
    social.decide(last_day, at("2026-11-03", 23, 30))
    day_after = report(people("boy"), at("2026-10-21"))  # 14th day: 4 November
    social.decide(day_after, at("2026-11-05", 0, 10))
    extended_open = report(people("girl"), at("2026-10-22"))  # extended, still open
    social.extend(extended_open, at("2026-11-04"), "2026-11-25")
    extended_decided = report(people("boy"), at("2026-10-23"))  # extended, decided later
    social.extend(extended_decided, at("2026-11-05"), "2026-11-12")
    social.decide(extended_decided, at("2026-11-09"))
    report(people("girl"), at("2026-11-06"))  # 14th day is today: left out
    earlier = report(people("girl"), at("2026-10-10"))  # 14th day 24 October: previous period
    social.decide(earlier, at("2026-10-15"))

    table = dashboards.preliminary_within_14_days(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-20", "2026-11-20")
    )
    assert row(table, "within") == (Counts(girl=1), 1)
    assert row(table, "later") == (Counts(boy=2), 0)
    assert row(table, "undone") == (Counts(girl=1), 0)
    assert row(table, "missed") == (Counts(girl=1, boy=2), 0)
    assert row(table, "due") == (Counts(girl=2, boy=2), 1)
    assert row(table, "extended") == (Counts(girl=1, boy=1), 0)


def test_decisions_share_leading_to_an_utredning_and_median_days(world, people, report, social):
    girls = [people("girl") for _ in range(5)]
    # Decided 1, 2, 3, 10 and 20 days after receipt: the median is 3.
    for pupil, days in zip(girls, (1, 2, 3, 10, 20), strict=True):
        concern = report(pupil, at("2026-10-20"))
        social.decide(concern, at("2026-10-20") + datetime.timedelta(days=days))
    boy = people("boy")
    violence = report(boy, at("2026-11-01"), categories=["violence_home"])
    social.decide(violence, at("2026-11-03"), "not_open", override="Utrett av polisen.")
    ongoing = report(girls[0], at("2026-11-10"))  # an utredning is open since 21 October
    social.decide(ongoing, at("2026-11-12"), "ongoing")
    plain = report(people("boy"), at("2026-11-12"))
    social.decide(plain, at("2026-11-13"), "not_open")

    table = dashboards.decisions(
        query(world.manager_kungsholmen, "2026-10-21", "2026-11-30", "2026-12-01")
    )
    assert row(table, "opened") == (Counts(girl=5), 0)
    assert row(table, "not_opened") == (Counts(boy=2), 0)
    assert row(table, "violence") == (Counts(boy=1), 0)
    assert row(table, "ongoing") == (Counts(girl=1), 0)
    assert row(table, "no_new") == (Counts(girl=1, boy=2), 0)
    assert row(table, "decided") == (Counts(girl=6, boy=2), 0)
    # Girls: 1, 2, 2, 3, 10 and 20 days; boys: 1 and 2 days.
    median = table.row("median_days").median
    assert median["girl"] == (pytest.approx(2.5), 6)
    assert median["boy"] == (pytest.approx(1.5), 2)
    assert median["total"] == (pytest.approx(2), 8)
    assert median["previous"] == (None, 0)


def test_the_median_of_five_decisions(world, people, report, social):
    for days in (1, 2, 3, 10, 20):
        concern = report(people("girl"), at("2026-10-01"))
        social.decide(concern, at("2026-10-01") + datetime.timedelta(days=days))
    table = dashboards.decisions(
        query(world.manager_kungsholmen, "2026-10-01", "2026-10-31", "2026-11-01")
    )
    assert table.row("median_days").median["girl"] == (pytest.approx(3), 5)
    assert table.row("median_days").median["total"] == (pytest.approx(3), 5)


# --- anmälningsmöte -----------------------------------------------------------------------------


def test_anmalningsmoten_offered_held_cancelled_and_skipped_by_reason(
    world, people, report, social
):
    def schedule(concern, decided, starts):
        with time_machine.travel(decided, tick=False):
            return services.notification_meeting_schedule(
                concern=concern,
                by=world.social_kungsholmen,
                starts_at=starts,
                duration_minutes=60,
                place="Socialkontoret",
            )

    def skip(concern, decided, reason):
        with time_machine.travel(decided, tick=False):
            services.notification_meeting_skip(
                concern=concern, by=world.social_kungsholmen, reason=reason, explanation="x"
            )

    schedule(report(people("girl"), at("2026-11-02")), at("2026-11-03"), at("2026-11-10"))
    schedule(report(people("boy"), at("2026-11-02")), at("2026-11-03"), at("2026-12-10"))
    cancelled = schedule(
        report(people("girl"), at("2026-11-02")), at("2026-11-03"), at("2026-11-16")
    )
    with time_machine.travel(at("2026-11-04"), tick=False):
        meeting_cancel(meeting=cancelled.meeting, by=world.social_kungsholmen)
    skip(report(people("girl"), at("2026-11-02")), at("2026-11-05"), "crime_at_home")
    skip(report(people("boy"), at("2026-11-02")), at("2026-11-05"), "child_best_interest")

    with time_machine.travel(at("2026-11-20"), tick=False):
        table = dashboards.notification_meetings(
            query(world.manager_kungsholmen, "2026-11-01", "2026-11-20", "2026-11-20")
        )
    assert row(table, "offered") == (Counts(girl=2, boy=1), 0)
    assert row(table, "held") == (Counts(girl=1), 0)
    assert row(table, "upcoming") == (Counts(boy=1), 0)
    assert row(table, "cancelled") == (Counts(girl=1), 0)
    assert row(table, "skipped") == (Counts(girl=1, boy=1), 0)
    assert row(table, "skip_crime_at_home") == (Counts(girl=1), 0)
    assert row(table, "skip_child_best_interest") == (Counts(boy=1), 0)
    assert row(table, "skip_honour_violence") == (Counts(), 0)
    assert row(table, "decided") == (Counts(girl=3, boy=2), 0)


# --- utredningar --------------------------------------------------------------------------------


def test_utredningar_finished_within_four_months_extended_and_overdue_now(
    world, people, report, social
):
    def opened(gender, day):
        return social.open_investigation(report(people(gender), at(day)), at(day, 12))

    on_the_day = opened("girl", "2026-07-10")  # due 10 November
    social.close_investigation(on_the_day, "2026-11-10")
    day_late = opened("boy", "2026-07-09")  # due 9 November
    social.close_investigation(day_late, "2026-11-10")
    extended = opened("girl", "2026-07-05")  # due 5 November, extended to 30 November
    social.extend_investigation(extended, at("2026-11-01"), "2026-11-30")
    social.close_investigation(extended, "2026-11-20")  # within the extension, past 4 months
    opened("boy", "2026-06-01")  # due 1 October: open and overdue
    opened("girl", "2026-11-05")  # started in the period, open and in time

    q = query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    finished = dashboards.investigations_finished(q)
    assert row(finished, "within") == (Counts(girl=1), 0)
    assert row(finished, "later") == (Counts(girl=1, boy=1), 0)
    assert row(finished, "closed") == (Counts(girl=2, boy=1), 0)
    assert row(finished, "extended") == (Counts(girl=1), 0)
    assert row(finished, "started") == (Counts(girl=1), 0)
    now = dashboards.investigations_open(q)
    assert row(now, "overdue") == (Counts(boy=1), None)
    assert row(now, "in_time") == (Counts(girl=1), None)
    assert row(now, "open") == (Counts(girl=1, boy=1), None)


def test_utredningar_narrowed_to_a_category_count_those_whose_report_names_it(
    world, people, report, social
):
    def opened(gender, day, categories):
        concern = report(people(gender), at(day), categories=categories)
        return social.open_investigation(concern, at(day, 12))

    both = opened("girl", "2026-07-10", ["violence_home", "other"])
    other = opened("boy", "2026-07-12", ["other"])
    opened("boy", "2026-11-03", ["criminality"])  # started in the period, open
    social.extend_investigation(both, at("2026-11-01"), "2026-11-30")
    for investigation in (both, other):
        social.close_investigation(investigation, "2026-11-10")

    def counted(category):
        q = query(
            world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01", category=category
        )
        finished = dashboards.investigations_finished(q)
        now = dashboards.investigations_open(q)
        return {
            "closed": row(finished, "closed")[0],
            "extended": row(finished, "extended")[0],
            "started": row(finished, "started")[0],
            "open": row(now, "open")[0],
        }

    assert counted("violence_home") == {
        "closed": Counts(girl=1),
        "extended": Counts(girl=1),
        "started": Counts(),
        "open": Counts(),
    }
    assert counted("other") == {
        "closed": Counts(girl=1, boy=1),
        "extended": Counts(girl=1),
        "started": Counts(),
        "open": Counts(),
    }
    assert counted("criminality") == {
        "closed": Counts(),
        "extended": Counts(),
        "started": Counts(boy=1),
        "open": Counts(boy=1),
    }
    assert counted(None)["closed"] == Counts(girl=1, boy=1)


def test_four_months_from_the_31st_end_on_the_last_day_of_a_shorter_month(
    world, people, report, social
):
    def finished(started_day, closed_day):
        concern = report(people("girl"), at(started_day))
        social.decide(concern, at(started_day, 12))
        services.investigation_close(
            investigation=concern.investigations.get(),
            by=world.social_kungsholmen,
            outcome="no_intervention",
            closed_on=d(closed_day),
        )

    finished("2025-10-31", "2026-02-28")  # four months: the last day of February
    finished("2025-10-31", "2026-03-01")  # a day late
    table = dashboards.investigations_finished(
        query(world.manager_kungsholmen, "2026-02-01", "2026-03-31", "2026-04-01")
    )
    assert row(table, "within") == (Counts(girl=1), 0)
    assert row(table, "later") == (Counts(girl=1), 0)


# --- suspensions ---------------------------------------------------------------------------------


def test_suspensions_by_school_form_and_notice_at_schools_in_the_district(world, people):
    import random

    gymnasium = UnitFactory(
        code="gy-k",
        name="Gymnasiet K",
        district=world.kungsholmen,
        school_form=Unit.SchoolForm.GYMNASIESKOLA,
    )
    rektor_gy = UserFactory(username="rektor_gy")
    MembershipFactory(user=rektor_gy, unit=gymnasium, role="principal")
    adult = StudentFactory(
        gender="boy",
        school_unit=gymnasium,
        home_district=world.kungsholmen,
        grade=3,
        personnummer=identity.fictional_personnummer(
            datetime.date(2008, 1, 5), female=False, rng=random.Random(3)
        ),
    )
    young = people("girl")
    at_b = StudentFactory(
        gender="girl", school_unit=world.school_b, home_district=world.kungsholmen
    )

    def suspend(by, student, first):
        with time_machine.travel(at(first, 8), tick=False):
            services.suspension_record(
                by=by,
                student=student,
                starts_on=d(first),
                ends_on=d(first) + datetime.timedelta(days=2),
                reason="Våld mot en klasskamrat.",
                pupil_and_guardians_heard=True,
            )

    suspend(world.principal_a, young, "2026-11-02")
    suspend(rektor_gy, adult, "2026-11-03")
    suspend(world.principal_b, at_b, "2026-11-04")  # a school in Södermalm: not Kungsholmen's
    suspend(world.principal_a, young, "2026-10-12")

    table = dashboards.suspensions(
        query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    assert row(table, "grundskola") == (Counts(girl=1), 1)
    assert row(table, "gymnasieskola") == (Counts(boy=1), 0)
    assert row(table, "notified") == (Counts(girl=1), 1)
    assert row(table, "not_notified") == (Counts(boy=1), 0)
    assert row(table, "all") == (Counts(girl=1, boy=1), 1)


# --- scope and filters ----------------------------------------------------------------------------


def test_a_manager_of_another_district_counts_nothing_of_this_one(world, people, report):
    for _ in range(6):
        report(people("girl"), at("2026-11-10"), categories=["violence_home"])
    q = query(world.manager_sodermalm, "2026-11-01", "2026-11-30", "2026-12-01")
    assert row(dashboards.concerns_by_school(q), "all") == (Counts(), 0)
    assert all(r.current == Counts() for r in dashboards.concerns_by_category(q).rows)
    # Asking for Kungsholmen by filter does not widen the scope.
    q = query(
        world.manager_sodermalm,
        "2026-11-01",
        "2026-11-30",
        "2026-12-01",
        district=world.kungsholmen.pk,
    )
    assert row(dashboards.concerns_by_school(q), "all") == (Counts(), 0)


def test_a_unit_manager_counts_their_own_unit(world, people, report):
    school_head = UserFactory(username="chef_skola_a")
    MembershipFactory(user=school_head, unit=world.school_a, role="manager")
    report(people("girl"), at("2026-11-10"))
    report(people("girl", home=world.sodermalm), at("2026-11-10"))  # to Södermalm's services
    report(people("boy", school=world.school_b), at("2026-11-10"))  # another school
    table = dashboards.concerns_by_school(
        query(school_head, "2026-11-01", "2026-11-30", "2026-12-01")
    )
    assert row(table, "all") == (Counts(girl=2), 0)


def test_filters_narrow_by_district_school_and_category(world, people, report):
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    report(people("girl"), at("2026-11-10"), categories=["violence_home"])
    report(people("boy"), at("2026-11-10"), categories=["criminality"])
    report(people("boy", school=world.school_b), at("2026-11-10"), categories=["criminality"])
    report(people("girl", home=world.sodermalm), at("2026-11-10"), categories=["criminality"])

    def total(**filters):
        q = query(city_manager, "2026-11-01", "2026-11-30", "2026-12-01", **filters)
        return row(dashboards.concerns_by_school(q), "all")[0]

    assert total() == Counts(girl=2, boy=2)
    assert total(district=world.kungsholmen.pk) == Counts(girl=1, boy=2)
    assert total(school=world.school_b.pk) == Counts(boy=1)
    assert total(category="criminality") == Counts(girl=1, boy=2)
    assert total(category="criminality", district=world.sodermalm.pk) == Counts(girl=1)

    def categories(**filters):
        q = query(city_manager, "2026-11-01", "2026-11-30", "2026-12-01", **filters)
        table = dashboards.concerns_by_category(q)
        return {r.key: r.current for r in table.rows if r.current.total}

    # The category panel counts every category, whichever is chosen.
    everything = {"violence_home": Counts(girl=1), "criminality": Counts(girl=1, boy=2)}
    assert categories() == everything
    assert categories(category="criminality") == everything
    assert categories(category="criminality", school=world.school_b.pk) == {
        "criminality": Counts(boy=1)
    }


# --- the daily counts ---------------------------------------------------------------------------


def test_the_daily_counts_give_what_the_reports_rows_give(
    world, people, report, social, monkeypatch
):
    """A district's and the city's figures are added up from referrals.daycounts;
    with the counts set aside, the same panels count the reports' own rows. Both
    must agree, at the deadline edges and across the change to summer time."""
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    for i, (gender, day) in enumerate(
        [
            ("girl", "2026-03-28"),
            ("boy", "2026-03-01"),  # just after midnight on a period's first day
            ("other", "2026-03-31"),
            ("girl", "2026-10-01"),
            ("boy", "2026-10-20"),
            ("girl", "2026-12-01"),  # just after midnight after a period's last day
        ]
    ):
        # Just after midnight or just before: a different day in UTC or not.
        late_evening = at(day, 0, 30) if i % 2 else at(day, 23, 30)
        concern = report(
            people(gender), late_evening, categories=["violence_home", "other"][: i % 2 + 1]
        )
        if i % 3 != 2:
            social.assess(concern, late_evening + datetime.timedelta(hours=i * 9))
        if i % 2 == 0:
            extended_to = (late_evening.date() + datetime.timedelta(days=20)).isoformat()
            social.extend(concern, late_evening + datetime.timedelta(days=2), extended_to)
        if i != 5:
            social.decide(
                concern,
                late_evening + datetime.timedelta(days=10 + i),
                decision="open" if i % 2 == 0 else "not_open",
                override="" if i % 2 == 0 else "Familjen har redan stöd.",
            )
    social.register(people("boy", home=world.sodermalm), at("2026-10-05"))
    selectors = [
        dashboards.concerns_by_month,
        dashboards.concerns_by_school,
        dashboards.concerns_by_category,
        dashboards.concerns_by_district,
        dashboards.protection_on_time,
        dashboards.preliminary_within_14_days,
        dashboards.decisions,
    ]
    periods = [
        # Whole months, in both periods or only in the current one.
        ("2026-03-01", "2026-04-30", "2026-05-10"),
        ("2026-10-01", "2026-11-30", "2026-12-01"),
        # Days before and after whole months, and days alone.
        ("2026-02-27", "2026-10-20", "2026-12-01"),
        ("2026-03-28", "2026-04-02", "2026-12-01"),
    ]
    shown = set()
    for user, (start, end, today), category in itertools.product(
        (world.manager_kungsholmen, world.manager_sodermalm, city_manager),
        periods,
        # Every report, and the reports naming a category (some name two).
        (None, "violence_home", "other"),
    ):
        q = query(user, start, end, today, category=category)
        assert dashboards._day_counts(q, "received") is not None
        for selector in selectors:
            # Nothing suppressed: every figure is compared.
            rows = shown_either_way(monkeypatch, selector, q, (dashboards, "_day_counts"))
            shown |= {(category, selector.__name__, key) for key in rows}
    # Every panel has figures to compare, the decisions' median among them, and so
    # has every panel that a category narrows, for each category.
    assert {key for _category, key, _row in shown} == {s.__name__ for s in selectors}
    assert (None, "decisions", "median_days") in shown
    for category in ("violence_home", "other"):
        assert {key for c, key, _row in shown if c == category} == {
            s.__name__ for s in selectors
        }, category
