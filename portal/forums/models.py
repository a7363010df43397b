"""Lokala operativa samverkansforum and samverkansöverenskommelser.

Every district shall have a local operational forum of school and social
services, with the police taking part where possible (Socialnämnden's
guidelines, seed 004). The forum builds a shared picture of the area
(lägesbild) from aggregates only: nothing here names or points to a pupil.
Police are external participants: a name and an organisation, never a user
account, so nothing in the portal can give them case data.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Forum(models.Model):
    """Lokalt operativt samverkansforum: one per district."""

    district = models.OneToOneField(
        "portal.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="forum",
    )
    name = models.CharField(_("name"), max_length=150)
    purpose = models.TextField(_("purpose"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("collaboration forum")
        verbose_name_plural = _("collaboration forums")

    def __str__(self):
        return self.name


class ForumMember(models.Model):
    """A member organisation of the forum: a school or a social-services unit of the
    portal, or an external participant (the police) named by organisation and
    contact. An external member has no unit and no account: it is a contact entry."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        SOCIAL = "social", _("Social services")
        POLICE = "police", _("Police (external participant)")
        OTHER = "other", _("Other external participant")

    EXTERNAL_KINDS = (Kind.POLICE, Kind.OTHER)

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        "portal.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_memberships",
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        constraints = [
            models.CheckConstraint(
                name="forum_member_external_has_no_unit",
                condition=(Q(kind__in=["police", "other"]) & Q(unit__isnull=True))
                | (Q(kind__in=["school", "social"]) & Q(unit__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["forum", "unit"],
                condition=Q(unit__isnull=False),
                name="forum_member_unit_once",
            ),
        ]

    def __str__(self):
        return self.unit.name if self.unit_id else self.organisation

    @property
    def is_external(self) -> bool:
        return self.kind in self.EXTERNAL_KINDS


class ForumMeeting(models.Model):
    """A meeting of the forum: its agenda and minutes. The minutes must hold no
    personal data (see ``portal.forums.minutes``); the lägesbild is built when the
    meeting page is read, from aggregates for the period before the meeting."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("forum meeting")
        verbose_name_plural = _("forum meetings")
        indexes = [models.Index(fields=["forum", "held_on"])]

    def __str__(self):
        return f"{self.forum} {self.held_on}"


class CollaborationAgreement(models.Model):
    """Samverkansöverenskommelse: a district's written agreement with the school
    and/or the police. Socialstyrelsen's öppna jämförelser ask whether the
    district has a current one with each; a reminder reaches the district's
    managers before the review date."""

    district = models.ForeignKey(
        "portal.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="collaboration_agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    parties = models.CharField(_("parties"), max_length=500)
    with_school = models.BooleanField(_("with the school"), default=False)
    with_police = models.BooleanField(_("with the police"), default=False)
    signed_on = models.DateField(_("signed"))
    review_on = models.DateField(_("review date"))
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["review_on", "id"]
        verbose_name = _("collaboration agreement")
        verbose_name_plural = _("collaboration agreements")
        constraints = [
            models.CheckConstraint(
                name="agreement_review_after_signing",
                condition=Q(review_on__gte=models.F("signed_on")),
            ),
            models.CheckConstraint(
                name="agreement_names_school_or_police",
                condition=Q(with_school=True) | Q(with_police=True),
            ),
        ]

    def __str__(self):
        return self.title
