from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import health, notifications
from portal.access import scope
from portal.forms import MarkReadForm, NotificationSettingsForm
from portal.models import Unit
from portal.worklist import todo_for, worklist_for


@require_GET
def home(request):
    """Each role lands on what it works with."""
    user_scope = scope(request.user)
    units = Unit.objects.filter(pk__in=user_scope.unit_roles.keys()).select_related("district")
    memberships = [
        {"unit": unit, "roles": sorted(user_scope.unit_roles[unit.pk])} for unit in units
    ]
    return render(
        request,
        "portal/home.html",
        {
            "memberships": memberships,
            "scope": user_scope,
            "worklist": worklist_for(user_scope),
            "todo": todo_for(user_scope),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 when either does not."""
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    ok = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


# --- notifications: the bell, and the choice of channels ---


def _notification_list(request, form=None, status=200):
    page = Paginator(
        notifications.notifications_for(request.user).only("text", "url", "created_at", "read_at"),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications.html",
        {"page": page, "form": form or MarkReadForm()},
        status=status,
    )


@require_GET
def notification_list(request):
    """The person's own notifications, newest first. Everyone has a bell."""
    return _notification_list(request)


@require_POST
def notification_read(request):
    """Mark one notification read (``notification``), or all of them."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        return _notification_list(request, form, status=400)
    notification = None
    if form.cleaned_data["notification"]:
        notification = get_object_or_404(
            notifications.notifications_for(request.user), pk=form.cleaned_data["notification"]
        )
    notifications.notification_mark_read(user=request.user, notification=notification)
    return redirect("notifications")


@require_POST
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read."""
    notification = get_object_or_404(notifications.notifications_for(request.user), pk=pk)
    notifications.notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = "notifications"
    return redirect(url)


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Which channels the person wants for each kind of reminder they may get."""
    choices = notifications.preferences_for(request.user)
    if request.method == "GET":
        form = NotificationSettingsForm(user=request.user, choices=choices)
        return render(request, "portal/notification_settings.html", {"form": form})
    form = NotificationSettingsForm(request.POST, user=request.user, choices=choices)
    if form.is_valid():
        notifications.notification_preferences_save(user=request.user, choices=form.channels())
        messages.success(request, _("Your choices are saved."))
        return redirect("notification_settings")
    return render(request, "portal/notification_settings.html", {"form": form}, status=400)
