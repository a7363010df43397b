"""Organisation: districts, units, people and their memberships."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.roles import SCHOOL_ROLES, SOCIAL_ROLES, Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their memberships."""

    #: Set by ``seed_demo`` only. Lets the user skip two-factor login while DEBUG is on
    #: (portal.two_factor.demo_exempt); with DEBUG off it changes nothing.
    is_demo = models.BooleanField(
        _("demo user"),
        default=False,
        help_text=_("Created by seed_demo. Skips two-factor login only in development."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class District(models.Model):
    """Stadsdelsförvaltning: one of Stockholm's 13 districts.

    The district a child is registered in (folkbokföring) decides which social
    services are responsible for the child.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An organisation unit people work in: a school, a special teaching group,
    a social-services unit of a district, a region unit (BUP), a district office
    or the city itself."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        SPECIAL_GROUP = "special_group", _("Special teaching group")
        SOCIAL_INTAKE = "social_intake", _("Social services, intake")
        SOCIAL_INVESTIGATION = "social_investigation", _("Social services, investigation")
        FAMILY_TREATMENT = "family_treatment", _("Social services, family treatment")
        REGION = "region", _("Region (health care)")
        DISTRICT_OFFICE = "district_office", _("District office")
        CITY = "city", _("City")

    class Operator(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal")
        INDEPENDENT = "independent", _("Independent")

    class SchoolForm(models.TextChoices):
        GRUNDSKOLA = "grundskola", _("Compulsory school (grundskola)")
        GYMNASIESKOLA = "gymnasieskola", _("Upper secondary school (gymnasieskola)")

    class GroupType(models.TextChoices):
        RSU = "rsu", _("RSU (regional special teaching group)")
        CSU = "csu", _("CSU (central special teaching group)")
        RESOURCE = "resource", _("Resource group")
        SST = "sst", _("SST (school social team)")
        SST2 = "sst2", _("SST 2.0")

    SCHOOL_KINDS = (Kind.SCHOOL, Kind.SPECIAL_GROUP)
    SOCIAL_KINDS = (Kind.SOCIAL_INTAKE, Kind.SOCIAL_INVESTIGATION, Kind.FAMILY_TREATMENT)

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_(
            "Where the unit is. Schools are run by the education office, not the district."
        ),
    )
    operator = models.CharField(_("operator"), max_length=20, choices=Operator.choices, blank=True)
    school_form = models.CharField(
        _("school form"), max_length=20, choices=SchoolForm.choices, blank=True
    )
    group_type = models.CharField(
        _("group type"), max_length=20, choices=GroupType.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.CheckConstraint(
                name="unit_group_type_only_for_special_groups",
                condition=Q(kind="special_group", group_type__gt="")
                | (~Q(kind="special_group") & Q(group_type="")),
            ),
            models.CheckConstraint(
                name="unit_school_form_only_for_schools",
                condition=Q(kind__in=["school", "special_group"], school_form__gt="")
                | (~Q(kind__in=["school", "special_group"]) & Q(school_form="")),
            ),
            models.CheckConstraint(
                name="unit_district_required_except_city_and_region",
                condition=Q(kind__in=["city", "region"]) | Q(district__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_school(self):
        return self.kind in self.SCHOOL_KINDS

    @property
    def is_social(self):
        return self.kind in self.SOCIAL_KINDS


class Membership(models.Model):
    """A user holds a role in a unit. All access starts from memberships."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role in SCHOOL_ROLES and self.unit_id and not self.unit.is_school:
            raise ValidationError({"unit": _("School roles are held in a school unit.")})
        if self.role in SOCIAL_ROLES and self.unit_id and not self.unit.is_social:
            raise ValidationError(
                {"unit": _("Social-services roles are held in a social-services unit.")}
            )
        if (
            self.role in (Role.ADMINISTRATOR, Role.LOG_REVIEWER)
            and self.unit_id
            and self.unit.kind != Unit.Kind.CITY
        ):
            raise ValidationError({"unit": _("This role is held in the city unit.")})


# --- Reminders and notifications --------------------------------------------------------


class Channel(models.TextChoices):
    """How a reminder reaches a person."""

    IN_APP = "in_app", _("In the portal")
    EMAIL = "email", _("E-mail")


class Reminder(models.Model):
    """Påminnelse: one reminder to one person about one thing, sent once.

    Reminders are rows, not broker ETAs (Celery's own guidance: the broker is not a
    database). The service that causes a reminder writes, moves or cancels its row in
    the same transaction; a beat task claims the due rows each minute and a send task
    delivers each one. ``subject`` names the thing generically ("concern:12",
    "meeting:5") so the portal imports no domain app; the kind registry in
    ``portal.reminders`` turns it back into text and re-checks that it is still due.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=50)
    subject = models.CharField(_("subject"), max_length=100)
    #: A portal user; None for an external person (a guardian), who has only ``email``.
    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    email = models.EmailField(_("external e-mail address"), blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    #: When the sweep may take the row: the due time, or later after a failed attempt.
    next_attempt_at = models.DateTimeField(_("next attempt"))
    #: Grows each time the row is armed again (a meeting moved after its reminder was
    #: sent); a delivery is unique per revision and channel.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "recipient", "kind"],
                condition=Q(recipient__isnull=False),
                name="reminder_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["subject", "email", "kind"],
                condition=Q(recipient__isnull=True),
                name="reminder_once_per_address",
            ),
            models.CheckConstraint(
                name="reminder_has_a_recipient",
                condition=Q(recipient__isnull=False) | ~Q(email=""),
            ),
            models.CheckConstraint(
                name="reminder_sending_is_claimed",
                condition=~Q(status="sending")
                | Q(claim_token__isnull=False, claimed_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="reminder_due"),
            models.Index(fields=["subject", "kind"], name="reminder_subject"),
        ]

    def __str__(self):
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class Delivery(models.Model):
    """The log of every attempt to deliver a reminder: when, to whom, which channel,
    and the result."""

    class Result(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    revision = models.PositiveIntegerField()
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = models.EmailField(_("address"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # The database itself refuses a second delivery of one reminder.
            models.UniqueConstraint(
                fields=["reminder", "revision", "channel"],
                condition=Q(result="sent"),
                name="delivery_sent_once",
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.result} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notification: a line under the bell in the header."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.recipient} {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """Which channels one person wants for one kind of reminder. Without a row the
    kind's defaults apply; mandatory kinds ignore the row."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(_("kind of reminder"), max_length=50)
    in_app = models.BooleanField(_("in the portal"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="preference_once_per_topic"),
        ]

    def __str__(self):
        return f"{self.user} {self.topic}"


class DashboardFigures(models.Model):
    """One dashboard table as computed for one question (the panel, the manager's
    scope, the period, the filters, the day and the language), kept for a few
    minutes so that the next view need not count again (portal.dashboard_figures).
    Aggregates after suppression only: a figure below five is stored as "<5"."""

    #: A hash of the question: equal only for the same panel, scope, period,
    #: filters, day, threshold and language.
    key = models.CharField(max_length=64, unique=True)
    panel = models.CharField(max_length=64)
    computed_at = models.DateTimeField(db_index=True)
    table = models.JSONField()

    class Meta:
        verbose_name = _("dashboard figures")
        verbose_name_plural = _("dashboard figures")

    def __str__(self):
        return f"{self.panel} {self.computed_at:%Y-%m-%d %H:%M}"


class DayTally(models.Model):
    """How many rows of one kind one unit had on one day (or part of a month, or
    month), for one gender and detail: the managers' dashboard adds these up for a
    district or the whole city instead of counting a period's rows
    (``portal.tallies``, which says what each app counts). ``span`` "day" rows
    count one day; "part" rows the part of a month beginning on ``day`` (days
    1-7, 8-14, 15-21, 22 to the end); "month" rows the whole month whose first
    day is ``day``. ``category`` is empty for every row, or the code of a category
    the rows name. Recounted from the rows in the transaction of every change to
    them."""

    SPANS = [("day", _("day")), ("part", _("part of a month")), ("month", _("month"))]

    span = models.CharField(max_length=5, choices=SPANS)
    kind = models.CharField(max_length=30)
    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    gender = models.CharField(max_length=10)
    detail = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=20, blank=True, default="")
    n = models.IntegerField()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["span", "kind", "day", "unit", "gender", "detail", "category"],
                name="day_tally_key",
            ),
        ]
        indexes = [
            # A unit's (or a district's units') days of a kind, from the index alone.
            models.Index(
                fields=["unit", "span", "kind", "category", "day"],
                include=["gender", "detail", "n"],
                name="day_tally_unit",
            ),
            # The city's.
            models.Index(
                fields=["span", "kind", "category", "day"],
                include=["unit", "gender", "detail", "n"],
                name="day_tally_city",
            ),
        ]

    def __str__(self):
        key = (self.span, self.kind, self.day, self.unit_id, self.gender, self.detail)
        return " ".join(map(str, (*key, self.category)))


