"""Stockholm's organisation as the portal knows it: the 13 districts."""

#: (code, name) of the stadsdelsförvaltningar.
DISTRICTS = [
    ("rinkeby-kista", "Rinkeby-Kista"),
    ("spanga-tensta", "Spånga-Tensta"),
    ("hasselby-vallingby", "Hässelby-Vällingby"),
    ("bromma", "Bromma"),
    ("kungsholmen", "Kungsholmen"),
    ("norrmalm", "Norrmalm"),
    ("ostermalm", "Östermalm"),
    ("sodermalm", "Södermalm"),
    ("enskede-arsta-vantor", "Enskede-Årsta-Vantör"),
    ("skarpnack", "Skarpnäck"),
    ("farsta", "Farsta"),
    ("hagersten-alvsjo", "Hägersten-Älvsjö"),
    ("skarholmen", "Skärholmen"),
]

CITY_UNIT_CODE = "stockholms-stad"

#: The social-services units every district has, by kind, with a name suffix.
SOCIAL_UNITS = [
    ("social_intake", "mottagning", "Mottagningsenheten barn och unga"),
    ("social_investigation", "utredning", "Utredningsenheten barn och unga"),
    ("family_treatment", "familjebehandling", "Familjebehandlingen"),
]


def social_unit_code(district_code: str, suffix: str) -> str:
    return f"{district_code}-{suffix}"


def district_office_code(district_code: str) -> str:
    return f"{district_code}-sdf"


def ensure_organisation():
    """Create the city, the districts and each district's standing units. Idempotent."""
    from portal.models import District, Unit

    Unit.objects.get_or_create(
        code=CITY_UNIT_CODE, defaults={"name": "Stockholms stad", "kind": Unit.Kind.CITY}
    )
    districts = {}
    for code, name in DISTRICTS:
        district, _ = District.objects.get_or_create(code=code, defaults={"name": name})
        districts[code] = district
        Unit.objects.get_or_create(
            code=district_office_code(code),
            defaults={
                "name": f"{name} stadsdelsförvaltning",
                "kind": Unit.Kind.DISTRICT_OFFICE,
                "district": district,
            },
        )
        for kind, suffix, label in SOCIAL_UNITS:
            Unit.objects.get_or_create(
                code=social_unit_code(code, suffix),
                defaults={"name": f"{label}, {name}", "kind": kind, "district": district},
            )
    return districts


def _managers(where):
    """Active users who hold the manager role in a membership matching ``where``."""
    from portal.models import User
    from portal.roles import Role

    return User.objects.filter(where, memberships__role=Role.MANAGER, is_active=True).distinct()


def _district_office(district_id):
    from django.db.models import Q

    from portal.models import Unit

    return Q(
        memberships__unit__kind=Unit.Kind.DISTRICT_OFFICE,
        memberships__unit__district_id=district_id,
    )


def managers_of(unit):
    """Active managers of a unit: those who manage the unit itself or its district
    (the stadsdelsförvaltning). The city's managers are not told about one unit."""
    from django.db.models import Q

    where = Q(memberships__unit=unit)
    if unit.district_id:
        where |= _district_office(unit.district_id)
    return _managers(where)


def district_managers(district_id):
    """Active managers of a district's office (the stadsdelsförvaltning)."""
    return _managers(_district_office(district_id))
