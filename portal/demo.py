"""The demo organisation, people and pupils that `manage.py seed_demo` creates."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction

from portal.organisation import CITY_UNIT_CODE, district_office_code, ensure_organisation
from portal.roles import Role

SCHOOLS = [
    # code, name, district, kind, school form, operator, group type
    ("vasterbroskolan", "Västerbroskolan", "kungsholmen", "school", "grundskola", "municipal", ""),
    ("skanstullsskolan", "Skanstullsskolan", "sodermalm", "school", "grundskola", "municipal", ""),
    ("rsu-malaren", "RSU Mälaren", "bromma", "special_group", "grundskola", "municipal", "rsu"),
    (
        "norrmalms-gymnasium",
        "Norrmalms gymnasium",
        "norrmalm",
        "school",
        "gymnasieskola",
        "independent",
        "",
    ),
]
REGION_UNIT = ("bup-stockholm", "BUP Stockholm (Region Stockholm)")

#: username, first name, last name, role, unit code ("" = the city unit)
USERS = [
    ("larare_a", "Anna", "Lindqvist", Role.SCHOOL_STAFF, "vasterbroskolan"),
    ("larare_b", "Björn", "Sandberg", Role.SCHOOL_STAFF, "skanstullsskolan"),
    ("rektor_a", "Eva", "Holmgren", Role.PRINCIPAL, "vasterbroskolan"),
    ("kurator_a", "Karin", "Ek", Role.STUDENT_HEALTH, "vasterbroskolan"),
    ("socsek_kungsholmen", "Sara", "Nyström", Role.SOCIAL_WORKER, "kungsholmen-mottagning"),
    ("socsek_sodermalm", "Johan", "Berg", Role.SOCIAL_WORKER, "sodermalm-mottagning"),
    ("sip_kungsholmen", "Maria", "Dahl", Role.SIP_COORDINATOR, "kungsholmen-utredning"),
    ("chef_kungsholmen", "Lars", "Wikström", Role.MANAGER, district_office_code("kungsholmen")),
    ("admin", "Ali", "Haddad", Role.ADMINISTRATOR, CITY_UNIT_CODE),
    ("loggranskare", "Lena", "Åberg", Role.LOG_REVIEWER, CITY_UNIT_CODE),
]

GIRL_NAMES = [
    "Alva",
    "Ella",
    "Maja",
    "Saga",
    "Alice",
    "Wilma",
    "Olivia",
    "Nora",
    "Selma",
    "Leah",
    "Ines",
    "Amira",
    "Elsa",
    "Hedda",
    "Stella",
    "Vera",
    "Signe",
    "Tyra",
]
BOY_NAMES = [
    "Noah",
    "William",
    "Hugo",
    "Liam",
    "Lucas",
    "Oscar",
    "Elias",
    "Adam",
    "Omar",
    "Vincent",
    "Ludvig",
    "Theo",
    "Leo",
    "Malik",
    "Isak",
    "Edvin",
    "Sixten",
    "Otto",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hassan",
    "Ali",
    "Mohammed",
    "Lindberg",
    "Axelsson",
    "Berglund",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
]

#: Demo steps that other apps add (concerns, consents, SIPs), run after the core.
_demo_steps = []


def register_demo_step(step, *, order: int = 50):
    """Add a function ``step(stdout)`` that seed_demo runs after the core data,
    lowest ``order`` first (a SIP needs the utredning and the consent before it)."""
    if all(existing is not step for _order, existing in _demo_steps):
        _demo_steps.append((order, step))
        _demo_steps.sort(key=lambda pair: pair[0])
    return step


PUPILS_PER_SCHOOL = {
    "vasterbroskolan": 16,
    "skanstullsskolan": 16,
    "rsu-malaren": 4,
    "norrmalms-gymnasium": 4,
}


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None, stdout=None) -> dict:
    """Create (or bring up to date) the demo data. Running it twice changes nothing."""
    from cases import identity
    from cases.models import Gender, Guardian, Guardianship, Student
    from portal.models import District, Membership, Unit, User

    today = today or datetime.date(2026, 8, 20)
    rng = random.Random(2026)  # noqa: S311 # nosec B311 # demo data, not security
    districts = ensure_organisation()
    units = {}
    for code, name, district, kind, form, operator, group in SCHOOLS:
        units[code], _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "district": districts[district],
                "kind": kind,
                "school_form": form,
                "operator": operator,
                "group_type": group,
            },
        )
    Unit.objects.get_or_create(
        code=REGION_UNIT[0], defaults={"name": REGION_UNIT[1], "kind": Unit.Kind.REGION}
    )

    for username, first, last, role, unit_code in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@samverkan.invalid",
                # Skips two-factor login while DEBUG is on, never otherwise.
                "is_demo": True,
            },
        )
        if created:
            user.set_password(settings.SAMVERKAN_DEMO_PASSWORD)
            user.save()
        elif not user.is_demo:
            user.is_demo = True
            user.save(update_fields=["is_demo"])
        Membership.objects.get_or_create(
            user=user, unit=Unit.objects.get(code=unit_code), role=role
        )
        if role == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.user_permissions.add(
                *Permission.objects.filter(content_type__app_label__in=["portal", "axes"])
            )

    district_list = list(District.objects.order_by("code"))
    created_pupils = 0
    for code, count in PUPILS_PER_SCHOOL.items():
        unit = units[code]
        for index in range(count):
            female = rng.random() < 0.5
            first = rng.choice(GIRL_NAMES if female else BOY_NAMES)
            last = rng.choice(LAST_NAMES)
            gymnasium = unit.school_form == Unit.SchoolForm.GYMNASIESKOLA
            grade = rng.randint(1, 3) if gymnasium else rng.randint(1, 9)
            age = grade + (15 if gymnasium else 6)
            born = today.replace(year=today.year - age) - datetime.timedelta(
                days=rng.randint(0, 364)
            )
            pnr = identity.fictional_personnummer(born, female=female, rng=rng)
            home = unit.district if rng.random() < 0.75 else rng.choice(district_list)
            if code == "vasterbroskolan" and index in (1, 2):
                # School A in Kungsholmen has pupils who live in Södermalm: their
                # reports go to Södermalm's social services.
                home = districts["sodermalm"]
            gender = Gender.GIRL if female else Gender.BOY
            if rng.random() < 0.04:
                gender = Gender.OTHER
            student, created = Student.objects.get_or_create(
                personnummer=pnr,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "gender": gender,
                    "school_unit": unit,
                    "grade": grade,
                    "home_district": home,
                },
            )
            guardian_first = rng.choice(GIRL_NAMES + BOY_NAMES)
            phone = f"070-{rng.randint(1000000, 9999999)}"
            if created:
                created_pupils += 1
                guardian = Guardian.objects.create(
                    first_name=guardian_first,
                    last_name=last,
                    phone=phone,
                    email=f"{guardian_first.lower()}.{student.pk}@example.invalid",
                )
                Guardianship.objects.create(student=student, guardian=guardian)
    for _order, step in _demo_steps:
        step(stdout)
    summary = {
        "districts": District.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "pupils": Student.objects.count(),
        "pupils_created": created_pupils,
    }
    return summary
