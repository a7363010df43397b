"""Pupils and their guardians, and explicit per-pupil grants."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases import identity
from portal.models import District, Unit


class Gender(models.TextChoices):
    """Kept for the city's statistics, which are split girls / boys / other."""

    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    OTHER = "other", _("Other or unknown")


class Student(models.Model):
    """Elev: a pupil of a school unit.

    The home district (folkbokföring) decides which social services are
    responsible for the child, not the district the school is in.
    """

    personnummer = models.CharField(
        _("personal identity number"),
        max_length=12,
        unique=True,
        validators=[identity.validate_personnummer],
    )
    birth_date = models.DateField(_("date of birth"), editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    school_unit = models.ForeignKey(
        Unit,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="students",
        limit_choices_to={"kind__in": Unit.SCHOOL_KINDS},
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), help_text=_("0 is förskoleklass; upper secondary school counts 1–3.")
    )
    home_district = models.ForeignKey(
        District,
        verbose_name=_("home district"),
        on_delete=models.PROTECT,
        related_name="students",
        help_text=_("Where the child is registered (folkbokförd)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            models.CheckConstraint(name="student_grade_range", condition=Q(grade__lte=9)),
        ]
        indexes = [
            models.Index(fields=["school_unit", "last_name", "first_name", "id"]),
            models.Index(fields=["home_district", "last_name", "first_name", "id"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.birth_date = identity.birth_date(self.personnummer)
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def personnummer_masked(self):
        return identity.masked(self.personnummer)

    @property
    def personnummer_display(self):
        return identity.display(self.personnummer)


class Guardian(models.Model):
    """Vårdnadshavare: a guardian with contact details."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    students = models.ManyToManyField(
        Student, through="Guardianship", related_name="guardians", verbose_name=_("pupils")
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Guardianship(models.Model):
    """Links a guardian to a pupil."""

    class Relation(models.TextChoices):
        PARENT = "parent", _("Parent")
        OTHER = "other", _("Other guardian")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.PARENT
    )

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="guardianship_unique"),
        ]

    def __str__(self):
        return f"{self.guardian} – {self.student}"


class StudentUserObjectPermission(UserObjectPermissionBase):
    """A named user's explicit grant on one pupil (django-guardian, direct FK)."""

    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"])]


class StudentGroupObjectPermission(GroupObjectPermissionBase):
    """A group's explicit grant on one pupil (django-guardian, direct FK)."""

    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)


class Meeting(models.Model):
    """Möte: one model for the anmälningsmöte, SIP meetings and follow-ups, the
    antagningsgrupp and BUS meetings.

    Invited people see the time and the place; what else they see (agenda,
    minutes) depends on the meeting's side and, across the secrecy boundary,
    on consent.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("Notification meeting (anmälningsmöte)")
        SIP = "sip", _("SIP meeting")
        SIP_FOLLOW_UP = "sip_follow_up", _("SIP follow-up")
        ADMISSION = "admission", _("Admission group (antagningsgrupp)")
        BUS = "bus", _("BUS meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="meetings"
    )
    organiser = models.ForeignKey(
        "portal.User", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    organiser_unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    sip = models.ForeignKey(
        "cases.SipPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    #: Stable calendar identity: the same UID across reschedules, SEQUENCE grows.
    uid = models.UUIDField(_("calendar UID"), unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                name="meeting_has_place_or_link", condition=~Q(place="", video_link="")
            ),
            models.CheckConstraint(
                name="meeting_duration_positive", condition=Q(duration_minutes__gt=0)
            ),
        ]
        indexes = [models.Index(fields=["organiser_unit", "starts_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.uid is None:
            import uuid

            self.uid = uuid.uuid4()
        super().save(*args, **kwargs)


class MeetingParticipant(models.Model):
    """Someone invited to a meeting: a user of the portal, or an external person
    (a guardian, a police contact) with a name and an e-mail address."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role_label = models.CharField(_("taking part as"), max_length=100, blank=True)
    response = models.CharField(
        _("response"), max_length=20, choices=Response.choices, default=Response.PENDING
    )

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meeting_participant_user_once",
            ),
            models.CheckConstraint(
                name="meeting_participant_is_someone",
                condition=Q(user__isnull=False) | ~Q(name=""),
            ),
        ]
        indexes = [models.Index(fields=["user", "meeting"])]

    def __str__(self):
        return str(self.user) if self.user_id else self.name


class SipPlan(models.Model):
    """Samordnad individuell plan (SoL 2:7, HSL 16:4): the municipality and the
    region coordinate their insatser for a child, with consent. The plan's content
    lives in versions; every version is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="sip_plans")
    #: A copy of the pupil's gender for the dashboard's split (cases.pupil_gender).
    pupil_gender = models.CharField(_("pupil's gender"), max_length=10, blank=True, editable=False)
    convenor = models.ForeignKey(
        "portal.User", verbose_name=_("convenor"), on_delete=models.PROTECT, related_name="+"
    )
    convenor_unit = models.ForeignKey(
        Unit, verbose_name=_("convening unit"), on_delete=models.PROTECT, related_name="sip_plans"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    escalated_at = models.DateTimeField(_("escalated to BUS"), null=True, blank=True)
    escalation_reason = models.TextField(_("reason for escalation"), blank=True)
    #: A copy of the current version's next follow-up (cases.sip.follow_up).
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        constraints = [
            models.CheckConstraint(
                name="sip_closed_has_outcome",
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
            ),
        ]
        indexes = [
            # The convening units' plans by status; the dashboard's counts read the
            # index alone.
            models.Index(
                fields=["convenor_unit", "status"],
                include=[
                    "id",
                    "pupil_gender",
                    "created_at",
                    "activated_at",
                    "escalated_at",
                    "closed_at",
                    "follow_up_on",
                ],
                name="sip_unit_status_cover",
            )
        ]

    def __str__(self):
        return f"SIP {self.student}"


class SipParticipant(models.Model):
    """Who takes part in a SIP: the family, units of school, social services and
    region, and named people."""

    class Role(models.TextChoices):
        FAMILY = "family", _("Family")
        SCHOOL = "school", _("School")
        SOCIAL = "social", _("Social services")
        REGION = "region", _("Region (BUP, health care)")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("taking part as"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="sip_participant_is_someone",
                condition=Q(unit__isnull=False) | Q(user__isnull=False) | ~Q(name=""),
            ),
        ]
        indexes = [models.Index(fields=["unit", "plan"]), models.Index(fields=["user", "plan"])]

    def __str__(self):
        return self.name or str(self.user or self.unit)


class SipVersion(models.Model):
    """One version of the plan's content. Versions are never changed; a change is
    a new version, so participants see the current plan and its history."""

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    needs = models.TextField(_("the child's needs"))
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("overall responsibility (huvudansvar)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_person = models.CharField(_("responsible person"), max_length=200)
    follow_up_how = models.TextField(_("how it is followed up"))
    next_follow_up_on = models.DateField(_("next follow-up"))
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="sip_version_number_once"),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class SipIntervention(models.Model):
    """An insats in a plan version: what, who provides it, who is responsible."""

    class Provider(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality (social services)")
        REGION = "region", _("Region")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    version = models.ForeignKey(SipVersion, on_delete=models.CASCADE, related_name="interventions")
    what = models.CharField(_("intervention"), max_length=300)
    provider = models.CharField(_("provided by"), max_length=20, choices=Provider.choices)
    responsible = models.CharField(_("responsible person"), max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.what


class Placement(models.Model):
    """A pupil's placement in a special teaching group (RSU, CSU, resursgrupp,
    SST, SST 2.0). The antagningsgrupp decides on the application."""

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("placement status", "Applied")
        ADMITTED = "admitted", pgettext_lazy("placement status", "Admitted")
        DECLINED = "declined", pgettext_lazy("placement status", "Declined")
        ACTIVE = "active", pgettext_lazy("placement status", "Active")
        ENDED = "ended", pgettext_lazy("placement status", "Ended")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="placements")
    #: A copy of the pupil's gender for the dashboard's split (cases.pupil_gender).
    pupil_gender = models.CharField(_("pupil's gender"), max_length=10, blank=True, editable=False)
    group = models.ForeignKey(
        Unit,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind": Unit.Kind.SPECIAL_GROUP},
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    reason = models.TextField(_("reason for the application"))
    absence_percent_at_intake = models.PositiveSmallIntegerField(
        _("absence at application (%)"), null=True, blank=True
    )
    applied_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied"))
    decided_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    admission_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                name="placement_absence_is_a_percentage",
                condition=Q(absence_percent_at_intake__isnull=True)
                | Q(absence_percent_at_intake__lte=100),
            ),
            models.CheckConstraint(
                name="placement_ends_after_start",
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["group", "status"]),
            models.Index(fields=["student", "status"]),
        ]

    def __str__(self):
        return f"{self.student} → {self.group}"


class AbsenceRecord(models.Model):
    """Frånvaro: a pupil's absence over a period, in percent, of which invalid."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered")
        IMPORT = "import", _("Imported")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="absence")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    total_percent = models.DecimalField(_("absence (%)"), max_digits=5, decimal_places=1)
    invalid_percent = models.DecimalField(
        _("of which invalid (%)"), max_digits=5, decimal_places=1, default=0
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student", "-period_start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absence")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "period_start", "period_end"], name="absence_period_once"
            ),
            models.CheckConstraint(
                name="absence_period_in_order",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
            models.CheckConstraint(
                name="absence_percentages_valid",
                condition=Q(total_percent__gte=0, total_percent__lte=100, invalid_percent__gte=0)
                & Q(invalid_percent__lte=models.F("total_percent")),
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.period_start}–{self.period_end}: {self.total_percent}%"


class AbsenceInvestigation(models.Model):
    """Frånvaroutredning (skollagen 7:19a): the rektor investigates repeated or
    long absence with the pupil, the guardians and student health, and reports
    to the huvudman."""

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="absence_investigations"
    )
    school_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened"))
    pupil_heard = models.BooleanField(_("the pupil took part"), default=False)
    guardians_heard = models.BooleanField(_("the guardians took part"), default=False)
    student_health_involved = models.BooleanField(_("student health took part"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    outcome = models.TextField(_("outcome and measures"), blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    reported_to_huvudman = models.BooleanField(_("reported to the huvudman"), default=False)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("absence investigation")
        verbose_name_plural = _("absence investigations")
        constraints = [
            models.CheckConstraint(
                name="absence_investigation_closed_with_outcome",
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""),
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.opened_on}"


class Insats(models.Model):
    """Insats: an intervention social services give a child (kontaktperson,
    familjebehandling, MST ...), registered by the social-services unit that
    coordinates it.

    It is social services' information (OSL 26:1). The school learns only that an
    insats is ongoing, its kind, its start and whom to coordinate with, and only
    while a consent covering "social_interventions" names the school
    (``consent.policy.may_see_ongoing_interventions``): never the assessment or
    the concern behind it, which is why nothing here points to them.
    """

    class Kind(models.TextChoices):
        CONTACT_PERSON = "contact_person", _("Contact person (kontaktperson)")
        CONTACT_FAMILY = "contact_family", _("Contact family (kontaktfamilj)")
        QUALIFIED_CONTACT = (
            "qualified_contact",
            _("Specially qualified contact person (särskilt kvalificerad kontaktperson)"),
        )
        FAMILY_TREATMENT = "family_treatment", _("Family treatment (familjebehandling)")
        SHORT_STRATEGIC = (
            "short_strategic",
            _("Short strategic family therapy (kort strategisk familjeterapi)"),
        )
        MST = "mst", _("Multisystemic therapy (MST)")
        SUPPORT_CONTACT = (
            "support_contact",
            _("Support and treatment contact (stöd- och behandlingskontakt)"),
        )
        PARENT_SUPPORT = "parent_support", _("Parent support in a group (föräldrastöd)")
        SUPPORT_GROUP = "support_group", _("Support group (stödgrupp)")
        SCHOOL_STABILISING = (
            "school_stabilising",
            _("Support to stabilise schooling (skolstabiliserande insats)"),
        )

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="insatser"
    )
    kind = models.CharField(_("kind of insats"), max_length=30, choices=Kind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    contact_person = models.ForeignKey(
        "portal.User",
        verbose_name=_("contact person to coordinate with"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("registered by unit"), on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                name="insats_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["student", "ends_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on}"

    def is_ongoing(self, today) -> bool:
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class JointAdviceNote(models.Model):
    """Gemensam rådgivning: a short note where school and social services record
    what they have told the guardians, so the advice does not contradict.

    A joint record: both sides see and write it only while a consent covering
    "social_interventions" names them (``consent.policy.joint_advice_consent``).
    """

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="advice_notes"
    )
    text = models.TextField(_("what the guardians were told"), max_length=2000)
    author = models.ForeignKey(
        "portal.User", verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    author_unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    written_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]
        verbose_name = _("joint advice note")
        verbose_name_plural = _("joint advice notes")
        indexes = [models.Index(fields=["student", "written_on"])]

    def __str__(self):
        return f"{self.student_id} {self.written_on}"
