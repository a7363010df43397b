"""Concerns (orosanmälningar) and the social services' handling of them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Meeting, Student
from portal import rules
from portal.models import CityCounts, Unit, User


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter or e-mail")


class Concern(models.Model):
    """Orosanmälan: a report that a child may be harmed (SoL 14:1, skollagen 29:13).

    One report per child. Once submitted it is immutable: additions are dated
    amendments. It is routed to the intake unit of the child's home district.
    """

    reference = models.CharField(_("report number"), max_length=20, unique=True, editable=False)
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="concerns"
    )
    channel = models.CharField(
        _("received by"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    #: The reporting user for reports filed in the portal; None for phone and letter.
    reporter = models.ForeignKey(
        User,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_reported",
    )
    reporting_unit = models.ForeignKey(
        Unit,
        verbose_name=_("reporting school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_reported",
    )
    #: For phone and letter reports: who reported. A professional is never anonymous.
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_organisation = models.CharField(
        _("reporter's organisation"), max_length=200, blank=True
    )
    reporter_contact = models.CharField(_("reporter's phone or e-mail"), max_length=200, blank=True)
    reporter_is_professional = models.BooleanField(
        _("reports in a professional role"), default=True
    )
    registered_by = models.ForeignKey(
        User,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_registered",
    )

    intake_unit = models.ForeignKey(
        Unit,
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="concerns_received",
    )
    assigned_to = models.ForeignKey(
        User,
        verbose_name=_("handling social worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_assigned",
    )

    worry = models.TextField(_("what worries you"))
    child_said = models.TextField(_("what the pupil said"), blank=True)
    observed = models.TextField(_("what you have seen"), blank=True)
    relation = models.CharField(_("your relation to the pupil"), max_length=200)
    earlier_concerns = models.TextField(_("earlier concerns"), blank=True)
    guardians_informed = models.BooleanField(_("guardians have been told"), default=False)
    immediate_danger = models.BooleanField(_("the pupil may be in immediate danger"), default=False)

    received_at = models.DateTimeField(_("received"), db_index=True)
    protection_due_on = models.DateField(_("skyddsbedömning due"))
    preliminary_due_on = models.DateField(_("förhandsbedömning due"))
    #: The draft this report was submitted from; unique, so a double submit saves one.
    draft_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    #: True until the förhandsbedömning is recorded (``preliminary_decision_record``,
    #: the one place an assessment is made, clears it in the same transaction). It
    #: stands for "has no PreliminaryAssessment" on the row itself, so the inbox's
    #: open reports are a small partial index, not an anti-join over every report
    #: the district ever received.
    awaiting_decision = models.BooleanField(default=True, editable=False)
    #: True until the skyddsbedömning is recorded (``protection_assessment_record``
    #: clears it in the same transaction): the overdue skyddsbedömningar on the
    #: managers' worklist are a small partial index, not an anti-join over every
    #: report the district ever received.
    awaiting_protection = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")
        constraints = [
            models.CheckConstraint(
                name="concern_portal_report_has_reporter",
                condition=~Q(channel="portal") | Q(reporter__isnull=False),
            ),
            models.CheckConstraint(
                name="concern_professional_is_named",
                condition=Q(reporter__isnull=False)
                | Q(reporter_is_professional=False)
                | ~Q(reporter_name=""),
            ),
        ]
        indexes = [
            # Covers the dashboard's counts of a district's reports by receipt: read
            # from the index alone, without visiting the wide rows.
            models.Index(
                fields=["intake_unit", "received_at"],
                include=["id", "student", "reporting_unit", "channel", "protection_due_on"],
                name="concern_unit_received_cover",
            ),
            models.Index(fields=["intake_unit", "preliminary_due_on"]),
            models.Index(fields=["reporter", "-received_at"]),
            models.Index(fields=["reporting_unit", "-received_at"]),
            models.Index(fields=["student", "-received_at"]),
            # The inbox's search by name: the found pupils' reports not yet decided.
            models.Index(
                fields=["student"],
                condition=Q(awaiting_decision=True),
                name="concern_student_undecided",
            ),
            models.Index(
                fields=["intake_unit", "preliminary_due_on"],
                condition=Q(awaiting_decision=True),
                name="concern_awaiting_decision",
            ),
            models.Index(
                fields=["intake_unit", "protection_due_on"],
                condition=Q(awaiting_protection=True),
                name="concern_awaiting_protection",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def category_codes(self) -> list[str]:
        return [c.category for c in self.categories.all()]

    @property
    def has_violence_category(self) -> bool:
        return bool(rules.VIOLENCE_CATEGORIES.intersection(self.category_codes))


class ConcernCategory(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(
        _("category"), max_length=30, choices=rules.CONCERN_CATEGORIES, db_index=True
    )

    class Meta:
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")
        constraints = [
            models.UniqueConstraint(fields=["concern", "category"], name="concern_category_once"),
        ]
        indexes = [
            # A report's categories from the index alone (the dashboard's counts).
            models.Index(
                fields=["concern"], include=["category", "id"], name="concern_category_cover"
            ),
        ]

    def __str__(self):
        return self.get_category_display()


class ConcernDraft(models.Model):
    """A report being written, saved as the reporter types so nothing is lost."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="concern_drafts")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft concern report")
        verbose_name_plural = _("draft concern reports")

    def __str__(self):
        return f"{self.author} – {self.student}"


