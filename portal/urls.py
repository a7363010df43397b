from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from portal import dashboard_views, two_factor_views, views

register_converter(dashboard_views.ExportFormatConverter, "exportformat")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("security/", two_factor_views.security, name="security"),
    path("security/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("security/setup/", two_factor_views.setup, name="two_factor_setup"),
    path(
        "security/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("security/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "dashboard/export/<slug:panel>.<exportformat:fmt>",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("pupils/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("consent/", include("consent.urls")),
    path("forums/", include("portal.forums.urls")),
    path("audit/", include("portal.audit.urls")),
    path("admin/", admin.site.urls),
]
