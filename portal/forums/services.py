"""Writes to forums, meetings and agreements. Each is atomic and checks who acts:
the district's managers."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.accesslog import note
from portal.forums import minutes as minutes_check
from portal.forums import selectors
from portal.forums.models import CollaborationAgreement, Forum, ForumMeeting, ForumMember
from portal.forums.reminders import agreement_reminders_sync
from portal.models import District, Unit


def _require_editor(by, district_id: int) -> None:
    if not selectors.may_edit_district(by, district_id):
        raise PermissionDenied


@transaction.atomic
def forum_create(*, by, district: District, name: str, purpose: str = "") -> Forum:
    _require_editor(by, district.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the forum a name.")})
    if Forum.objects.filter(district=district).exists():
        raise ValidationError({"district": _("The district already has a forum.")})
    try:
        with transaction.atomic():
            return Forum.objects.create(district=district, name=name, purpose=purpose.strip())
    except IntegrityError:
        raise ValidationError({"district": _("The district already has a forum.")}) from None


@transaction.atomic
def forum_member_add(
    *,
    by,
    forum: Forum,
    kind: str,
    unit: Unit | None = None,
    organisation: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> ForumMember:
    """Add a member organisation: a school or social-services unit of the district,
    or an external participant (the police) as an organisation and a contact only."""
    _require_editor(by, forum.district_id)
    if kind in ForumMember.EXTERNAL_KINDS:
        if unit is not None:
            raise ValidationError(
                {"unit": _("An external participant is not a unit of the portal.")}
            )
        if not (organisation or "").strip():
            raise ValidationError({"organisation": _("Name the organisation.")})
    elif kind in (ForumMember.Kind.SCHOOL, ForumMember.Kind.SOCIAL):
        if unit is None or not selectors.member_units(forum).filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("Choose a school or social-services unit of the district.")}
            )
        if (kind == ForumMember.Kind.SCHOOL) != unit.is_school:
            raise ValidationError({"unit": _("The unit is not of the chosen kind.")})
        if forum.members.filter(unit=unit).exists():
            raise ValidationError({"unit": _("The unit is already a member.")})
        organisation = ""
    else:
        raise ValidationError({"kind": _("Choose the kind of member.")})
    return ForumMember.objects.create(
        forum=forum,
        kind=kind,
        unit=unit if kind not in ForumMember.EXTERNAL_KINDS else None,
        organisation=(organisation or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_email=(contact_email or "").strip(),
    )


def refuse_personal_data(text: str, *, field: str, district_id: int) -> None:
    """Refuse text that holds a personnummer-like number or a pupil's name.

    A hard refusal, not a warning the writer can confirm past: the minutes go to
    every member, the police included, and are kept outside any case and its
    secrecy, so one confirmed slip would hand a pupil's identity to an external
    party for good. Rewriting the sentence about a group or a place costs little
    and loses nothing the forum needs. The message does not say which pupil or
    whether a name was a pupil's at all, and the pupils matched are written to the
    access log of the request, so trying names to find out who is a pupil of the
    district leaves a trace for the log reviewer.
    """
    pnr = minutes_check.personnummer_like(text)
    named = minutes_check.pupils_named(text, district_id)
    if named:
        note(students=named, kinds=["forum_minutes_check"])
    if pnr or named:
        raise ValidationError(
            {
                field: _(
                    "This text seems to contain personal data: a personal identity "
                    "number or a pupil's name. The forum's minutes and agenda are "
                    "about the area, never about a person; write about groups, "
                    "places and times instead."
                )
            },
            code="personal_data",
        )


@transaction.atomic
def forum_meeting_save(
    *,
    by,
    forum: Forum,
    held_on: datetime.date,
    place: str = "",
    agenda: str = "",
    minutes: str = "",
    meeting: ForumMeeting | None = None,
) -> ForumMeeting:
    """Book a meeting or change its agenda and minutes."""
    _require_editor(by, forum.district_id)
    if meeting is not None and meeting.forum_id != forum.pk:
        raise PermissionDenied
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the meeting.")})
    errors = {}
    for field, text in (("agenda", agenda), ("minutes", minutes)):
        try:
            refuse_personal_data(text or "", field=field, district_id=forum.district_id)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if meeting is None:
        meeting = ForumMeeting(forum=forum, created_by=by)
    else:
        meeting = ForumMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.held_on = held_on
    meeting.place = (place or "").strip()
    meeting.agenda = (agenda or "").strip()
    meeting.minutes = (minutes or "").strip()
    meeting.save()
    return meeting


@transaction.atomic
def agreement_save(
    *,
    by,
    district: District,
    title: str,
    parties: str,
    with_school: bool,
    with_police: bool,
    signed_on: datetime.date,
    review_on: datetime.date,
    agreement: CollaborationAgreement | None = None,
) -> CollaborationAgreement:
    """Record or change a collaboration agreement, and arm its review reminder."""
    _require_editor(by, district.pk)
    if agreement is not None and agreement.district_id != district.pk:
        raise PermissionDenied
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the agreement's title.")
    if not (parties or "").strip():
        errors["parties"] = _("Name the parties.")
    if not (with_school or with_police):
        errors["with_school"] = _("An agreement is with the school, the police or both.")
    if signed_on and review_on and review_on < signed_on:
        errors["review_on"] = _("The review date cannot be before the signing date.")
    if errors:
        raise ValidationError(errors)
    if agreement is None:
        agreement = CollaborationAgreement(district=district, created_by=by)
    else:
        agreement = CollaborationAgreement.objects.select_for_update().get(pk=agreement.pk)
    agreement.title = title.strip()
    agreement.parties = parties.strip()
    agreement.with_school = with_school
    agreement.with_police = with_police
    agreement.signed_on = signed_on
    agreement.review_on = review_on
    agreement.save()
    agreement_reminders_sync(agreement)
    return agreement
