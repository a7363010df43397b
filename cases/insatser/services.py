"""Writes to insatser and joint advice notes. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.insatser import selectors
from cases.models import Insats, JointAdviceNote, Student
from consent import policy

#: A joint advice note is short by design: what was said, not a case record.
ADVICE_MAX_CHARS = 2000


def _check_insats(*, by, student: Student, kind, starts_on, ends_on, contact_person) -> None:
    errors = {}
    if kind not in Insats.Kind.values:
        errors["kind"] = _("Choose the kind of insats.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the insats starts.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end date cannot be before the start date.")
    if (
        contact_person is None
        or not selectors.contact_people_for(by).filter(pk=contact_person.pk).exists()
    ):
        errors["contact_person"] = _(
            "Choose a person in the district's social services to coordinate with."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def insats_register(
    *,
    by,
    student: Student,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    contact_person,
) -> Insats:
    """Social services responsible for the child register an insats."""
    if not selectors.may_manage_insatser(by, student):
        raise PermissionDenied
    _check_insats(
        by=by,
        student=student,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        contact_person=contact_person,
    )
    unit = selectors.registering_unit(by, student)
    if unit is None:
        raise PermissionDenied
    return Insats.objects.create(
        student=student,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        contact_person=contact_person,
        unit=unit,
        registered_by=by,
    )


@transaction.atomic
def insats_update(
    *,
    by,
    insats: Insats,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    contact_person,
) -> Insats:
    """Change an insats: its kind, dates or contact person (ending it is an end date)."""
    insats = Insats.objects.select_for_update().select_related("student").get(pk=insats.pk)
    if not selectors.may_manage_insatser(by, insats.student):
        raise PermissionDenied
    _check_insats(
        by=by,
        student=insats.student,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        contact_person=contact_person,
    )
    insats.kind = kind
    insats.starts_on = starts_on
    insats.ends_on = ends_on
    insats.contact_person = contact_person
    insats.save()
    return insats


@transaction.atomic
def joint_advice_add(*, by, student: Student, text: str) -> JointAdviceNote:
    """Either side records what it told the guardians, under the consent."""
    consent = policy.joint_advice_consent(by, student)
    if consent is None:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what the guardians were told.")})
    if len(text) > ADVICE_MAX_CHARS:
        raise ValidationError(
            {"text": _("Keep the note under %(max)d characters.") % {"max": ADVICE_MAX_CHARS}}
        )
    unit = selectors.advice_unit(by, consent)
    if unit is None:
        raise PermissionDenied
    return JointAdviceNote.objects.create(
        student=student,
        text=text,
        author=by,
        author_unit=unit,
        written_on=timezone.localdate(),
    )
