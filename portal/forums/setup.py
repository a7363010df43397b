"""What the forums register with the portal's registries (from PortalConfig.ready())."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from portal.changelog import track
    from portal.demo import register_demo_step
    from portal.forums.demo import seed_forum
    from portal.forums.models import CollaborationAgreement, Forum, ForumMeeting, ForumMember
    from portal.forums.reminders import register_kinds
    from portal.forums.selectors import FORUM_ROLES
    from portal.navigation import NavItem, register_nav

    register_kinds()
    register_nav(
        NavItem(
            key="forums",
            label=_("Collaboration forums"),
            url_name="forums:list",
            order=65,
            visible=lambda s: s.has_role(*FORUM_ROLES),
        )
    )
    register_demo_step(seed_forum, order=60)
    track(Forum)
    track(ForumMember, masked=["contact_email"])
    track(ForumMeeting, masked=["agenda", "minutes"], excluded=["updated_at"])
    track(CollaborationAgreement, excluded=["updated_at"])
