"""Samtycke: consents that lift secrecy between school, social services and region.

A consent is specific: one pupil, named givers, named parties (units) that may
exchange, named categories of information, a purpose and an end date. Any giver
may withdraw it at any time, with effect from that moment; a single party or
category can be withdrawn on its own.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Guardian, Student
from portal import rules
from portal.models import Unit, User


class Side(models.TextChoices):
    SCHOOL = "school", _("School")
    SOCIAL = "social", _("Social services")
    REGION = "region", _("Region")


def side_of_unit(unit: Unit) -> str:
    if unit.kind in Unit.SCHOOL_KINDS:
        return Side.SCHOOL
    if unit.kind in Unit.SOCIAL_KINDS:
        return Side.SOCIAL
    return Side.REGION


def _scan_path(instance, filename):
    # Never a guessable name: the file is served only through a permission check.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consents/{uuid.uuid4().hex}.{extension}"


class Consent(models.Model):
    class Form(models.TextChoices):
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Oral")

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="consents"
    )
    #: A copy of the pupil's gender for the dashboard's split (cases.pupil_gender).
    pupil_gender = models.CharField(_("pupil's gender"), max_length=10, blank=True, editable=False)
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    scan = models.FileField(_("scanned consent"), upload_to=_scan_path, blank=True)
    scan_content_type = models.CharField(max_length=50, blank=True)
    oral_received_by = models.ForeignKey(
        User,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    oral_received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_unit = models.ForeignKey(
        Unit, verbose_name=_("recorded by unit"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_side = models.CharField(_("recorded by side"), max_length=10, choices=Side.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=300, blank=True)
    renews = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )

    class Meta:
        ordering = ["-valid_to", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                name="consent_ends_after_start", condition=Q(valid_to__gte=models.F("valid_from"))
            ),
            models.CheckConstraint(
                name="consent_oral_is_documented",
                condition=~Q(form="oral")
                | Q(oral_received_by__isnull=False, oral_received_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["student", "valid_to"]),
            # Covers the dashboard's counts of a district's consents (recorded,
            # withdrawn, active today): read from the index alone.
            models.Index(
                fields=["recorded_by_unit", "recorded_at"],
                include=[
                    "id",
                    "student",
                    "pupil_gender",
                    "withdrawn_at",
                    "valid_from",
                    "valid_to",
                ],
                name="consent_unit_recorded_cover",
            ),
            # The city's consents recorded in a period, and those running today.
            models.Index(
                fields=["recorded_at"],
                include=["pupil_gender", "recorded_by_unit"],
                name="consent_recorded_cover",
            ),
            models.Index(
                fields=["valid_to"],
                include=["valid_from", "pupil_gender", "recorded_by_unit"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_running_cover",
            ),
            # The consents that have not yet begun (the dashboard's running consents
            # are those not withdrawn that end today or later, less these): a few.
            models.Index(
                fields=["valid_from"],
                include=["valid_to", "pupil_gender", "recorded_by_unit"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_not_begun_cover",
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.valid_from}–{self.valid_to}"


class ConsentGiver(models.Model):
    """Who gave the consent: each guardian separately, and/or the pupil."""

    class Kind(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        PUPIL = "pupil", _("The pupil")

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="givers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    guardian = models.ForeignKey(Guardian, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="consent_giver_guardian_named",
                condition=~Q(kind="guardian") | Q(guardian__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["consent", "guardian"],
                condition=Q(guardian__isnull=False),
                name="consent_giver_guardian_once",
            ),
            models.UniqueConstraint(
                fields=["consent"], condition=Q(kind="pupil"), name="consent_giver_pupil_once"
            ),
        ]

    def __str__(self):
        return self.name


#: What each party copies from its consent (consent.party_copy): field -> consent's.
PARTY_COPIES = {
    "consent_student_id": "student_id",
    "consent_valid_from": "valid_from",
    "consent_valid_to": "valid_to",
    "consent_withdrawn_at": "withdrawn_at",
}


def party_copies(consent: Consent) -> dict:
    """The values a party of ``consent`` copies from it (``PARTY_COPIES``)."""
    return {field: getattr(consent, source) for field, source in PARTY_COPIES.items()}


class ConsentParty(models.Model):
    """A named unit that may exchange information under the consent."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="parties")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consent_parties")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Copies of the consent's pupil, days and withdrawal (consent.party_copy), so that
    # a unit's running consents, and their pupils, are read from one index.
    #: The consent's pupil's id: a copy, not a relation of its own (the consent is).
    consent_student_id = models.BigIntegerField(editable=False)
    consent_valid_from = models.DateField(editable=False)
    consent_valid_to = models.DateField(editable=False)
    consent_withdrawn_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "unit"], name="consent_party_once"),
        ]
        indexes = [
            models.Index(fields=["unit", "consent"]),
            models.Index(
                fields=["unit", "consent_valid_to"],
                include=[
                    "consent_student_id",
                    "consent_valid_from",
                    "withdrawn_at",
                    "consent_withdrawn_at",
                ],
                name="consent_party_unit_until",
            ),
        ]

    def __str__(self):
        return str(self.unit)

    def save(self, *args, **kwargs):
        for field, value in party_copies(self.consent).items():
            setattr(self, field, value)
        super().save(*args, **kwargs)


class ConsentCategory(models.Model):
    """A category of information the consent covers."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=30, choices=rules.CONSENT_CATEGORIES)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "category"], name="consent_category_once"),
        ]
        indexes = [models.Index(fields=["category", "consent"])]

    def __str__(self):
        return self.get_category_display()


class ConsentUserObjectPermission(UserObjectPermissionBase):
    """A named person on a consent (a contact, a SIP participant), as an explicit
    django-guardian grant on the consent. It counts only while the consent is
    active, and it is revoked in the same transaction as a withdrawal."""

    content_object = models.ForeignKey(Consent, on_delete=models.CASCADE)


class ConsentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Consent, on_delete=models.CASCADE)


class Override(models.Model):
    """Break-glass: one pupil's cross-boundary information opened without consent,
    on a named legal ground, for a limited time. Logged and listed for review."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="overrides")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="overrides")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    legal_ground = models.CharField(
        _("legal ground"), max_length=40, choices=rules.OVERRIDE_LEGAL_GROUNDS
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("opened"), db_index=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        indexes = [models.Index(fields=["user", "student", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                name="override_expires_after_opening",
                condition=Q(expires_at__gt=models.F("created_at")),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.student} ({self.legal_ground})"