class Amendment(models.Model):
    """Tillägg: a dated addition to a submitted report. Reports are never edited."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("addition"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.concern} +{self.created_at:%Y-%m-%d}"


class ConcernEvent(models.Model):
    """The social services' handling history of a report (assignments, decisions)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        PROTECTION_ASSESSED = "protection_assessed", _("Skyddsbedömning recorded")
        EXTENDED = "extended", _("Förhandsbedömning extended")
        DECIDED = "decided", _("Förhandsbedömning decided")
        MEETING = "meeting", _("Anmälningsmöte")
        AMENDED = "amended", _("Amendment added")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.concern} {self.kind}"


class ProtectionAssessment(models.Model):
    """Skyddsbedömning: is the child in immediate danger? Done the day of receipt."""

    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, related_name="protection_assessment"
    )
    immediate_protection_needed = models.BooleanField(_("the child needs immediate protection"))
    reasoning = models.TextField(_("reasoning"))
    measures = models.TextField(_("measures taken"), blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed"))

    class Meta:
        verbose_name = _("skyddsbedömning")
        verbose_name_plural = _("skyddsbedömningar")
        indexes = [
            # Whether and when a report was assessed, from the index alone (dashboard).
            models.Index(
                fields=["concern"], include=["id", "assessed_at"], name="protection_concern_cover"
            ),
        ]

    def __str__(self):
        return f"{self.concern} skydd"


class PreliminaryExtension(models.Model):
    """Extension of the 14 days for synnerliga skäl (never workload)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="extensions")
    reason = models.CharField(_("reason"), max_length=30, choices=rules.EXTENSION_REASONS)
    explanation = models.TextField(_("explanation"))
    previous_due_on = models.DateField()
    new_due_on = models.DateField(_("new decision date"))
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="extension_moves_the_date_later",
                condition=Q(new_due_on__gt=models.F("previous_due_on")),
            ),
        ]

    def __str__(self):
        return f"{self.concern} → {self.new_due_on}"


class PreliminaryAssessment(models.Model):
    """Förhandsbedömning: the decision whether to open an utredning (SoL 11:1a)."""

    class Decision(models.TextChoices):
        OPEN = "open", _("Open an utredning")
        NOT_OPEN = "not_open", _("Do not open an utredning")
        ONGOING = "ongoing", _("An utredning is already ongoing")

    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, related_name="preliminary_assessment"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reasoning = models.TextField(_("reasoning"))
    #: Required when "do not open" is chosen despite a violence category.
    violence_override_reason = models.TextField(_("why no utredning despite violence"), blank=True)
    flagged_to_manager = models.BooleanField(default=False)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), db_index=True)

    class Meta:
        verbose_name = _("förhandsbedömning")
        verbose_name_plural = _("förhandsbedömningar")
        indexes = [
            # The dashboard's decisions in a period and a report's decision date, from
            # the indexes alone.
            models.Index(
                fields=["decided_at"],
                include=["id", "concern", "decision", "flagged_to_manager"],
                name="preliminary_decided_cover",
            ),
            models.Index(
                fields=["concern"], include=["id", "decided_at"], name="preliminary_concern_cover"
            ),
        ]

    def __str__(self):
        return f"{self.concern}: {self.decision}"


class Investigation(models.Model):
    """Utredning (SoL 11:1): finished within four months; extendable for särskilda skäl."""

    class Outcome(models.TextChoices):
        INTERVENTION = "intervention", _("Interventions (insatser) decided")
        NO_INTERVENTION = "no_intervention", _("Closed without interventions")
        REFERRED = "referred", _("Handed over to another municipality or body")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="investigations")
    #: A copy of the pupil's gender for the dashboard's split (cases.pupil_gender).
    pupil_gender = models.CharField(_("pupil's gender"), max_length=10, blank=True, editable=False)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="investigations"
    )
    #: A copy of the report's categories, a bit each, for the dashboard's category
    #: filter (referrals.investigation_categories); 0 without a report.
    concern_categories = models.PositiveIntegerField(default=0, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="investigations")
    started_on = models.DateField(_("started"))
    due_on = models.DateField(_("due"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("notes on the outcome"), blank=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("utredning")
        verbose_name_plural = _("utredningar")
        constraints = [
            models.CheckConstraint(
                name="investigation_closed_with_outcome",
                condition=Q(closed_on__isnull=True, outcome="")
                | Q(closed_on__isnull=False) & ~Q(outcome=""),
            ),
        ]
        indexes = [
            models.Index(fields=["student", "closed_on"]),
            # The dashboard's counts from the index alone.
            models.Index(
                fields=["unit", "closed_on"],
                include=["started_on", "pupil_gender", "concern_categories"],
                name="investigation_unit_closed",
            ),
            models.Index(
                fields=["unit", "started_on"],
                include=["pupil_gender", "concern_categories"],
                name="investigation_unit_started",
            ),
            # The whole city's, for a city manager's dashboard.
            models.Index(
                fields=["closed_on"],
                include=["started_on", "pupil_gender", "unit", "concern", "concern_categories"],
                name="investigation_closed",
            ),
            models.Index(
                fields=["started_on"],
                include=["pupil_gender", "unit", "concern", "concern_categories"],
                name="investigation_started",
            ),
            models.Index(
                fields=["unit", "due_on"],
                include=["pupil_gender", "concern_categories"],
                condition=Q(closed_on__isnull=True),
                name="investigation_open_due",
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.started_on}"


class InvestigationExtension(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, related_name="extensions"
    )
    reason = models.TextField(_("särskilda skäl"))
    previous_due_on = models.DateField()
    new_due_on = models.DateField(_("new end date"))
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.investigation} → {self.new_due_on}"


class NotificationMeeting(models.Model):
    """Anmälningsmöte (SoL 14:1a): offered, or not held for a recorded reason."""

    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, related_name="notification_meeting"
    )
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    skip_reason = models.CharField(
        _("reason for no meeting"), max_length=30, choices=rules.MEETING_SKIP_REASONS, blank=True
    )
    skip_explanation = models.TextField(_("explanation"), blank=True)
    #: Social-side notes on how the meeting went. Never shown to the school.
    outcome_notes = models.TextField(_("notes from the meeting"), blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="notification_meeting_held_or_skipped",
                condition=Q(meeting__isnull=False, skip_reason="")
                | Q(meeting__isnull=True) & ~Q(skip_reason=""),
            ),
        ]
        indexes = [
            # The dashboard's decisions in a period, from the index alone.
            models.Index(
                fields=["decided_at"],
                include=["id", "concern", "meeting", "skip_reason"],
                name="notification_decided_cover",
            ),
        ]

    def __str__(self):
        return f"{self.concern} möte"


class Suspension(models.Model):
    """Avstängning: decided by the rektor (skollagen 5 kap. 14-17 §§). For a pupil
    under 18, the social services of the home district get a notice."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="suspensions")
    school_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="suspensions")
    school_form = models.CharField(_("school form"), max_length=20, choices=Unit.SchoolForm.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.TextField(_("reason"))
    pupil_and_guardians_heard = models.BooleanField(_("pupil and guardians have been heard"))
    huvudman_decision = models.CharField(
        _("huvudman's decision on a longer period"), max_length=200, blank=True
    )
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    notice_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="suspension_notices"
    )
    notice_read_at = models.DateTimeField(null=True, blank=True)
    notice_read_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.CheckConstraint(
                name="suspension_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
        ]
        indexes = [
            models.Index(fields=["student", "starts_on"]),
            models.Index(fields=["school_unit", "starts_on"]),
            models.Index(fields=["notice_unit", "notice_read_at"]),
        ]

    def __str__(self):
        return f"{self.student} {self.starts_on}–{self.ends_on}"


