from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import reminders, two_factor
from portal.access import scope
from portal.models import Delivery, District, Membership, Reminder, Unit, User

# The change log holds case contents: it is the log reviewer's, at /audit/.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)

# Authenticator keys and recovery codes are secrets: the admin never shows them. A
# person who lost their phone gets their second factor removed by the action below.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["remove_two_factor"]

    @admin.action(description=_("Remove two-factor login (lost phone)"), permissions=["change"])
    def remove_two_factor(self, request, queryset):
        """The person sets up a new app at their next login (if their role requires
        one). Logged in the access log with the administrator as the actor."""
        count = two_factor.remove_for_users(request, users=queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor login removed for %(count)d person.",
                "Two-factor login removed for %(count)d people.",
                count,
            )
            % {"count": count},
        )


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "operator", "school_form", "group_type"]
    list_filter = ["kind", "district", "operator", "school_form"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


class DeliveryInline(admin.TabularInline):
    """The delivery log of a reminder: channel, result, when. No address."""

    model = Delivery
    fields = ["at", "revision", "channel", "result", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return scope(request.user).is_administrator


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Reminders, read-only, so administrators see what failed and why. Nothing
    here names a pupil: the subject is not shown, nor an external address."""

    list_display = ["kind", "recipient_display", "due_at", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__username", "recipient__last_name"]
    date_hierarchy = "due_at"
    ordering = ["-due_at", "-id"]
    fields = [
        "kind",
        "recipient_display",
        "due_at",
        "status",
        "revision",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [DeliveryInline]
    actions = ["send_again"]
    list_select_related = ["recipient"]
    show_full_result_count = False

    @admin.display(description=_("recipient"), ordering="recipient__username")
    def recipient_display(self, obj):
        return obj.recipient or _("External participant (e-mail)")

    def has_view_permission(self, request, obj=None):
        return scope(request.user).is_administrator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return scope(request.user).is_administrator

    @admin.action(description=_("Send the failed reminders again"), permissions=["retry"])
    def send_again(self, request, queryset):
        count = sum(
            reminders.reminder_retry(reminder=r)
            for r in queryset.filter(status=Reminder.Status.FAILED)
        )
        self.message_user(request, _("%(count)s reminders will be sent again.") % {"count": count})
