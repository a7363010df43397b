"""The roles a person holds in a unit, and what each role family may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SCHOOL_STAFF = "school_staff", _("School staff")
    PRINCIPAL = "principal", _("Principal")
    STUDENT_HEALTH = "student_health", _("Student health")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SIP_COORDINATOR = "sip_coordinator", _("SIP coordinator")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    LOG_REVIEWER = "log_reviewer", _("Log reviewer")


#: Roles that work inside a school unit (lärare, rektor, elevhälsa).
SCHOOL_ROLES = frozenset({Role.SCHOOL_STAFF, Role.PRINCIPAL, Role.STUDENT_HEALTH})
#: Roles on the social-services side of the secrecy boundary.
SOCIAL_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SIP_COORDINATOR})
#: Roles that never see a pupil's identity.
NO_CASE_ROLES = frozenset({Role.MANAGER, Role.ADMINISTRATOR, Role.LOG_REVIEWER})