def _answer_file_path(instance, filename):
    # Never a guessable name: the file is served only through a permission check.
    extension = rules.INFORMATION_ANSWER_FILE_TYPES.get(instance.content_type, ".bin")
    return f"information_answers/{uuid.uuid4().hex}{extension}"


class InformationRequest(models.Model):
    """Begäran om uppgifter: in an open utredning, the social services ask the pupil's
    school (or the special teaching group the pupil is placed in) for information.

    The school answers under its duty to provide information (``legal_ground``), so
    no consent is needed for the answer. The school sees the request and its own
    answer, nothing else of the utredning."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("utredning"),
        # The request is part of the social services' personakt: it goes with it.
        on_delete=models.CASCADE,
        related_name="information_requests",
    )
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        Unit,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="information_requests_received",
    )
    questions = models.TextField(_("questions"))
    bbic_area = models.CharField(
        _("BBIC area"), max_length=30, choices=rules.BBIC_AREAS, default="education"
    )
    due_on = models.DateField(_("answer wanted by"))
    legal_ground = models.CharField(_("legal ground"), max_length=200)
    #: The social-services unit that asks (the utredning's unit), shown to the school
    #: instead of the utredning itself.
    requesting_unit = models.ForeignKey(
        Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        User, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    #: A staff member of the receiving unit the principal asked to answer.
    assigned_to = models.ForeignKey(
        User,
        verbose_name=_("answered by (assigned)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="information_requests_assigned",
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        constraints = [
            models.CheckConstraint(
                name="information_request_names_legal_ground", condition=~Q(legal_ground="")
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_unit", "due_on"]),
            models.Index(fields=["investigation", "sent_at"]),
        ]

    def __str__(self):
        return f"{self.student} → {self.recipient_unit} ({self.sent_at:%Y-%m-%d})"


class InformationAnswer(models.Model):
    """The school's answer to an information request. Given once, never edited."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.CASCADE, related_name="answer"
    )
    text = models.TextField(_("answer"))
    answered_by = models.ForeignKey(
        User, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("answer to an information request")
        verbose_name_plural = _("answers to information requests")

    def __str__(self):
        return f"{self.request} ✓"


class InformationAttachment(models.Model):
    """A document attached to an answer (PDF, JPEG or PNG), served only through a
    permission check, never from a guessable address."""

    answer = models.ForeignKey(
        InformationAnswer, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_answer_file_path)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.answer_id}/{self.pk}"


