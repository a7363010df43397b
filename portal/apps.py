from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.navigation import NavItem, register_nav
        from portal.reminders import register_builtin_kinds

        register_builtin_kinds()
        # Signal receivers: the login time of a session, failed logins to the access log.
        import portal.sessions  # noqa: F401
        import portal.two_factor  # noqa: F401

        # Audit (issue 8): change history, access-log retention, the reviewer's menu.
        from portal.audit import setup as audit_setup

        audit_setup.register()
        # Local collaboration forums: menu, review reminders, demo data, change history.
        from portal.forums.setup import register as register_forums

        register_forums()

        register_nav(
            NavItem(key="home", label=_("Home"), url_name="home", order=0, visible=lambda s: True)
        )
        register_nav(
            NavItem(
                key="dashboard",
                label=_("Dashboard"),
                url_name="dashboard",
                order=70,
                visible=lambda s: s.is_manager,
            )
        )
        register_nav(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                order=90,
                visible=lambda s: s.is_administrator,
            )
        )
