"""The Django admin, for administrators (systemförvaltare) only.

It manages users, memberships and the organisation. Case contents are never
registered here, and the change log belongs to the log reviewer, not the admin.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Samverkan administration")
    site_title = _("Samverkan administration")
    index_title = _("Users and organisation")

    def has_permission(self, request):
        from portal.access import scope

        user = request.user
        return bool(user.is_active and user.is_staff and scope(user).is_administrator)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
