from django.utils.functional import SimpleLazyObject

from portal.access import scope
from portal.navigation import nav_for
from portal.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_scope": None, "unread_notifications": 0}
    if getattr(request, "two_factor_pending", False):
        # Only the two-factor step is open yet (portal.middleware.TwoFactorMiddleware).
        return {
            "nav_items": [],
            "user_scope": None,
            "unread_notifications": 0,
            "two_factor_pending": True,
        }
    user_scope = scope(user)
    return {
        "nav_items": nav_for(user_scope, request.path),
        "user_scope": user_scope,
        # The bell in the header; counted only when a page shows it.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