class CityCounts(models.Model):
    """A table of counts by unit added up over every unit: the same key without
    the unit. The whole city's managers read these instead of adding up every
    unit's (``portal.tallies.narrowed``); they are kept in the same transaction
    as the units' counts, by the difference each write makes to them
    (``portal.tallies.add_to``)."""

    span = models.CharField(max_length=5, choices=DayTally.SPANS)
    kind = models.CharField(max_length=30)
    day = models.DateField()
    gender = models.CharField(max_length=10)
    detail = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=20, blank=True, default="")
    n = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        key = (self.span, self.kind, self.day, self.gender, self.detail, self.category)
        return " ".join(map(str, key))

    @staticmethod
    def constraints_and_indexes(name: str) -> tuple[list, list]:
        """A table's key and its indexes, named after ``name``."""
        key = models.UniqueConstraint(
            fields=["span", "kind", "day", "gender", "detail", "category"], name=f"{name}_key"
        )
        indexes = [
            # A kind's days (or months) for a category, read from the index alone.
            models.Index(
                fields=["span", "kind", "category", "day"],
                include=["gender", "detail", "n"],
                name=f"{name}_read",
            ),
            # The counts a write brought to nought, deleted after it: empty between writes.
            models.Index(fields=["day"], condition=Q(n=0), name=f"{name}_nought"),
        ]
        return [key], indexes


class CityDayTally(CityCounts):
    """``DayTally``'s counts added up over every unit: a sixth of its rows."""

    class Meta:
        verbose_name = _("daily count of the city")
        verbose_name_plural = _("daily counts of the city")
        constraints, indexes = CityCounts.constraints_and_indexes("city_day_tally")


# The access log lives in its own module (portal/audit_models.py).
from portal.audit_models import AccessLog, AccessLogSubject  # noqa: E402, F401

# Lokala operativa samverkansforum live in their own package (portal/forums/).
from portal.forums.models import (  # noqa: E402, F401
    CollaborationAgreement,
    Forum,
    ForumMeeting,
    ForumMember,
)
