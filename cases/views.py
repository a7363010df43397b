from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors, services
from cases.forms import StudentForm, StudentSearchForm
from portal.access import PUPIL_ROLES, roles_required, scope
from portal.accesslog import LIST, audited, note
from portal.forms import add_service_errors
from portal.models import Unit
from portal.paging import page_of
from portal.pupil_page import building as pupil_page_building
from portal.pupil_page import sections_for
from portal.roles import Role


@audited("pupil.search", kinds=["student"], kind=LIST)
@require_GET
@roles_required(*PUPIL_ROLES)
def student_list(request):
    form = StudentSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = page_of(request, selectors.students_search(request.user, text))
    note(students=page.rows, query=text, rows=len(page.rows), page=page.number)
    return render(
        request,
        "cases/student_list.html",
        {
            "form": form,
            "students": page.rows,
            "page": page,
            "query": text,
            "may_create": bool(scope(request.user).principal_unit_ids),
        },
    )


@audited("pupil.view", kinds=["student"])
@require_GET
@roles_required(*PUPIL_ROLES)
def student_detail(request, pk: int):
    with pupil_page_building():
        student = selectors.student_get(request.user, pk)
        sections = sections_for(request.user, student)
    show_full = request.GET.get("show") == "personnummer"
    if show_full:
        note(personnummer_shown=True)
    return render(
        request,
        "cases/student_detail.html",
        {"student": student, "show_full_personnummer": show_full, "sections": sections},
    )


@audited("pupil.create", kinds=["student", "guardian"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.PRINCIPAL)
def student_create(request):
    school_units = Unit.objects.filter(pk__in=scope(request.user).principal_unit_ids)
    data = request.POST if request.method == "POST" else None
    form = StudentForm(data, school_units=school_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = services.student_create(
                by=request.user,
                personnummer=data["personnummer"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                gender=data["gender"],
                school_unit=data["school_unit"],
                grade=data["grade"],
                home_district=data["home_district"],
                guardians=form.guardians(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            note(students=[student])
            messages.success(request, _("The pupil was registered."))
            return redirect("cases:student_detail", pk=student.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/student_form.html", {"form": form}, status=status)
