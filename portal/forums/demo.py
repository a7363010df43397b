"""A demo forum in Kungsholmen: members (the police as an external contact), a held
meeting with its lägesbild and minutes, and an agreement due for review."""

import datetime

from django.utils import timezone

from portal.forums import services
from portal.forums.models import Forum, ForumMember
from portal.models import District, Unit, User


def seed_forum(stdout=None) -> None:
    district = District.objects.filter(code="kungsholmen").first()
    manager = User.objects.filter(username="chef_kungsholmen").first()
    if district is None or manager is None or Forum.objects.filter(district=district).exists():
        return
    forum = services.forum_create(
        by=manager,
        district=district,
        name="Lokalt operativt samverkansforum Kungsholmen",
        purpose="Skola, socialtjänst och polis bygger en gemensam lägesbild av stadsdelen.",
    )
    for code, kind in (
        ("vasterbroskolan", ForumMember.Kind.SCHOOL),
        ("kungsholmen-mottagning", ForumMember.Kind.SOCIAL),
        ("kungsholmen-familjebehandling", ForumMember.Kind.SOCIAL),
    ):
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            services.forum_member_add(by=manager, forum=forum, kind=kind, unit=unit)
    services.forum_member_add(
        by=manager,
        forum=forum,
        kind=ForumMember.Kind.POLICE,
        organisation="Polisen, lokalpolisområde Norrmalm",
        contact_name="Kommunpolis (kontaktperson)",
    )
    today = timezone.localdate()
    services.forum_meeting_save(
        by=manager,
        forum=forum,
        held_on=today - datetime.timedelta(days=7),
        place="Kungsholmens stadsdelsförvaltning",
        agenda="1. Lägesbild\n2. Kvällstid kring Fridhemsplan\n3. Skolnärvaro efter lovet",
        minutes=(
            "Lägesbilden visar fler oroanmälningar om psykisk ohälsa än förra perioden. "
            "Polisen ser fler unga samlas vid Fridhemsplan fredagskvällar; fältassistenterna "
            "förstärker där. Skolorna tar upp närvaron efter lovet på nästa möte."
        ),
    )
    services.agreement_save(
        by=manager,
        district=district,
        title="Samverkansöverenskommelse skola–socialtjänst–polis Kungsholmen",
        parties=(
            "Kungsholmens stadsdelsförvaltning, skolorna i stadsdelen, lokalpolisområde Norrmalm"
        ),
        with_school=True,
        with_police=True,
        signed_on=today - datetime.timedelta(days=700),
        review_on=today + datetime.timedelta(days=20),
    )
