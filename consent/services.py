"""Writes of consents and overrides. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import Guardian, Student
from cases.selectors import may_see_student
from consent.models import (
    Consent,
    ConsentCategory,
    ConsentGiver,
    ConsentParty,
    ConsentUserObjectPermission,
    Override,
    party_copies,
    side_of_unit,
)
from consent.reminders import consent_reminders_sync
from portal import changelog, rules
from portal.access import scope
from portal.accesslog import OVERRIDE, log_access
from portal.models import Unit
from portal.roles import Role

CATEGORY_CODES = [code for code, _label in rules.CONSENT_CATEGORIES]
PARTY_KINDS = (*Unit.SCHOOL_KINDS, *Unit.SOCIAL_KINDS, Unit.Kind.REGION)


def _recording_unit(user, parties: list[Unit]) -> Unit:
    """The user's own unit among the parties: each authority documents its own consent."""
    user_scope = scope(user)
    own = user_scope.school_unit_ids | user_scope.social_unit_ids
    for unit in parties:
        if unit.pk in own:
            return unit
    raise ValidationError(
        {
            "parties": _(
                "Your own unit must be one of the parties: each authority records its own consent."
            )
        }
    )


def _validate_scan(scan) -> str:
    if scan is None:
        raise ValidationError({"scan": _("Attach the scanned written consent.")})
    if scan.size > rules.CONSENT_SCAN_MAX_BYTES:
        raise ValidationError({"scan": _("The file is too large: at most 5 MB.")})
    content_type = getattr(scan, "content_type", "")
    head = scan.read(8)
    scan.seek(0)
    sniffed = (
        "application/pdf"
        if head.startswith(b"%PDF")
        else "image/png"
        if head.startswith(b"\x89PNG")
        else "image/jpeg"
        if head.startswith(b"\xff\xd8\xff")
        else ""
    )
    if sniffed not in rules.CONSENT_SCAN_TYPES or content_type not in ("", sniffed):
        raise ValidationError({"scan": _("Attach a PDF, JPEG or PNG file.")})
    return sniffed


@transaction.atomic
def consent_record(
    *,
    by,
    student: Student,
    guardians: list[Guardian],
    pupil_gives: bool,
    parties: list[Unit],
    categories: list[str],
    purpose: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    form: str,
    scan=None,
    oral_received_at: datetime.datetime | None = None,
    people: list = (),
    renews: Consent | None = None,
) -> Consent:
    """Record a specific consent. General consents cannot be recorded."""
    user_scope = scope(by)
    if not (user_scope.is_school or user_scope.is_social):
        raise PermissionDenied
    if not may_see_student(by, student):
        raise PermissionDenied
    errors = {}
    if not guardians and not pupil_gives:
        errors["guardians"] = _("Say who gave the consent: a guardian, the pupil, or both.")
    if any(g.pk not in {x.pk for x in student.guardians.all()} for g in guardians):
        errors["guardians"] = _("Choose among the pupil's guardians.")
    if not parties:
        errors["parties"] = _("Name the parties that may exchange information.")
    elif len(parties) > rules.CONSENT_MAX_PARTIES:
        errors["parties"] = _("A consent is specific: name at most %(n)s parties.") % {
            "n": rules.CONSENT_MAX_PARTIES
        }
    elif any(u.kind not in PARTY_KINDS for u in parties):
        errors["parties"] = _("Parties are schools, social-services units or region units.")
    if not categories:
        errors["categories"] = _("Choose the categories of information the consent covers.")
    elif not set(categories) <= set(CATEGORY_CODES):
        errors["categories"] = _("Choose categories from the list.")
    elif set(categories) == set(CATEGORY_CODES):
        errors["categories"] = _(
            "A consent cannot cover all information: choose only what the purpose needs."
        )
    if not (purpose or "").strip():
        errors["purpose"] = _("State the purpose of the consent.")
    if valid_to is None:
        errors["valid_to"] = _("A consent must have an end date.")
    elif valid_from and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    elif valid_from and valid_to > valid_from + relativedelta(years=rules.CONSENT_MAX_YEARS):
        errors["valid_to"] = _("A consent can run for at most %(years)s years; renew it then.") % {
            "years": rules.CONSENT_MAX_YEARS
        }
    elif valid_to < timezone.localdate():
        errors["valid_to"] = _("The end date has already passed.")
    if form not in Consent.Form.values:
        errors["form"] = _("Say whether the consent is written or oral.")
    if errors:
        raise ValidationError(errors)
    unit = _recording_unit(by, parties)
    scan_type = ""
    if form == Consent.Form.WRITTEN:
        scan_type = _validate_scan(scan)
    elif oral_received_at is None or oral_received_at > timezone.now():
        raise ValidationError(
            {"oral_received_at": _("Give when the oral consent was received (not in the future).")}
        )
    consent = Consent.objects.create(
        student=student,
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        form=form,
        scan=scan if form == Consent.Form.WRITTEN else None,
        scan_content_type=scan_type,
        oral_received_by=by if form == Consent.Form.ORAL else None,
        oral_received_at=oral_received_at if form == Consent.Form.ORAL else None,
        recorded_by=by,
        recorded_by_unit=unit,
        recorded_side=side_of_unit(unit),
        renews=renews,
    )
    changelog.bulk_create(
        ConsentGiver,
        [
            ConsentGiver(
                consent=consent,
                kind=ConsentGiver.Kind.GUARDIAN,
                guardian=g,
                name=f"{g.first_name} {g.last_name}",
            )
            for g in guardians
        ]
        + (
            [ConsentGiver(consent=consent, kind=ConsentGiver.Kind.PUPIL, name=student.full_name)]
            if pupil_gives
            else []
        ),
    )
    changelog.bulk_create(
        ConsentParty,
        [ConsentParty(consent=consent, unit=u, **party_copies(consent)) for u in set(parties)],
    )
    changelog.bulk_create(
        ConsentCategory,
        [ConsentCategory(consent=consent, category=c) for c in sorted(set(categories))],
    )
    for person in people:
        assign_perm("consent.view_consent", person, consent)
    consent_reminders_sync(consent)
    if renews is not None:
        consent_reminders_sync(renews)
    return consent


