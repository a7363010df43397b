"""Writes of information requests. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import rules
from portal.models import Unit
from referrals.information_requests import selectors
from referrals.information_requests.reminders import (
    information_answer_notify,
    information_request_reminders_sync,
)
from referrals.models import (
    InformationAnswer,
    InformationAttachment,
    InformationRequest,
    Investigation,
)
from referrals.selectors import investigations_for_social

BBIC_CODES = {code for code, _label in rules.BBIC_AREAS}
TEXT_LIMIT = 20000


@transaction.atomic
def information_request_send(
    *,
    by,
    investigation: Investigation,
    recipient_unit: Unit,
    questions: str,
    bbic_area: str,
    due_on: datetime.date,
) -> InformationRequest:
    """Send a request for information in an open utredning to the pupil's school or
    the group the pupil is placed in. The school's duty to provide information is
    the legal ground, recorded on the request: no consent is needed for the answer."""
    if not investigations_for_social(by).filter(pk=investigation.pk).exists():
        raise PermissionDenied
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.closed_on is not None:
        raise ValidationError(_("The utredning is closed: no request can be sent in it."))
    errors = {}
    if recipient_unit is None or not (
        selectors.recipient_units_for(investigation.student).filter(pk=recipient_unit.pk).exists()
    ):
        errors["recipient_unit"] = _(
            "Choose the pupil's school or the special teaching group the pupil is placed in."
        )
    questions = (questions or "").strip()
    if not questions:
        errors["questions"] = _("Write the questions the school is asked to answer.")
    elif len(questions) > TEXT_LIMIT:
        errors["questions"] = _("The questions are too long.")
    if bbic_area not in BBIC_CODES:
        errors["bbic_area"] = _("Choose a BBIC area.")
    if due_on is None or due_on <= timezone.localdate():
        errors["due_on"] = _("The date for the answer must be in the future.")
    if errors:
        raise ValidationError(errors)
    request = InformationRequest.objects.create(
        investigation=investigation,
        student=investigation.student,
        recipient_unit=recipient_unit,
        requesting_unit=investigation.unit,
        questions=questions,
        bbic_area=bbic_area,
        due_on=due_on,
        legal_ground=rules.LEGAL_GROUND_INFORMATION_REQUEST,
        sent_by=by,
        sent_at=timezone.now(),
    )
    information_request_reminders_sync(request)
    return request


@transaction.atomic
def information_request_assign(*, by, request: InformationRequest, assignee) -> InformationRequest:
    """The principal of the receiving unit asks a staff member to answer."""
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not selectors.may_assign(by, request):
        if hasattr(request, "answer"):
            raise ValidationError(_("The request is already answered."))
        raise PermissionDenied
    if assignee is None or not selectors.assignable_staff(request).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose someone who works in the receiving unit.")})
    request.assigned_to = assignee
    request.save(update_fields=["assigned_to"])
    information_request_reminders_sync(request)
    return request


def _sniff(upload) -> str:
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return ""


def validate_attachments(files: Sequence) -> list[tuple[object, str]]:
    """Each file with the type its content shows. Refused: too many, too large, or
    not a PDF, JPEG or PNG (whatever its name or declared type says)."""
    files = [f for f in files if f]
    if len(files) > rules.INFORMATION_ANSWER_MAX_FILES:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(n)s files.")
                % {"n": rules.INFORMATION_ANSWER_MAX_FILES}
            }
        )
    checked = []
    for upload in files:
        if upload.size > rules.INFORMATION_ANSWER_FILE_MAX_BYTES:
            raise ValidationError(
                {"attachments": _("%(name)s is too large: at most 5 MB.") % {"name": upload.name}}
            )
        declared = getattr(upload, "content_type", "") or ""
        sniffed = _sniff(upload)
        if sniffed not in rules.INFORMATION_ANSWER_FILE_TYPES or declared not in ("", sniffed):
            raise ValidationError(
                {
                    "attachments": _("%(name)s is not a PDF, JPEG or PNG file.")
                    % {"name": upload.name}
                }
            )
        checked.append((upload, sniffed))
    return checked


@transaction.atomic
def information_request_answer(
    *, by, request: InformationRequest, text: str, attachments: Sequence = ()
) -> InformationAnswer:
    """The school answers, once. The answer lands in the utredning, the school's
    reminders are withdrawn and the social worker who asked is told."""
    request = (
        InformationRequest.objects.select_for_update()
        .select_related("investigation", "sent_by")
        .get(pk=request.pk)
    )
    if InformationAnswer.objects.filter(request_id=request.pk).exists():
        raise ValidationError(_("The request is already answered."))
    if not selectors.may_answer(by, request):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": _("The answer is too long.")})
    files = validate_attachments(attachments)
    answer = InformationAnswer.objects.create(
        request=request, text=text, answered_by=by, answered_at=timezone.now()
    )
    for upload, content_type in files:
        attachment = InformationAttachment(
            answer=answer, content_type=content_type, size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
    information_request_reminders_sync(request)
    information_answer_notify(request)
    return answer