class DistrictReach(models.Model):
    """A pupil that a district's social services reach by law: a report routed to
    the district that was not closed as "not opened", an utredning there, or a
    suspension notice sent there. Derived rows, kept by ``referrals.reach`` in the
    same transaction as every write to those tables, so that "which pupils may this
    social worker list" is an index read, not a scan of the district's reports.
    Consent and break-glass are never kept here: they are decided at query time."""

    district = models.ForeignKey(
        "portal.District", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    #: An utredning about the pupil is open in the district: what SIP coordinators see.
    open_investigation = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("pupil reached by a district")
        verbose_name_plural = _("pupils reached by districts")
        constraints = [
            models.UniqueConstraint(fields=["district", "student"], name="district_reach_unique")
        ]

    def __str__(self):
        return f"{self.district_id}:{self.student_id}"


#: Each category's bit in ``ConcernFact.categories``. Fixed here, not taken from the
#: order of the categories, so that a stored row keeps its meaning; a new category
#: takes the next free bit (and ``referrals.facts.FILL_SQL`` its line).
CATEGORY_BITS = {
    "violence_home": 1,
    "sexual_abuse": 2,
    "honour_violence": 4,
    "criminality": 8,
    "mental_ill_health": 16,
    "substance_use": 32,
    "school_absence": 64,
    "behaviour": 128,
    "other": 256,
}


class ConcernFact(models.Model):
    """What the managers' dashboard counts about one report, on one row: the units,
    the pupil's gender, the categories, receipt, the two deadlines and when each was
    met, the decision and the anmälningsmöte. Derived rows, kept by
    ``referrals.facts`` in the same transaction as every write to the report, its
    categories, assessments, extensions and anmälningsmöte (and the pupil's gender),
    so a dashboard count is one index range scan instead of a join of the district's
    reports with their assessments, meetings and pupils."""

    concern = models.OneToOneField(
        Concern, primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    intake_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reporting_unit = models.ForeignKey(
        Unit, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10)
    gender = models.CharField(max_length=10)
    received_at = models.DateTimeField()
    protection_due_on = models.DateField()
    protection_assessed_at = models.DateTimeField(null=True)
    preliminary_due_on = models.DateField()
    decided_at = models.DateTimeField(null=True)
    decision = models.CharField(max_length=20, blank=True)
    flagged = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)
    #: The report's categories, one bit each (``CATEGORY_BITS``).
    categories = models.PositiveIntegerField(default=0)
    #: The anmälningsmöte decision (SoL 14:1a): when it was made, the reason when no
    #: meeting is offered, and the offered meeting's status and time.
    meeting_decided_at = models.DateTimeField(null=True)
    meeting_skip_reason = models.CharField(max_length=30, blank=True)
    meeting_status = models.CharField(max_length=20, blank=True)
    meeting_starts_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("dashboard row of a concern report")
        verbose_name_plural = _("dashboard rows of concern reports")
        indexes = [
            models.Index(
                fields=["intake_unit", "received_at"],
                include=[
                    "concern",
                    "gender",
                    "reporting_unit",
                    "channel",
                    "protection_due_on",
                    "protection_assessed_at",
                    "decided_at",
                    "extended",
                    "categories",
                ],
                name="concern_fact_unit_received",
            ),
            # The whole city's reports by receipt and by decision (a city manager's
            # dashboard has no unit to start from).
            models.Index(
                fields=["received_at"],
                include=[
                    "concern",
                    "intake_unit",
                    "gender",
                    "reporting_unit",
                    "channel",
                    "protection_due_on",
                    "protection_assessed_at",
                    "decided_at",
                    "extended",
                    "categories",
                ],
                name="concern_fact_received",
            ),
            models.Index(
                fields=["decided_at"],
                include=[
                    "concern",
                    "intake_unit",
                    "gender",
                    "received_at",
                    "decision",
                    "flagged",
                    "categories",
                    "reporting_unit",
                ],
                name="concern_fact_decided",
            ),
            # The month-by-month trend: a year of a district's reports, narrow.
            models.Index(
                fields=["intake_unit", "received_at"],
                include=["concern", "gender"],
                name="concern_fact_unit_trend",
            ),
            models.Index(
                fields=["intake_unit", "decided_at"],
                include=["concern", "gender", "received_at", "decision", "flagged", "categories"],
                name="concern_fact_unit_decided",
            ),
            models.Index(
                fields=["intake_unit", "meeting_decided_at"],
                include=[
                    "concern",
                    "gender",
                    "reporting_unit",
                    "categories",
                    "meeting_skip_reason",
                    "meeting_status",
                    "meeting_starts_at",
                ],
                condition=Q(meeting_decided_at__isnull=False),
                name="concern_fact_unit_meeting",
            ),
            # Anmälningsmöten still ahead (the dashboard counts the others as held).
            models.Index(
                fields=["meeting_starts_at"],
                include=["intake_unit", "gender", "categories", "meeting_decided_at"],
                condition=Q(meeting_status="scheduled"),
                name="concern_fact_meeting_ahead",
            ),
            models.Index(fields=["reporting_unit", "received_at"], name="concern_fact_school"),
            # The worklist's "not opened despite a violence category": a few in a hundred.
            models.Index(
                fields=["decided_at"],
                include=["intake_unit"],
                condition=Q(flagged=True),
                name="concern_fact_flagged",
            ),
        ]

    def __str__(self):
        return str(self.concern_id)


class ConcernDayCount(models.Model):
    """How many reports of one intake unit, one day (or month) and one gender had
    one outcome: the managers' dashboard adds these up for a district or the whole
    city instead of counting a period's reports one by one (a city's year is
    390,000 reports; its months are a few thousand of these rows).

    ``kind`` says which day the row counts by and ``detail`` what it counts
    (``referrals.daycounts``): reports received (by category, by reporting school
    or channel) by the day of receipt, skyddsbedömningar by their due day,
    förhandsbedömningar by the 14th day after receipt, decisions by the day
    decided. ``span`` "day" rows count one day; "part" rows the part of a month
    beginning on ``day`` (days 1-7, 8-14, 15-21, 22 to the end); "month" rows the
    whole month whose first day is ``day``. Derived from the reports' dashboard
    rows in the same transaction as they are written."""

    SPANS = [("day", _("day")), ("part", _("part of a month")), ("month", _("month"))]

    span = models.CharField(max_length=5, choices=SPANS, default="day")
    kind = models.CharField(max_length=20)
    day = models.DateField()
    intake_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    gender = models.CharField(max_length=10)
    detail = models.CharField(max_length=40, blank=True)
    #: Empty: every report; a category's code: the reports naming it.
    category = models.CharField(max_length=20, blank=True, default="")
    n = models.IntegerField()

    class Meta:
        verbose_name = _("daily count of concern reports")
        verbose_name_plural = _("daily counts of concern reports")
        constraints = [
            models.UniqueConstraint(
                fields=["span", "kind", "day", "intake_unit", "gender", "detail", "category"],
                name="concern_day_count_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["intake_unit", "span", "kind", "category", "day"],
                include=["gender", "detail", "n"],
                name="concern_counts_unit",
            ),
            # The city's days (or months) of a kind, read from the index alone.
            models.Index(
                fields=["span", "kind", "category", "day"],
                include=["intake_unit", "gender", "detail", "n"],
                name="concern_counts_city",
            ),
            # The counts a write brought to nought, deleted after it: empty between writes.
            models.Index(fields=["day"], condition=Q(n=0), name="concern_counts_nought"),
        ]

    def __str__(self):
        key = (
            self.span,
            self.kind,
            self.day,
            self.intake_unit_id,
            self.gender,
            self.detail,
            self.category,
        )
        return " ".join(map(str, key))


class CityConcernDayCount(CityCounts):
    """``ConcernDayCount``'s counts added up over every intake unit: under half its
    rows, as a school's reports are counted once, not once per intake unit they
    went to (``referrals.daycounts``)."""

    kind = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("daily count of the city's concern reports")
        verbose_name_plural = _("daily counts of the city's concern reports")
        constraints, indexes = CityCounts.constraints_and_indexes("city_concern_count")
