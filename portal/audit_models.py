"""The access log (loggkontroll): who read, listed, exported, changed or opened what.

The change history of case records (what a field was and became) is django-auditlog's
``LogEntry``; this table says who *looked*, which the change history cannot. Both are
append-only: on PostgreSQL a trigger (migration 0003) refuses UPDATE and DELETE, except
a DELETE inside a transaction that has set ``samverkan.retention`` (the gallring
command, ``portal.audit.retention``). Neither is registered in the admin; only the log
reviewer reads them, at /audit/.

Imported at the end of ``portal.models``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AccessLog", "AccessLogSubject"]


class AccessLog(models.Model):
    """Åtkomstlogg: one request (or one service event) by one person.

    ``record_kinds`` is a comma-framed list (",student,concern,") so that a search by
    kind is a plain LIKE on every database. The pupils concerned are rows of
    ``AccessLogSubject``, so a pupil's history is an indexed lookup.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Read")
        LIST = "list", _("List or search")
        EXPORT = "export", _("Export")
        CHANGE = "change", _("Change")
        OVERRIDE = "override", _("Access without consent")
        REVIEW = "review", _("Log review")
        RETENTION = "retention", _("Retention (gallring)")
        #: A failed login or second-factor code, or a change of the second factor.
        LOGIN = "login", _("Login security")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # People are deactivated, never deleted, while their log is kept.
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Kept as text too, so the row reads the same whatever happens to the account.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    record_kinds = models.CharField(_("record kinds"), max_length=400, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    #: What was searched for, as typed (a list or search page).
    query = models.CharField(_("search"), max_length=200, blank=True)
    #: How many rows a list, search or export returned.
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    correlation_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    #: The units the person held roles in at the time (their scope, for review).
    unit_ids = models.JSONField(default=list, blank=True)
    #: What else identifies what was read (an object id, a panel, a format, a legal
    #: ground). Never case contents.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            models.Index(fields=["kind", "at"], name="accesslog_kind_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    @property
    def record_kind_list(self) -> list[str]:
        return [k for k in self.record_kinds.split(",") if k]


class AccessLogSubject(models.Model):
    """A pupil an access-log row concerns, and how the reader's scope reached them.

    ``student_id`` is not a foreign key: the log outlives the records it names (a
    personakt removed by gallring keeps its read history for the log's own period),
    and the kernel does not depend on the cases app.
    """

    class Basis(models.TextChoices):
        SCHOOL = "school", _("Own school")
        DISTRICT = "district", _("Own district's social services")
        PLACEMENT = "placement", _("Placed in own group")
        CONSENT = "consent", _("Consent")
        GRANT = "grant", _("Named grant")
        OVERRIDE = "override", _("Access without consent")
        OTHER = "other", _("Other")

    #: Bases that are the reader's own cases; anything else is flagged for review.
    OWN_BASES = frozenset({Basis.SCHOOL, Basis.DISTRICT, Basis.PLACEMENT})

    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="subjects")
    student_id = models.PositiveBigIntegerField(_("pupil"))
    #: A copy of the row's time, so (pupil, period) is one index.
    at = models.DateTimeField()
    #: Blank for lists and reviews, where it is not worked out.
    basis = models.CharField(_("access through"), max_length=10, choices=Basis.choices, blank=True)

    class Meta:
        verbose_name = _("pupil in the access log")
        verbose_name_plural = _("pupils in the access log")
        constraints = [
            models.UniqueConstraint(fields=["log", "student_id"], name="accesslog_subject_once"),
        ]
        indexes = [models.Index(fields=["student_id", "at"], name="accesslog_subject_at")]

    def __str__(self):
        return f"{self.log_id}: {self.student_id}"