def _require_recording_side(user, consent: Consent) -> None:
    """Withdrawals are recorded by the side that holds the consent, or by a party."""
    user_scope = scope(user)
    own = user_scope.school_unit_ids | user_scope.social_unit_ids
    if consent.recorded_by_unit_id in own:
        return
    if consent.parties.filter(unit_id__in=own).exists():
        return
    raise PermissionDenied


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    by,
    note: str = "",
    giver: ConsentGiver | None = None,
    party: ConsentParty | None = None,
    category: ConsentCategory | None = None,
    at: datetime.datetime | None = None,
) -> Consent:
    """Withdraw, with effect from this moment: the whole consent (also when any one
    giver withdraws), or only one party or one category. Grants made for the
    consent are revoked in the same transaction."""
    _require_recording_side(by, consent)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    at = at or timezone.now()
    if consent.withdrawn_at is not None:
        raise ValidationError(_("The consent is already withdrawn."))
    if party is not None:
        if party.consent_id != consent.pk or party.withdrawn_at:
            raise ValidationError({"party": _("Choose a party of this consent.")})
        changelog.update(ConsentParty.objects.filter(pk=party.pk), withdrawn_at=at)
        return consent
    if category is not None:
        if category.consent_id != consent.pk or category.withdrawn_at:
            raise ValidationError({"category": _("Choose a category of this consent.")})
        changelog.update(ConsentCategory.objects.filter(pk=category.pk), withdrawn_at=at)
        return consent
    if giver is not None and giver.consent_id != consent.pk:
        raise ValidationError({"giver": _("Choose a giver of this consent.")})
    consent.withdrawn_at = at
    consent.withdrawn_by = by
    who = giver.name if giver else ""
    consent.withdrawal_note = " – ".join(x for x in (who, (note or "").strip()) if x)[:300]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    consent_grants_revoke(consent=consent)
    consent_reminders_sync(consent)
    return consent


def consent_grants_revoke(*, consent: Consent) -> int:
    """Remove every django-guardian grant made for the consent."""
    grants = ConsentUserObjectPermission.objects.filter(content_object=consent)
    count = 0
    for grant in grants.select_related("user"):
        remove_perm("consent.view_consent", grant.user, consent)
        count += 1
    return count


@transaction.atomic
def consent_expired_grants_revoke(*, at: datetime.datetime | None = None) -> int:
    """Tidy-up for grants of consents past their end date. Access already ends at
    expiry because the policy checks validity at query time; this only removes rows."""
    today = timezone.localtime(at or timezone.now()).date()
    count = 0
    for consent in Consent.objects.filter(
        valid_to__lt=today, consentuserobjectpermission__isnull=False
    ).distinct():
        count += consent_grants_revoke(consent=consent)
    return count


@transaction.atomic
def override_open(*, by, student: Student, legal_ground: str, reason: str) -> Override:
    """Break-glass: open one pupil's cross-boundary information without consent.

    Only a social worker or a principal who already sees the pupil, with a legal
    ground from the rules module and a reason. Lasts a limited time and is listed
    for the log reviewer and the manager."""
    user_scope = scope(by)
    if not user_scope.has_role(Role.SOCIAL_WORKER, Role.PRINCIPAL):
        raise PermissionDenied
    if not may_see_student(by, student):
        raise PermissionDenied
    if legal_ground not in dict(rules.OVERRIDE_LEGAL_GROUNDS):
        raise ValidationError({"legal_ground": _("Choose the legal ground.")})
    if len((reason or "").strip()) < 10:
        raise ValidationError({"reason": _("Explain why the information is needed now.")})
    unit_ids = user_scope.principal_unit_ids | user_scope.social_worker_unit_ids
    unit = Unit.objects.filter(pk__in=unit_ids).order_by("id").first()
    now = timezone.now()
    hours = getattr(settings, "OVERRIDE_HOURS", rules.OVERRIDE_DEFAULT_HOURS)
    override = Override.objects.create(
        student=student,
        user=by,
        unit=unit,
        legal_ground=legal_ground,
        reason=reason.strip(),
        created_at=now,
        expires_at=now + datetime.timedelta(hours=hours),
    )
    # Break-glass is always in the access log, whoever calls this (portal.accesslog).
    log_access(
        by,
        "override.open",
        kind=OVERRIDE,
        students=[student],
        record_kinds=["override"],
        override=override.pk,
        legal_ground=legal_ground,
        expires_at=override.expires_at.isoformat(),
    )
    return override
