from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Student
from cases.selectors import guardianships_of, student_get
from consent import prompts, selectors, services
from consent.forms import ConsentForm, OverrideForm, WithdrawForm
from consent.models import ConsentCategory, ConsentGiver, ConsentParty
from portal import rules
from portal.access import PUPIL_ROLES, roles_required, scope
from portal.accesslog import EXPORT, LIST, REVIEW, audited, note
from portal.forms import add_service_errors
from portal.models import Unit
from portal.roles import Role

CASE_ROLES = PUPIL_ROLES


def _party_units(user, student: Student):
    """The units a consent about this pupil would normally name."""
    user_scope = scope(user)
    own = user_scope.school_unit_ids | user_scope.social_unit_ids
    return Unit.objects.filter(
        Q(pk=student.school_unit_id)
        | Q(pk__in=own)
        | Q(district_id=student.home_district_id, kind__in=Unit.SOCIAL_KINDS)
        | Q(kind=Unit.Kind.REGION)
    ).order_by("kind", "name")


@audited("consent.record", kinds=["consent"])
@require_http_methods(["GET", "POST"])
@roles_required(*CASE_ROLES)
def consent_new(request, student_pk: int):
    student = student_get(request.user, student_pk)
    renews = None
    initial = {"valid_from": timezone.localdate()}
    if request.GET.get("renews"):
        try:
            renews = selectors.consent_get_for_recording_side(
                request.user, int(request.GET["renews"])
            )
        except (ValueError, TypeError):
            renews = None
        if renews is not None and renews.student_id == student.pk:
            initial.update(
                {
                    "guardians": [g.guardian_id for g in renews.givers.all() if g.guardian_id],
                    "pupil_gives": renews.givers.filter(kind="pupil").exists(),
                    "parties": [p.unit_id for p in renews.parties.all() if not p.withdrawn_at],
                    "categories": [
                        c.category for c in renews.categories.all() if not c.withdrawn_at
                    ],
                    "purpose": renews.purpose,
                }
            )
        else:
            renews = None
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        student=student,
        party_units=_party_units(request.user, student),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                by=request.user,
                student=student,
                guardians=list(data["guardians"]),
                pupil_gives=data["pupil_gives"],
                parties=list(data["parties"]),
                categories=data["categories"],
                purpose=data["purpose"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                form=data["form"],
                scan=data.get("scan"),
                oral_received_at=data.get("oral_received_at"),
                renews=renews,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:student_detail", pk=student.pk)
    age = _age(student)
    return render(
        request,
        "consent/consent_form.html",
        {
            "form": form,
            "student": student,
            "renews": renews,
            "maturity_hint": age >= rules.CONSENT_MATURITY_HINT_AGE,
            "age": age,
        },
        status=400 if request.method == "POST" else 200,
    )


def _age(student) -> int:
    today = timezone.localdate()
    born = student.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@audited("consent.withdraw", kinds=["consent"])
@require_http_methods(["GET", "POST"])
@roles_required(*CASE_ROLES)
def consent_withdraw(request, pk: int):
    consent = selectors.consent_get_for_recording_side(request.user, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None, consent=consent)
    if request.method == "POST" and form.is_valid():
        kind, _sep, ident = form.cleaned_data["what"].partition(":")
        target = {}
        if kind == "giver":
            target["giver"] = get_object_or_404(ConsentGiver, pk=ident, consent=consent)
        elif kind == "party":
            target["party"] = get_object_or_404(ConsentParty, pk=ident, consent=consent)
        elif kind == "category":
            target["category"] = get_object_or_404(ConsentCategory, pk=ident, consent=consent)
        try:
            services.consent_withdraw(
                consent=consent, by=request.user, note=form.cleaned_data["note"], **target
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The withdrawal is recorded and applies from now."))
            return redirect("cases:student_detail", pk=consent.student_id)
    return render(
        request,
        "consent/withdraw.html",
        {"form": form, "consent": consent},
        status=400 if request.method == "POST" else 200,
    )


@audited("consent.document", kinds=["consent_document"], kind=EXPORT)
@require_GET
@roles_required(*CASE_ROLES)
def consent_document(request, pk: int):
    consent = selectors.consent_document_for(request.user, pk)
    note(format=consent.scan_content_type, rows=1)
    extension = rules.CONSENT_SCAN_TYPES.get(consent.scan_content_type, "")
    response = FileResponse(
        consent.scan.open("rb"),
        content_type=consent.scan_content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"samtycke-{consent.pk}{extension}",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@audited("override.open", kinds=["override"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.SOCIAL_WORKER, Role.PRINCIPAL)
def override_new(request, student_pk: int):
    student = student_get(request.user, student_pk)
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            override = services.override_open(
                by=request.user,
                student=student,
                legal_ground=form.cleaned_data["legal_ground"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(
                request,
                _("Access without consent is open until %(until)s. It is logged and reviewed.")
                % {"until": timezone.localtime(override.expires_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("cases:student_detail", pk=student.pk)
    return render(
        request,
        "consent/override_form.html",
        {"form": form, "student": student, "hours": rules.OVERRIDE_DEFAULT_HOURS},
        status=400 if request.method == "POST" else 200,
    )


@audited("audit.overrides", kinds=["override"], kind=REVIEW)
@require_GET
@roles_required(Role.LOG_REVIEWER)
def override_list(request):
    overrides = list(selectors.overrides_for_review(request.user)[:500])
    note(students=[o.student for o in overrides], rows=len(overrides))
    return render(request, "consent/override_list.html", {"overrides": overrides})


# --- consent prompts for pupils in special teaching groups (issue 12) ---

FORM_LANGUAGES = ("sv", "en")


@audited("consent.prompt_list", kinds=["student"], kind=LIST)
@require_GET
@roles_required(Role.SOCIAL_WORKER, Role.PRINCIPAL)
def consent_prompt_list(request):
    """The pupils in RSU, CSU and SST groups the user should ask consent for."""
    placements = list(prompts.prompt_placements_for(request.user).order_by("student__last_name"))
    note(students=[p.student for p in placements], rows=len(placements))
    return render(request, "consent/prompt_list.html", {"placements": placements})


@audited("consent.prompt_form", kinds=["student", "guardian"])
@require_GET
@roles_required(Role.SOCIAL_WORKER, Role.PRINCIPAL)
def consent_prompt_form(request, student_pk: int):
    """A prepared consent form to print and give to the guardians, in Swedish or
    English (``?lang=en``), naming the parties and the categories to agree on."""
    student = student_get(request.user, student_pk)
    lang = request.GET.get("lang")
    if lang not in FORM_LANGUAGES:
        lang = translation.get_language() if translation.get_language() in FORM_LANGUAGES else "sv"
    valid_from, valid_to = prompts.proposed_period(timezone.localdate())
    context = {
        "student": student,
        "guardians": [g.guardian for g in guardianships_of(request.user, student)],
        "parties": prompts.form_parties(student),
        "categories": prompts.form_categories(),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "form_lang": lang,
        "languages": [(code, "Svenska" if code == "sv" else "English") for code in FORM_LANGUAGES],
        "maturity_hint": _age(student) >= rules.CONSENT_MATURITY_HINT_AGE,
    }
    with translation.override(lang):
        return render(request, "consent/prompt_form.html", context)
