"""The managers' dashboard reads reports from ``ConcernFact``: one row per report
with what its counts need, kept here.

Counting a district's reports by receipt, deadline and decision from the
reports themselves joins a hundred thousand reports with their assessments,
meetings and pupils for every figure. The fact row holds the units, the pupil's
gender, the categories (one bit each), receipt, the two deadlines, when each was
met, the decision and the anmälningsmöte, so each count is one range scan of one
index.

The decisions on an anmälningsmöte are counted from these rows by day
(``MEETINGS``, ``portal.tallies``): ``refresh`` recounts a report's days whenever
a field those counts read changes in its row.

The rows are derived, never decided: ``refresh`` rewrites a report's row from
the source tables, from the model signals of every table it reads (the report,
its categories, skyddsbedömning, förhandsbedömning, extensions and
anmälningsmöte with its meeting, and the pupil, whose gender it copies), inside
the transaction of the write. Queryset ``update()`` and ``bulk_create`` send no
signals: the report's categories are written in bulk and refreshed by the
service that files it, the demo's backdating calls ``refresh``, the city-scale
generator ``rebuild``, and ``drift()`` finds any row that differs from its
source (the tests call it after each service; ``manage.py derived_rows
--check`` on a database).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import GreaterThan
from django.db.models.signals import post_delete, post_save

from cases.models import Meeting, Student
from portal import tallies
from referrals import daycounts
from referrals.models import (
    CATEGORY_BITS,
    Concern,
    ConcernCategory,
    ConcernFact,
    NotificationMeeting,
    PreliminaryAssessment,
    PreliminaryExtension,
    ProtectionAssessment,
)

MEETING_DECIDED = "meeting_decided"
#: Decisions on an anmälningsmöte, counted from the reports' rows by the day
#: decided (portal.tallies), with the meeting's status and the reason for not
#: offering one (detail "<status>:<reason>"; a status only when one is offered).
MEETINGS = tallies.Source(
    model=ConcernFact,
    unit="intake_unit_id",
    gender="gender",
    measures=(
        tallies.Measure(
            MEETING_DECIDED,
            "meeting_decided_at",
            (
                ("x_status", lambda: F("meeting_status")),
                ("x_skip", lambda: F("meeting_skip_reason")),
            ),
        ),
    ),
    categories="categories",
    codes=CATEGORY_BITS,
)
#: What of a row the counts of anmälningsmöten read: a row is counted again only
#: when one of these changed.
MEETING_READS = (
    "intake_unit_id",
    "gender",
    "categories",
    "meeting_decided_at",
    "meeting_status",
    "meeting_skip_reason",
)


def has_category(code: str) -> Q:
    """Dashboard rows whose report names the category ``code``."""
    return Q(GreaterThan(F("categories").bitand(CATEGORY_BITS[code]), 0))


#: fact field -> where it comes from, seen from the report
SOURCES = {
    "intake_unit_id": "intake_unit_id",
    "reporting_unit_id": "reporting_unit_id",
    "channel": "channel",
    "gender": "student__gender",
    "received_at": "received_at",
    "protection_due_on": "protection_due_on",
    "protection_assessed_at": "protection_assessment__assessed_at",
    "preliminary_due_on": "preliminary_due_on",
    "decided_at": "preliminary_assessment__decided_at",
    "decision": "preliminary_assessment__decision",
    "flagged": "preliminary_assessment__flagged_to_manager",
    "meeting_decided_at": "notification_meeting__decided_at",
    "meeting_skip_reason": "notification_meeting__skip_reason",
    "meeting_status": "notification_meeting__meeting__status",
    "meeting_starts_at": "notification_meeting__meeting__starts_at",
}
FIELDS = [*SOURCES, "extended", "categories"]

Facts = dict[int, tuple]


def source(concern_ids: list[int] | None = None) -> Facts:
    """What the rows should be, from the source tables (every report, or these)."""
    reports = Concern.objects.annotate(
        x_extended=Exists(PreliminaryExtension.objects.filter(concern=OuterRef("pk")))
    )
    categories = ConcernCategory.objects.all()
    if concern_ids is not None:
        reports = reports.filter(pk__in=concern_ids)
        categories = categories.filter(concern_id__in=concern_ids)
    masks: dict[int, int] = {}
    for concern_id, code in categories.values_list("concern_id", "category").iterator(
        chunk_size=10_000
    ):
        masks[concern_id] = masks.get(concern_id, 0) | CATEGORY_BITS[code]
    wanted: Facts = {}
    for row in reports.values_list("pk", *SOURCES.values(), "x_extended").iterator(
        chunk_size=10_000
    ):
        values = dict(zip(FIELDS, (*row[1:], masks.get(row[0], 0)), strict=True))
        for blank in ("decision", "meeting_skip_reason", "meeting_status"):
            values[blank] = values[blank] or ""
        values["flagged"] = bool(values["flagged"])
        values["extended"] = bool(values["extended"])
        wanted[row[0]] = tuple(values[f] for f in FIELDS)
    return wanted


def stored(concern_ids: list[int] | None = None, *, lock: bool = False) -> Facts:
    """The rows as they are (every report's, or these); with ``lock``, locked for
    the transaction, in the order of their keys."""
    rows = ConcernFact.objects.all()
    if lock:
        rows = rows.select_for_update().order_by("pk")
    if concern_ids is not None:
        rows = rows.filter(pk__in=concern_ids)
    return {row[0]: tuple(row[1:]) for row in rows.values_list("pk", *FIELDS)}


@transaction.atomic
def refresh(concern_ids: Iterable[int | None]) -> None:
    """Make these reports' rows what the source tables say."""
    ids = sorted({pk for pk in concern_ids if pk is not None})
    if not ids:
        return
    # Locked before the source is read: a second write about the same reports waits,
    # then reads this one's rows as the old ones (the daily counts add the difference).
    had = stored(ids, lock=True)
    want = source(ids)
    ConcernFact.objects.filter(pk__in=[pk for pk in ids if pk not in want]).delete()
    ConcernFact.objects.bulk_create(
        [ConcernFact(concern_id=pk, **dict(zip(FIELDS, v, strict=True))) for pk, v in want.items()],
        update_conflicts=True,
        unique_fields=["concern"],
        update_fields=FIELDS,
    )
    old = {pk: dict(zip(FIELDS, v, strict=True)) for pk, v in had.items()}
    new = {pk: dict(zip(FIELDS, v, strict=True)) for pk, v in want.items()}
    daycounts.apply(old=old.values(), new=new.values())

    def meeting(rows, pk):
        row = rows.get(pk)
        return row and tuple(row[name] for name in MEETING_READS)

    moved = [pk for pk in ids if meeting(old, pk) != meeting(new, pk)]
    tallies.recount_rows(
        MEETINGS,
        old=[old[pk] for pk in moved if pk in old],
        new=[new[pk] for pk in moved if pk in new],
    )


def drift(concern_ids: list[int] | None = None) -> dict[str, list[int]]:
    """Reports whose row is ``missing``, ``extra`` or ``wrong``; empty when all is well."""
    have, want = stored(concern_ids), source(concern_ids)
    return {
        "missing": sorted(pk for pk in want if pk not in have),
        "extra": sorted(pk for pk in have if pk not in want),
        "wrong": sorted(pk for pk in want if pk in have and have[pk] != want[pk]),
    }


#: Every row from the source tables in one statement (also the migration's fill).
FILL_SQL = """
INSERT INTO referrals_concernfact (
    concern_id, intake_unit_id, reporting_unit_id, channel, gender, received_at,
    protection_due_on, protection_assessed_at, preliminary_due_on, decided_at,
    decision, flagged, extended, categories,
    meeting_decided_at, meeting_skip_reason, meeting_status, meeting_starts_at
)
SELECT c.id, c.intake_unit_id, c.reporting_unit_id, c.channel, s.gender, c.received_at,
    c.protection_due_on, pa.assessed_at, c.preliminary_due_on, p.decided_at,
    COALESCE(p.decision, ''), COALESCE(p.flagged_to_manager, 1 = 0),
    EXISTS (SELECT 1 FROM referrals_preliminaryextension e WHERE e.concern_id = c.id),
    COALESCE((
        SELECT SUM(CASE cc.category
            WHEN 'violence_home' THEN 1 WHEN 'sexual_abuse' THEN 2
            WHEN 'honour_violence' THEN 4 WHEN 'criminality' THEN 8
            WHEN 'mental_ill_health' THEN 16 WHEN 'substance_use' THEN 32
            WHEN 'school_absence' THEN 64 WHEN 'behaviour' THEN 128
            WHEN 'other' THEN 256 END)
        FROM referrals_concerncategory cc WHERE cc.concern_id = c.id
    ), 0),
    n.decided_at, COALESCE(n.skip_reason, ''), COALESCE(m.status, ''), m.starts_at
FROM referrals_concern c
JOIN cases_student s ON s.id = c.student_id
LEFT JOIN referrals_protectionassessment pa ON pa.concern_id = c.id
LEFT JOIN referrals_preliminaryassessment p ON p.concern_id = c.id
LEFT JOIN referrals_notificationmeeting n ON n.concern_id = c.id
LEFT JOIN cases_meeting m ON m.id = n.meeting_id
"""


@transaction.atomic
def rebuild() -> int:
    """Every row again from the source tables (after a bulk load); returns the count.
    The daily counts derived from these rows are rebuilt apart
    (``referrals.daycounts.rebuild``)."""
    ConcernFact.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(FILL_SQL)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {ConcernFact._meta.db_table}")
    return ConcernFact.objects.count()


# --- keeping the rows with the source ---------------------------------------------------------


def _report_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance.pk])


def _part_changed(sender, instance, raw=False, **kwargs):
    # A category, assessment, extension or anmälningsmöte saved or deleted: its
    # report's row.
    if not raw:
        refresh([instance.concern_id])


def _meeting_saved(sender, instance, raw=False, **kwargs):
    # An anmälningsmöte held, moved or cancelled (other meetings have no report).
    if not raw:
        refresh(
            NotificationMeeting.objects.filter(meeting=instance).values_list(
                "concern_id", flat=True
            )
        )


def _pupil_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # The rows copy the pupil's gender.
    if raw or created or (update_fields is not None and "gender" not in update_fields):
        return
    refresh(Concern.objects.filter(student=instance).values_list("pk", flat=True))


def connect() -> None:
    tallies.register(MEETINGS)
    post_save.connect(_report_saved, sender=Concern, dispatch_uid="referrals.facts.report")
    parts = (
        ConcernCategory,
        ProtectionAssessment,
        PreliminaryAssessment,
        PreliminaryExtension,
        NotificationMeeting,
    )
    for model in parts:
        uid = f"referrals.facts.{model.__name__}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_part_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="referrals.facts.meeting")
    post_save.connect(_pupil_saved, sender=Student, dispatch_uid="referrals.facts.pupil")
