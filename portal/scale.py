"""City-scale data for load tests and benchmarks: `manage.py seed_scale`.

Fills the database with all 13 districts and their schools, special teaching
groups, staff, pupils and guardians, and years of casework: concern reports
with their skyddsbedömningar and förhandsbedömningar (most on time, some late,
a few still overdue), utredningar, anmälningsmöten and other meetings, consents
(active, withdrawn and expired), SIPs, placements, absence, suspensions,
overrides and an access log. Everything is generated from one seeded random
generator and an explicit "today", so the same arguments give the same rows.

Rows are written with explicit primary keys, so children can point at parents
without reading them back, and in bulk: COPY (psycopg 3's ``cursor.copy``) on
PostgreSQL, batched ``executemany`` elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import time
import uuid
import zoneinfo
from bisect import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection

from cases import identity
from portal import calendar, rules
from portal.organisation import CITY_UNIT_CODE, DISTRICTS, district_office_code, social_unit_code
from portal.roles import Role

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

#: Share of the city's children per district (roughly the population under 19).
DISTRICT_WEIGHTS = {
    "rinkeby-kista": 9,
    "spanga-tensta": 7,
    "hasselby-vallingby": 9,
    "bromma": 10,
    "kungsholmen": 6,
    "norrmalm": 5,
    "ostermalm": 6,
    "sodermalm": 9,
    "enskede-arsta-vantor": 11,
    "skarpnack": 6,
    "farsta": 7,
    "hagersten-alvsjo": 10,
    "skarholmen": 5,
}

SCHOOL_NAME_PARTS = [
    "Ek",
    "Björk",
    "Lind",
    "Sjö",
    "Berg",
    "Äng",
    "Strand",
    "Skog",
    "Ström",
    "Hag",
    "Vik",
    "Sol",
    "Al",
    "Gran",
    "Rönn",
    "Tall",
    "Lönn",
    "Vass",
    "Hav",
    "Kvarn",
]
GROUP_TYPES = ["rsu", "resource", "sst", "sst2", "csu"]
GROUP_LABELS = {
    "rsu": "RSU",
    "resource": "Resursgrupp",
    "sst": "SST",
    "sst2": "SST 2.0",
    "csu": "CSU",
}

WORRIES = [
    "The pupil has been absent often and seems tired and withdrawn.",
    "The pupil told a teacher about arguments and violence at home.",
    "The pupil has bruises that the pupil would not explain.",
    "The pupil has spoken about older friends and money from unknown sources.",
    "The pupil has stopped eating lunch and is losing weight.",
    "The pupil is often left alone and is not picked up after school.",
    "The pupil says a relative decides whom the pupil may meet.",
    "The pupil smelled of alcohol at school on several mornings.",
]
RELATIONS = ["Mentor", "Class teacher", "School counsellor", "Principal", "Subject teacher"]
PLACES = ["Meeting room 2", "The intake unit's reception", "The school's conference room"]
SIP_NEEDS = [
    "Support with school attendance and a contact at the school every morning.",
    "Assessment at BUP and support for the family at home.",
    "A calmer school setting and a plan for the breaks.",
]
SIP_INTERVENTIONS = [
    ("Family treatment once a week", "municipality"),
    ("Assessment at BUP", "region"),
    ("Adapted timetable and a resource teacher", "school"),
    ("Contact person (kontaktperson)", "municipality"),
]
AUDIT_ACTIONS = [
    ("pupil.view", "view", ",student,", "/pupils/{}/"),
    ("pupil.search", "list", ",student,", "/pupils/"),
    ("concern.view", "view", ",concern,", "/referrals/{}/"),
    ("inbox.view", "list", ",concern,", "/referrals/inbox/"),
]

#: Sizes of the whole city: what `seed_scale` loads without arguments.
FULL_CITY = {
    "pupils": 150_000,
    "concerns": 1_000_000,
    "consents": 300_000,
    "meetings": 200_000,
    "users": 5_000,
}

#: Share of anmälningsmöten not held, with a recorded reason instead of a meeting.
NO_MEETING_SHARE = 0.15

#: Rows per COPY statement or bulk batch for the casework tables.
CHUNK = 50_000


@dataclass
class Sizes:
    pupils: int
    concerns: int
    consents: int
    meetings: int
    users: int
    access_log: int
    years: int = 5


class Progress:
    """One line per table or chunk: rows written, share done and time so far."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.started = time.monotonic()

    def __call__(self, what: str, done: int, total: int) -> None:
        if self.stdout is None:
            return
        share = 100 * done / total if total else 100
        elapsed = time.monotonic() - self.started
        bar = "#" * int(share // 5)
        self.stdout.write(
            f"[{bar:<20}] {share:5.1f}% {what}: {done:,}/{total:,} ({elapsed:6.1f} s)"
        )
        self.stdout.flush()


class Writer:
    """Writes rows of one model with explicit primary keys, in bulk.

    Fields a caller does not give get their model default, so a field added to a
    model later does not break the generator; a column the database does not have
    (yet) is left out.
    """

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._columns: dict[str, set[str]] = {}

    def _table_columns(self, table: str) -> set[str]:
        if table not in self._columns:
            with connection.cursor() as cursor:
                description = connection.introspection.get_table_description(cursor, table)
            self._columns[table] = {column.name for column in description}
        return self._columns[table]

    def write(self, model, fields: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        meta = model._meta
        model_fields = [meta.get_field(name) for name in fields]
        present = self._table_columns(meta.db_table)
        given = {f.attname for f in model_fields}
        extra = [
            f
            for f in meta.concrete_fields
            if f.attname not in given and not f.primary_key and f.column in present
        ]
        defaults = tuple(f.get_default() for f in extra)
        model_fields += extra
        columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            if self.postgres:
                as_json = [
                    i for i, f in enumerate(model_fields) if f.get_internal_type() == "JSONField"
                ]
                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        row = row + defaults if defaults else row
                        if as_json:
                            row = list(row)
                            for i in as_json:
                                row[i] = json.dumps(row[i])
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(model_fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 # nosec B608 # names from the models, values are parameters
                prep = [f.get_db_prep_value for f in model_fields]
                for start in range(0, len(rows), 1000):
                    batch = [
                        [
                            p(v, connection, prepared=False)
                            for p, v in zip(prep, row + defaults, strict=True)
                        ]
                        for row in rows[start : start + 1000]
                    ]
                    cursor.executemany(sql, batch)
        self.counts[meta.label] = self.counts.get(meta.label, 0) + len(rows)


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


@lru_cache(maxsize=4096)
def protection_due(day: datetime.date, late: bool) -> datetime.date:
    if calendar.is_working_day(day) and not late:
        return day
    return calendar.next_working_day(day)


@lru_cache(maxsize=8192)
def months_later(day: datetime.date, months: int) -> datetime.date:
    return calendar.add_months(day, months)


def at_local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def pick_weighted(rng: random.Random, items: list, cumulative: list[float]):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass
class Org:
    """What the casework generator needs to know about the organisation."""

    district_ids: list[int] = field(default_factory=list)
    district_cum: list[float] = field(default_factory=list)
    intake: dict[int, int] = field(default_factory=dict)
    investigation: dict[int, int] = field(default_factory=dict)
    family: dict[int, int] = field(default_factory=dict)
    region_unit: int = 0
    #: district -> school form -> school unit ids
    schools: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    groups: dict[int, list[int]] = field(default_factory=dict)
    school_form: dict[int, str] = field(default_factory=dict)
    #: unit -> user ids, per role family
    staff: dict[int, list[int]] = field(default_factory=dict)
    principals: dict[int, list[int]] = field(default_factory=dict)
    social_workers: dict[int, list[int]] = field(default_factory=dict)
    sip_coordinators: dict[int, list[int]] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=dict)
    user_units: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class Pupil:
    id: int
    school: int
    district: int
    born: datetime.date
    guardians: list[int]
    guardian_names: list[str]
    gender: str


class ScaleSeeder:
    def __init__(self, sizes: Sizes, *, seed: int, today: datetime.date, stdout=None):
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 # nosec B311 # generated test data, not security
        self.seed = seed
        self.today = today
        self.now = at_local(today, 12)
        self.writer = Writer()
        self.progress = Progress(stdout)
        self.stdout = stdout
        self.org = Org()
        self.pupils: list[Pupil] = []
        self.sip_pupils: list[Pupil] = []
        self.first_new_pupil = 0
        self.sip_meeting_budget = 0
        self.admission_budget = max(1, round(sizes.pupils * 0.01))

    # --- the organisation ---------------------------------------------------------

    def run(self) -> dict[str, int]:
        from portal.organisation import ensure_organisation

        triggers_off = self._replica_mode(True)
        try:
            ensure_organisation()
            if self.reuse_existing_city():
                self.progress("organisation and people already there", 1, 1)
            else:
                self.build_organisation()
                self.build_users()
            self.build_pupils()
            self.build_casework()
            self.build_consents()
            self.build_sips()
            self.build_placements_absence_suspensions()
            self.build_access_log()
            self.build_derived()
        finally:
            if triggers_off:
                self._replica_mode(False)
        self.reset_sequences()
        if self.writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute(self.statistics_statement())
        return self.writer.counts

    @staticmethod
    def statistics_statement() -> str:
        """What makes the loaded rows ready to be read: the planner's statistics
        and, outside a transaction (VACUUM cannot run in one), the visibility map.
        Without it an index-only scan of freshly loaded rows visits every row's
        page until autovacuum gets to the table, and a server may run without
        autovacuum: the dashboards' covering indexes would read the tables after all."""
        return "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"

    def build_derived(self) -> None:
        """The rows other apps derive from what was loaded (written without the
        model signals that keep them otherwise)."""
        from portal import tallies
        from portal.models import CityDayTally, DayTally
        from referrals import daycounts, facts, reach
        from referrals.models import CityConcernDayCount, ConcernDayCount

        self.progress("pupils reached by districts", 0, 1)
        reach.rebuild()
        self.progress("pupils reached by districts", 1, 1)
        self.progress("dashboard rows of the reports", 0, 1)
        facts.rebuild()
        self.progress("dashboard rows of the reports", 1, 1)
        self.progress("daily counts of the reports", 0, 1)
        counts = daycounts.source()
        self.write_counts(ConcernDayCount, daycounts.KEY_FIELDS, counts)
        self.write_counts(CityConcernDayCount, tallies.CITY_FIELDS, tallies.citywide(counts))
        del counts
        self.progress("daily counts of the reports", 1, 1)
        self.progress("daily counts of utredningar, consents, meetings and SIPs", 0, 1)
        counts = tallies.source_counts()
        self.write_counts(DayTally, tallies.KEY_FIELDS, counts)
        self.write_counts(CityDayTally, tallies.CITY_FIELDS, tallies.citywide(counts))
        self.progress("daily counts of utredningar, consents, meetings and SIPs", 1, 1)

    def write_counts(self, model, key_fields: list[str], counts) -> None:
        """A table of counts (``counts``: the count of each key) written again in
        bulk, COPY on PostgreSQL with the indexes built once after: the reports'
        daily counts are some eight million rows, the other apps' 1.3 million."""
        model.objects.all().delete()
        rows = [(*key, n) for key, n in counts.items()]
        with self.without_indexes(model):
            self.writer.write(model, [*key_fields, "n"], rows)

    @contextlib.contextmanager
    def without_indexes(self, model):
        """On PostgreSQL, ``model``'s indexes and constraints are dropped while its
        rows are copied in and built once after: faster than keeping four indexes
        of millions of rows up to date row by row."""
        if not self.writer.postgres:
            yield
            return
        meta = model._meta
        with connection.schema_editor() as editor:
            for constraint in meta.constraints:
                editor.remove_constraint(model, constraint)
            for index in meta.indexes:
                editor.remove_index(model, index)
        try:
            yield
        finally:
            with connection.schema_editor() as editor:
                for index in meta.indexes:
                    editor.add_index(model, index)
                for constraint in meta.constraints:
                    editor.add_constraint(model, constraint)

    def _replica_mode(self, on: bool) -> bool:
        """On PostgreSQL as a superuser, skip the foreign-key triggers while loading:
        the generator only points at rows it has written. Returns whether it did."""
        if not self.writer.postgres:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")
        return True

    def _standing_units(self) -> None:
        """The districts' social-services units and the region, from the database."""
        from portal.models import District, Unit

        org = self.org
        districts = {d.code: d for d in District.objects.all()}
        units = {u.code: u for u in Unit.objects.all()}
        region, _ = Unit.objects.get_or_create(
            code="bup-stockholm",
            defaults={"name": "BUP Stockholm (Region Stockholm)", "kind": Unit.Kind.REGION},
        )
        org.region_unit = region.pk
        for code, _name in DISTRICTS:
            district = districts[code]
            org.district_ids.append(district.pk)
            org.intake[district.pk] = units[social_unit_code(code, "mottagning")].pk
            org.investigation[district.pk] = units[social_unit_code(code, "utredning")].pk
            org.family[district.pk] = units[social_unit_code(code, "familjebehandling")].pk
            org.schools[district.pk] = {"grundskola": [], "gymnasieskola": []}
            org.groups[district.pk] = []
        org.district_cum = list(accumulate(DISTRICT_WEIGHTS[c] for c, _ in DISTRICTS))

    def reuse_existing_city(self) -> bool:
        """With --force on a city generated before: add casework to its schools, staff
        and pupils instead of building a second organisation beside it."""
        from cases.models import Guardianship, Student
        from portal.models import Membership, Unit

        schools = list(
            Unit.objects.filter(kind__in=Unit.SCHOOL_KINDS, code__regex=r"^(skola|grupp)-")
            .order_by("id")
            .values_list("id", "kind", "district_id", "school_form")
        )
        if not schools:
            return False
        self._standing_units()
        org = self.org
        for unit_id, kind, district_id, form in schools:
            org.school_form[unit_id] = form
            if kind == Unit.Kind.SPECIAL_GROUP:
                org.groups[district_id].append(unit_id)
            else:
                org.schools[district_id][form].append(unit_id)
        people = Membership.objects.order_by("user_id").values_list(
            "user_id", "user__username", "unit_id", "role"
        )
        for user_id, username, unit, role in people:
            self._register_person(user_id, username, unit, role)
        guardians: dict[int, list[tuple[int, str]]] = {}
        for student_id, guardian_id, first, last in Guardianship.objects.order_by("id").values_list(
            "student_id", "guardian_id", "guardian__first_name", "guardian__last_name"
        ):
            guardians.setdefault(student_id, []).append((guardian_id, f"{first} {last}"))
        school_ids = set(org.school_form)
        students = Student.objects.order_by("id").values_list(
            "id", "school_unit_id", "home_district_id", "birth_date", "gender"
        )
        for pupil_id, school, district, born, gender in students:
            if school not in school_ids:
                continue
            own = guardians.get(pupil_id, [])
            self.pupils.append(
                Pupil(
                    pupil_id,
                    school,
                    district,
                    born,
                    [g for g, _ in own],
                    [n for _, n in own],
                    gender,
                )
            )
        return True

    def _register_person(self, user_id: int, username: str, unit: int, role: str) -> None:
        org = self.org
        org.usernames[user_id] = username
        org.user_units.setdefault(user_id, []).append(unit)
        if role in (Role.SCHOOL_STAFF, Role.PRINCIPAL, Role.STUDENT_HEALTH):
            org.staff.setdefault(unit, []).append(user_id)
        if role == Role.PRINCIPAL:
            org.principals.setdefault(unit, []).append(user_id)
        if role == Role.SOCIAL_WORKER:
            org.social_workers.setdefault(unit, []).append(user_id)
        if role == Role.SIP_COORDINATOR:
            org.sip_coordinators.setdefault(unit, []).append(user_id)

    def build_organisation(self) -> None:
        from portal.models import District, Unit

        rng = self.rng
        org = self.org
        self._standing_units()
        districts = {d.code: d for d in District.objects.all()}

        pupils = self.sizes.pupils
        n_grund = max(len(DISTRICTS), round(pupils * 0.77 / 380))
        n_gym = max(2, round(pupils * 0.23 / 700))
        unit_id = next_id(Unit)
        new_units = []
        district_objs = [districts[c] for c, _ in DISTRICTS]
        for form, count in (("grundskola", n_grund), ("gymnasieskola", n_gym)):
            for i in range(count):
                # Every district gets a grundskola before any gets a second one.
                if form == "grundskola" and i < len(district_objs):
                    district = district_objs[i]
                else:
                    district = pick_weighted(rng, district_objs, org.district_cum)
                part = SCHOOL_NAME_PARTS[(unit_id * 7) % len(SCHOOL_NAME_PARTS)]
                label = "skolan" if form == "grundskola" else "gymnasiet"
                new_units.append(
                    Unit(
                        pk=unit_id,
                        code=f"skola-{unit_id}",
                        name=f"{part}{label} {district.name} {i + 1}",
                        kind=Unit.Kind.SCHOOL,
                        district=district,
                        school_form=form,
                        operator="municipal" if rng.random() < 0.8 else "independent",
                    )
                )
                org.schools[district.pk][form].append(unit_id)
                org.school_form[unit_id] = form
                unit_id += 1
        for index, district in enumerate(district_objs):
            for j in range(2):
                group_type = GROUP_TYPES[(index * 2 + j) % len(GROUP_TYPES)]
                new_units.append(
                    Unit(
                        pk=unit_id,
                        code=f"grupp-{unit_id}",
                        name=f"{GROUP_LABELS[group_type]} {district.name}",
                        kind=Unit.Kind.SPECIAL_GROUP,
                        district=district,
                        school_form="grundskola",
                        operator="municipal",
                        group_type=group_type,
                    )
                )
                org.groups[district.pk].append(unit_id)
                org.school_form[unit_id] = "grundskola"
                unit_id += 1
        self._write_instances(
            Unit,
            new_units,
            ["id", "code", "name", "kind", "district", "operator", "school_form", "group_type"],
        )
        self.progress("units", len(new_units), len(new_units))

    def build_users(self) -> None:
        from portal.models import District, Membership, Unit, User

        rng = self.rng
        org = self.org
        units = {u.code: u.pk for u in Unit.objects.only("code")}
        district_codes = dict(District.objects.values_list("pk", "code"))
        schools = [
            s
            for d in org.district_ids
            for f in ("grundskola", "gymnasieskola")
            for s in org.schools[d][f]
        ]
        groups = [g for d in org.district_ids for g in org.groups[d]]
        plan: list[tuple[str, int, str]] = []  # (role, unit id, username prefix)
        city = units[CITY_UNIT_CODE]
        plan += [(Role.ADMINISTRATOR, city, "admin"), (Role.MANAGER, city, "chef-stad")]
        plan += [(Role.LOG_REVIEWER, city, "loggranskare")] * 2
        for d in org.district_ids:
            plan.append((Role.MANAGER, units[district_office_code(district_codes[d])], "chef"))
            plan += [(Role.SIP_COORDINATOR, org.investigation[d], "sip")] * 2
        for school in schools + groups:
            plan.append((Role.PRINCIPAL, school, "rektor"))
        for school in schools:
            plan.append((Role.STUDENT_HEALTH, school, "kurator"))
        social_total = max(3 * len(org.district_ids), round(self.sizes.users * 0.08))
        social_units = [
            (org.intake, 0.45),
            (org.investigation, 0.35),
            (org.family, 0.20),
        ]
        for mapping, share in social_units:
            per_district = max(1, round(social_total * share / len(org.district_ids)))
            for d in org.district_ids:
                plan += [(Role.SOCIAL_WORKER, mapping[d], "socsek")] * per_district
        teachers = self.sizes.users - len(plan)
        if teachers < 0:
            raise ValueError(
                f"--users must be at least {len(plan)} for {self.sizes.pupils} pupils "
                "(a principal per school, the districts' social services and managers)."
            )
        # Every school gets a teacher first; the others go to schools at random.
        for i in range(teachers):
            plan.append(
                (
                    Role.SCHOOL_STAFF,
                    schools[i % len(schools)] if i < len(schools) else rng.choice(schools + groups),
                    "larare",
                )
            )

        password = make_password("samverkan-scale-" + str(self.seed))
        user_id = next_id(User)
        users, memberships = [], []
        girls, boys, lasts = _names()
        for role, unit, prefix in plan:
            first = rng.choice(girls + boys)
            last = rng.choice(lasts)
            username = f"{prefix}-{user_id}"
            users.append(
                User(
                    pk=user_id,
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@samverkan.invalid",
                    password=password,
                    is_staff=role == Role.ADMINISTRATOR,
                    is_active=True,
                    is_superuser=False,
                    date_joined=self.now,
                )
            )
            memberships.append(Membership(user_id=user_id, unit_id=unit, role=role))
            self._register_person(user_id, username, unit, role)
            user_id += 1
        self._write_instances(
            User,
            users,
            [
                "id",
                "username",
                "first_name",
                "last_name",
                "email",
                "password",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
            ],
        )
        membership_id = next_id(Membership)
        for offset, membership in enumerate(memberships):
            membership.pk = membership_id + offset
        self._write_instances(Membership, memberships, ["id", "user", "unit", "role"])
        self.progress("users", len(users), len(users))

    def _write_instances(self, model, objects, fields: list[str]) -> None:
        attnames = [model._meta.get_field(name).attname for name in fields]
        rows = [tuple(getattr(obj, name) for name in attnames) for obj in objects]
        self.writer.write(model, fields, rows)

    # --- pupils and guardians ---------------------------------------------------------

    def build_pupils(self) -> None:
        from cases.models import Guardian, Guardianship, Student

        rng = self.rng
        org = self.org
        today = self.today
        school_year = today.year if today.month >= 8 else today.year - 1
        # Born in the years of förskoleklass (turning 6) to gymnasiet's third year (18).
        first_day = datetime.date(school_year - 18, 1, 1)
        days = (datetime.date(school_year - 6, 12, 31) - first_day).days + 1
        serials = len(identity.FICTIONAL_SERIALS)
        normal_slots = days * serials
        total = self.sizes.pupils
        if total > 2 * normal_slots:
            raise ValueError(f"At most {2 * normal_slots} fictional identities fit these years.")
        existing = set(Student.objects.values_list("personnummer", flat=True))
        # Fictional serials give one number per serial and birth date; beyond that the
        # same serials serve as samordningsnummer (day + 60).
        slots = rng.sample(
            range(2 * normal_slots if total > normal_slots * 0.8 else normal_slots),
            total + len(existing),
        )
        girls, boys, lasts = _names()
        self.first_new_pupil = len(self.pupils)
        pupil_id = next_id(Student)
        guardian_id = next_id(Guardian)
        self.guardianship_id = next_id(Guardianship)
        students, guardians, links = [], [], []
        districts = org.district_ids
        created = self.now
        taken = 0
        for slot in slots:
            if taken == total:
                break
            coordination, rest = divmod(slot, normal_slots)
            day_index, serial_index = divmod(rest, serials)
            born = first_day + datetime.timedelta(days=day_index)
            serial = identity.FICTIONAL_SERIALS[serial_index]
            day_digits = born.day + (60 if coordination else 0)
            nine = f"{born:%y%m}{day_digits:02d}{serial:03d}"
            pnr = f"{born:%Y%m}{day_digits:02d}{serial:03d}{identity._luhn_check_digit(nine)}"
            if pnr in existing:
                continue
            taken += 1
            female = serial % 2 == 0
            gender = "girl" if female else "boy"
            if rng.random() < 0.03:
                gender = "other"
            age_cohort = school_year - born.year
            if age_cohort >= 16:
                form, grade = "gymnasieskola", age_cohort - 15
            else:
                form, grade = "grundskola", max(0, age_cohort - 6)
            home = pick_weighted(rng, districts, org.district_cum)
            school_district = home if rng.random() < 0.8 else rng.choice(districts)
            candidates = org.schools[school_district][form] or [
                s for d in districts for s in org.schools[d][form]
            ]
            school = rng.choice(candidates)
            last = rng.choice(lasts)
            first = rng.choice(girls if female else boys)
            students.append(
                (pupil_id, pnr, born, first, last, gender, school, grade, home, created, created)
            )
            ids, names = [], []
            for _ in range(1 if rng.random() < 0.3 else 2):
                g_first = rng.choice(girls + boys)
                guardians.append(
                    (
                        guardian_id,
                        g_first,
                        last,
                        f"070-{rng.randint(1000000, 9999999)}",
                        f"vh{guardian_id}@example.invalid",
                        "",
                    )
                )
                links.append((self.guardianship_id, pupil_id, guardian_id, "parent"))
                self.guardianship_id += 1
                ids.append(guardian_id)
                names.append(f"{g_first} {last}")
                guardian_id += 1
            self.pupils.append(Pupil(pupil_id, school, home, born, ids, names, gender))
            pupil_id += 1
            if len(students) >= CHUNK:
                self._write_pupils(Student, Guardian, Guardianship, students, guardians, links)
                students, guardians, links = [], [], []
        self._write_pupils(Student, Guardian, Guardianship, students, guardians, links)

    def _write_pupils(self, Student, Guardian, Guardianship, students, guardians, links):  # noqa: N803
        w = self.writer
        w.write(
            Student,
            [
                "id",
                "personnummer",
                "birth_date",
                "first_name",
                "last_name",
                "gender",
                "school_unit",
                "grade",
                "home_district",
                "created_at",
                "updated_at",
            ],
            students,
        )
        w.write(Guardian, ["id", "first_name", "last_name", "phone", "email", "address"], guardians)
        w.write(Guardianship, ["id", "student", "guardian", "relation"], links)
        self.progress("pupils", w.counts.get("cases.Student", 0), self.sizes.pupils)

    # --- concerns and their handling ---------------------------------------------------

    def build_casework(self) -> None:
        """Concern reports over the years, and the social services' handling of each."""
        from cases.models import Meeting, MeetingParticipant
        from referrals import investigation_categories
        from referrals.models import (
            Concern,
            ConcernCategory,
            Investigation,
            NotificationMeeting,
            PreliminaryAssessment,
            PreliminaryExtension,
            ProtectionAssessment,
        )

        rng = self.rng
        org = self.org
        sizes = self.sizes
        total = sizes.concerns
        if not self.pupils or not total:
            return
        # A third of the pupils are reported about, some of them many times.
        reported = self.pupils[: max(1, len(self.pupils) // 3)]
        span_days = 365 * sizes.years
        category_codes = [code for code, _ in rules.CONCERN_CATEGORIES]
        category_cum = list(accumulate([6, 2, 2, 6, 14, 5, 12, 10, 8]))
        self.sip_meeting_budget = round(sizes.meetings * 0.25)
        notification_meetings = max(
            0, sizes.meetings - self.sip_meeting_budget - self.admission_budget
        )
        decided_share = 0.97
        held_share = 1 - NO_MEETING_SHARE
        p_meeting = min(0.9, notification_meetings / (total * decided_share * held_share))
        ids = {
            m: next_id(m)
            for m in (
                Concern,
                ConcernCategory,
                ProtectionAssessment,
                PreliminaryAssessment,
                PreliminaryExtension,
                Investigation,
                NotificationMeeting,
                Meeting,
                MeetingParticipant,
            )
        }
        self.meeting_id = ids[Meeting]
        self.participant_id = ids[MeetingParticipant]
        self.open_investigation_pupils: list[Pupil] = []
        self.sip_pupils: list[Pupil] = []
        today = self.today
        written = 0
        while written < total:
            n = min(CHUNK, total - written)
            concerns, cats, protections, prelims, extensions = [], [], [], [], []
            investigations, nmeetings, meetings, participants = [], [], [], []
            for _ in range(n):
                cid = ids[Concern]
                ids[Concern] += 1
                pupil = reported[int(len(reported) * rng.random() ** 2)]
                district = pupil.district
                intake = org.intake[district]
                workers = org.social_workers.get(intake) or [0]
                days_back = int(span_days * rng.random() ** 1.3)
                day = today - datetime.timedelta(days=days_back)
                hour = rng.choice([8, 9, 10, 11, 13, 14, 15, 16, 17])
                received = at_local(day, hour, rng.randint(0, 59))
                if received > self.now:
                    received = self.now - datetime.timedelta(minutes=rng.randint(5, 300))
                    day = received.date()
                codes = {pick_weighted(rng, category_codes, category_cum)}
                if rng.random() < 0.35:
                    codes.add(pick_weighted(rng, category_codes, category_cum))
                violence = bool(codes & rules.VIOLENCE_CATEGORIES)
                staff = org.staff.get(pupil.school)
                roll = rng.random()
                if staff and roll < 0.85:
                    channel, reporter, unit = "portal", rng.choice(staff), pupil.school
                    name = org_name = contact = ""
                    registered = None
                else:
                    channel = "phone" if roll < 0.95 else "letter"
                    reporter, unit = None, pupil.school if rng.random() < 0.5 else None
                    name, org_name, contact = "Reporter " + str(cid), "Police", "08-401 00 00"
                    registered = workers[0] or None
                prot_due = protection_due(day, hour >= rules.PROTECTION_ASSESSMENT_CUTOFF_HOUR)
                prel_due = day + datetime.timedelta(days=rules.PRELIMINARY_ASSESSMENT_DAYS)
                handler = rng.choice(workers) or None
                assigned = handler if days_back >= 1 or rng.random() < 0.5 else None
                concerns.append(
                    (
                        cid,
                        f"ORO-{day.year}-{cid:06d}",
                        pupil.id,
                        channel,
                        reporter,
                        unit,
                        name,
                        org_name,
                        contact,
                        True,
                        registered,
                        intake,
                        assigned,
                        rng.choice(WORRIES),
                        "",
                        "",
                        rng.choice(RELATIONS),
                        "",
                        (not violence) and rng.random() < 0.6,
                        rng.random() < 0.03,
                        received,
                        prot_due,
                        prel_due,
                        None,
                        True,  # awaiting a skyddsbedömning
                        True,  # awaiting a decision
                    )
                )
                for code in codes:
                    cats.append((ids[ConcernCategory], cid, code))
                    ids[ConcernCategory] += 1
                if handler is None:
                    continue
                # Skyddsbedömning: nearly always on its day; a few late, a few still missing.
                if prot_due < today or rng.random() < 0.6:
                    late = rng.random() < 0.04
                    when_day = prot_due + datetime.timedelta(days=rng.randint(1, 3) if late else 0)
                    if when_day <= today and not (prot_due < today and rng.random() < 0.0005):
                        assessed = max(received, at_local(when_day, 16))
                        assessed = min(assessed, self.now)
                        protections.append(
                            (
                                ids[ProtectionAssessment],
                                cid,
                                rng.random() < 0.05,
                                "Assessed from the report and a call to the school.",
                                "",
                                handler,
                                assessed,
                            )
                        )
                        ids[ProtectionAssessment] += 1
                        # Assessed: no longer awaiting one (the decision flag stays last).
                        concerns[-1] = (*concerns[-1][:-2], False, concerns[-1][-1])
                # Förhandsbedömning: 14 days; some extended, some late, a few overdue.
                due = prel_due
                if rng.random() < 0.02:
                    new_due = due + datetime.timedelta(days=rng.randint(7, 30))
                    extensions.append(
                        (
                            ids[PreliminaryExtension],
                            cid,
                            rng.choice(rules.EXTENSION_REASONS)[0],
                            "Waiting for the family.",
                            due,
                            new_due,
                            handler,
                            min(at_local(due - datetime.timedelta(days=2), 10), self.now),
                        )
                    )
                    ids[PreliminaryExtension] += 1
                    due = new_due
                age = (today - day).days
                if age < 14 and rng.random() > age / 20:
                    continue
                late = rng.random() < 0.07
                decided_day = (
                    due + datetime.timedelta(days=rng.randint(1, 20))
                    if late
                    else day + datetime.timedelta(days=rng.randint(1, max(1, (due - day).days)))
                )
                if decided_day > today or (due < today and rng.random() < 0.002):
                    continue  # still open: on time, or overdue
                if violence:
                    decision = (
                        "open"
                        if rng.random() < 0.75
                        else ("ongoing" if rng.random() < 0.6 else "not_open")
                    )
                else:
                    r = rng.random()
                    decision = "open" if r < 0.3 else ("not_open" if r < 0.9 else "ongoing")
                decided_at = min(at_local(decided_day, 14), self.now)
                prelims.append(
                    (
                        ids[PreliminaryAssessment],
                        cid,
                        decision,
                        "Decided from the report.",
                        "The family has support already."
                        if violence and decision == "not_open"
                        else "",
                        violence and decision == "not_open",
                        handler,
                        decided_at,
                    )
                )
                ids[PreliminaryAssessment] += 1
                concerns[-1] = (*concerns[-1][:-1], False)  # not awaiting a decision
                if decision == "open":
                    self._investigation(
                        investigations,
                        ids,
                        Investigation,
                        pupil,
                        cid,
                        decided_day,
                        handler,
                        categories=investigation_categories.bits(codes),
                    )
                if rng.random() < p_meeting:
                    self._notification_meeting(
                        nmeetings,
                        meetings,
                        participants,
                        ids,
                        NotificationMeeting,
                        pupil,
                        cid,
                        decided_day,
                        handler,
                        intake,
                        reporter,
                        violence,
                    )
            w = self.writer
            w.write(
                Concern,
                [
                    "id",
                    "reference",
                    "student",
                    "channel",
                    "reporter",
                    "reporting_unit",
                    "reporter_name",
                    "reporter_organisation",
                    "reporter_contact",
                    "reporter_is_professional",
                    "registered_by",
                    "intake_unit",
                    "assigned_to",
                    "worry",
                    "child_said",
                    "observed",
                    "relation",
                    "earlier_concerns",
                    "guardians_informed",
                    "immediate_danger",
                    "received_at",
                    "protection_due_on",
                    "preliminary_due_on",
                    "draft_token",
                    "awaiting_protection",
                    "awaiting_decision",
                ],
                concerns,
            )
            w.write(ConcernCategory, ["id", "concern", "category"], cats)
            w.write(
                ProtectionAssessment,
                [
                    "id",
                    "concern",
                    "immediate_protection_needed",
                    "reasoning",
                    "measures",
                    "assessed_by",
                    "assessed_at",
                ],
                protections,
            )
            w.write(
                PreliminaryExtension,
                [
                    "id",
                    "concern",
                    "reason",
                    "explanation",
                    "previous_due_on",
                    "new_due_on",
                    "decided_by",
                    "decided_at",
                ],
                extensions,
            )
            w.write(
                PreliminaryAssessment,
                [
                    "id",
                    "concern",
                    "decision",
                    "reasoning",
                    "violence_override_reason",
                    "flagged_to_manager",
                    "decided_by",
                    "decided_at",
                ],
                prelims,
            )
            w.write(
                Investigation,
                [
                    "id",
                    "student",
                    "concern",
                    "unit",
                    "started_on",
                    "due_on",
                    "closed_on",
                    "outcome",
                    "outcome_notes",
                    "opened_by",
                    "pupil_gender",
                    "concern_categories",
                ],
                investigations,
            )
            self._write_meetings(meetings, participants)
            w.write(
                NotificationMeeting,
                [
                    "id",
                    "concern",
                    "meeting",
                    "skip_reason",
                    "skip_explanation",
                    "outcome_notes",
                    "decided_by",
                    "decided_at",
                ],
                nmeetings,
            )
            written += n
            self.progress("concerns", written, total)
        # A SIP has a meeting and a follow-up: as many SIPs as a quarter of the meetings allow.
        unique = list({p.id: p for p in self.sip_pupils}.values())
        self.sip_pupils = unique[: max(1, round(sizes.meetings * 0.25 / 2))]

    def _investigation(
        self, rows, ids, model, pupil, concern_id, started, opener, *, categories: int = 0
    ) -> None:
        rng = self.rng
        due = months_later(started, rules.INVESTIGATION_MONTHS)
        closed = outcome = None
        r = rng.random()
        if r < 0.85:
            closed = started + datetime.timedelta(days=rng.randint(30, (due - started).days))
        elif r < 0.95:
            closed = due + datetime.timedelta(days=rng.randint(1, 60))
        if closed is not None and closed > self.today:
            closed = None
        if closed is not None:
            outcome = rng.choice(["intervention", "intervention", "no_intervention", "referred"])
        else:
            self.open_investigation_pupils.append(pupil)
        rows.append(
            (
                ids[model],
                pupil.id,
                concern_id,
                self.org.investigation[pupil.district],
                started,
                due,
                closed,
                outcome or "",
                "",
                opener,
                pupil.gender,
                categories,
            )
        )
        ids[model] += 1
        if outcome == "intervention" and rng.random() < 0.3:
            self.sip_pupils.append(pupil)

    def _notification_meeting(
        self,
        rows,
        meetings,
        participants,
        ids,
        model,
        pupil,
        concern_id,
        decided_day,
        organiser,
        intake,
        reporter,
        violence,
    ) -> None:
        rng = self.rng
        decided_at = min(at_local(decided_day, 14), self.now)
        if rng.random() < NO_MEETING_SHARE:
            reason = "crime_at_home" if violence else "child_best_interest"
            rows.append(
                (
                    ids[model],
                    concern_id,
                    None,
                    reason,
                    "Recorded at the decision.",
                    "",
                    organiser,
                    decided_at,
                )
            )
            ids[model] += 1
            return
        starts = at_local(
            decided_day + datetime.timedelta(days=rng.randint(2, 10)), rng.choice([9, 10, 13, 14])
        )
        meeting_id = self._meeting(
            meetings,
            participants,
            kind="notification",
            pupil=pupil,
            organiser=organiser,
            unit=intake,
            starts=starts,
            sip=None,
            invited=[reporter] if reporter and not violence else [],
        )
        rows.append((ids[model], concern_id, meeting_id, "", "", "", organiser, decided_at))
        ids[model] += 1

    def _meeting(
        self, meetings, participants, *, kind, pupil, organiser, unit, starts, sip, invited
    ) -> int:
        rng = self.rng
        meeting_id = self.meeting_id
        self.meeting_id += 1
        if starts > self.now:
            status = "cancelled" if rng.random() < 0.03 else "scheduled"
        else:
            status = "cancelled" if rng.random() < 0.05 else "held"
        created = starts - datetime.timedelta(days=7)
        meetings.append(
            (
                meeting_id,
                kind,
                pupil.id,
                organiser,
                unit,
                starts,
                60,
                rng.choice(PLACES),
                "",
                "",
                "",
                status,
                sip,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                0,
                created,
                created,
            )
        )
        for user in dict.fromkeys([organiser, *invited]):
            participants.append((self.participant_id, meeting_id, user, "", "", "", "accepted"))
            self.participant_id += 1
        if pupil.guardians and rng.random() < 0.7:
            participants.append(
                (
                    self.participant_id,
                    meeting_id,
                    None,
                    pupil.guardian_names[0],
                    f"vh{pupil.guardians[0]}@example.invalid",
                    "Guardian",
                    "pending",
                )
            )
            self.participant_id += 1
        return meeting_id

    def _write_meetings(self, meetings, participants) -> None:
        from cases.models import Meeting, MeetingParticipant

        self.writer.write(
            Meeting,
            [
                "id",
                "kind",
                "student",
                "organiser",
                "organiser_unit",
                "starts_at",
                "duration_minutes",
                "place",
                "video_link",
                "agenda",
                "minutes",
                "status",
                "sip",
                "uid",
                "sequence",
                "created_at",
                "updated_at",
            ],
            meetings,
        )
        self.writer.write(
            MeetingParticipant,
            [
                "id",
                "meeting",
                "user",
                "name",
                "email",
                "role_label",
                "response",
            ],
            participants,
        )

    # --- consents ---------------------------------------------------------------------

    def build_consents(self) -> None:
        from consent.models import Consent, ConsentCategory, ConsentGiver, ConsentParty

        rng = self.rng
        org = self.org
        total = self.sizes.consents
        if not total or not self.pupils:
            return
        ids = {m: next_id(m) for m in (Consent, ConsentCategory, ConsentGiver, ConsentParty)}
        categories = [code for code, _ in rules.CONSENT_CATEGORIES]
        # SIPs that become active need an active consent for the plan: those come first.
        sip_consent_pupils = {p.id for p in self.sip_pupils}
        pool = self.sip_pupils + self.pupils[: max(1, len(self.pupils) // 2)]
        span_days = 365 * self.sizes.years
        written = 0
        index = 0
        while written < total:
            n = min(CHUNK, total - written)
            consents, cats, givers, parties = [], [], [], []
            for _ in range(n):
                pupil = pool[index] if index < len(self.sip_pupils) else rng.choice(pool)
                index += 1
                for_sip = pupil.id in sip_consent_pupils and index <= len(self.sip_pupils)
                cid = ids[Consent]
                ids[Consent] += 1
                if for_sip:
                    start = self.today - datetime.timedelta(days=rng.randint(10, 150))
                    length = 365
                else:
                    start = self.today - datetime.timedelta(days=int(span_days * rng.random()))
                    length = rng.choice([90, 180, 365])
                end = start + datetime.timedelta(days=length)
                social_side = rng.random() < 0.5 or for_sip
                if social_side:
                    unit = org.investigation[pupil.district]
                    people = org.social_workers.get(unit) or org.sip_coordinators.get(unit)
                else:
                    unit = pupil.school
                    people = org.principals.get(unit)
                if not people:
                    unit = org.investigation[pupil.district]
                    people = org.sip_coordinators[unit]
                    social_side = True
                recorder = rng.choice(people)
                recorded_at = at_local(start, 10)
                withdrawn = None
                if not for_sip and rng.random() < 0.08:
                    last = min(end, self.today)
                    withdrawn = at_local(
                        start
                        + datetime.timedelta(days=rng.randint(0, max(0, (last - start).days))),
                        15,
                    )
                    withdrawn = min(withdrawn, self.now)
                consents.append(
                    (
                        cid,
                        pupil.id,
                        "Coordinate support at school and at home.",
                        start,
                        end,
                        "oral",
                        "",
                        "",
                        recorder,
                        recorded_at,
                        recorder,
                        unit,
                        "social" if social_side else "school",
                        recorded_at,
                        withdrawn,
                        recorder if withdrawn else None,
                        "",
                        None,
                        pupil.gender,
                    )
                )
                chosen = (
                    ["sip_plan", "school_attendance", "social_assessment"]
                    if for_sip
                    else rng.sample(categories, rng.randint(1, 3))
                )
                for code in chosen:
                    cats.append((ids[ConsentCategory], cid, code, None))
                    ids[ConsentCategory] += 1
                named = [pupil.school, org.investigation[pupil.district]]
                if for_sip or rng.random() < 0.4:
                    named.append(org.region_unit)
                for party in named:
                    # With the copies of the consent that each party carries.
                    parties.append(
                        (ids[ConsentParty], cid, party, None, pupil.id, start, end, withdrawn)
                    )
                    ids[ConsentParty] += 1
                for guardian, name in zip(pupil.guardians, pupil.guardian_names, strict=True):
                    givers.append((ids[ConsentGiver], cid, "guardian", guardian, name))
                    ids[ConsentGiver] += 1
            w = self.writer
            w.write(
                Consent,
                [
                    "id",
                    "student",
                    "purpose",
                    "valid_from",
                    "valid_to",
                    "form",
                    "scan",
                    "scan_content_type",
                    "oral_received_by",
                    "oral_received_at",
                    "recorded_by",
                    "recorded_by_unit",
                    "recorded_side",
                    "recorded_at",
                    "withdrawn_at",
                    "withdrawn_by",
                    "withdrawal_note",
                    "renews",
                    "pupil_gender",
                ],
                consents,
            )
            w.write(ConsentCategory, ["id", "consent", "category", "withdrawn_at"], cats)
            w.write(
                ConsentParty,
                [
                    "id",
                    "consent",
                    "unit",
                    "withdrawn_at",
                    "consent_student_id",
                    "consent_valid_from",
                    "consent_valid_to",
                    "consent_withdrawn_at",
                ],
                parties,
            )
            w.write(ConsentGiver, ["id", "consent", "kind", "guardian", "name"], givers)
            written += n
            self.progress("consents", written, total)

    # --- SIPs ---------------------------------------------------------------------------

    def build_sips(self) -> None:
        from cases.models import SipIntervention, SipParticipant, SipPlan, SipVersion

        rng = self.rng
        org = self.org
        if not self.sip_pupils:
            return
        ids = {m: next_id(m) for m in (SipPlan, SipVersion, SipIntervention, SipParticipant)}
        plans, versions, interventions, participants_rows = [], [], [], []
        meetings, meeting_people = [], []
        budget = self.sip_meeting_budget
        for pupil in self.sip_pupils:
            unit = org.investigation[pupil.district]
            convenor = rng.choice(org.sip_coordinators[unit])
            pid = ids[SipPlan]
            ids[SipPlan] += 1
            created = at_local(self.today - datetime.timedelta(days=rng.randint(5, 140)), 9)
            r = rng.random()
            status = "active" if r < 0.6 else ("draft" if r < 0.75 else "closed")
            activated = created + datetime.timedelta(days=3) if status != "draft" else None
            closed = None
            outcome = ""
            if status == "closed":
                closed = min(created + datetime.timedelta(days=rng.randint(30, 120)), self.now)
                outcome = "The goals of the plan were met."
            escalated = created + datetime.timedelta(days=20) if rng.random() < 0.03 else None
            plan = (
                pid,
                pupil.id,
                convenor,
                unit,
                status,
                created,
                activated,
                closed,
                outcome,
                escalated,
                "No agreement on responsibility." if escalated else "",
                pupil.gender,
            )
            for number in range(1, rng.choice([1, 1, 2]) + 1):
                vid = ids[SipVersion]
                ids[SipVersion] += 1
                follow_up = (
                    created + datetime.timedelta(days=30 * number + rng.randint(0, 90))
                ).date()
                versions.append(
                    (
                        vid,
                        pid,
                        number,
                        rng.choice(SIP_NEEDS),
                        unit,
                        org.usernames[convenor],
                        "A follow-up meeting with everyone.",
                        follow_up,
                        convenor,
                        created + datetime.timedelta(days=number),
                    )
                )
                for what, provider in rng.sample(SIP_INTERVENTIONS, 2):
                    interventions.append(
                        (ids[SipIntervention], vid, what, provider, "Named contact")
                    )
                    ids[SipIntervention] += 1
            # The plan carries its current version's follow-up (cases.sip.follow_up).
            plans.append((*plan, follow_up))
            for role, member in (
                ("school", pupil.school),
                ("social", unit),
                ("region", org.region_unit),
            ):
                participants_rows.append((ids[SipParticipant], pid, role, member, None, "", ""))
                ids[SipParticipant] += 1
            participants_rows.append(
                (ids[SipParticipant], pid, "family", None, None, pupil.guardian_names[0], "")
            )
            ids[SipParticipant] += 1
            staff = org.staff.get(pupil.school) or []
            for kind, offset in (("sip", 7), ("sip_follow_up", 60)):
                if budget <= 0:
                    break
                budget -= 1
                starts = at_local(created.date() + datetime.timedelta(days=offset), 13)
                self._meeting(
                    meetings,
                    meeting_people,
                    kind=kind,
                    pupil=pupil,
                    organiser=convenor,
                    unit=unit,
                    starts=starts,
                    sip=pid,
                    invited=staff[:1],
                )
        w = self.writer
        w.write(
            SipPlan,
            [
                "id",
                "student",
                "convenor",
                "convenor_unit",
                "status",
                "created_at",
                "activated_at",
                "closed_at",
                "outcome",
                "escalated_at",
                "escalation_reason",
                "pupil_gender",
                "follow_up_on",
            ],
            plans,
        )
        w.write(
            SipVersion,
            [
                "id",
                "plan",
                "number",
                "needs",
                "lead_unit",
                "lead_person",
                "follow_up_how",
                "next_follow_up_on",
                "created_by",
                "created_at",
            ],
            versions,
        )
        w.write(
            SipIntervention, ["id", "version", "what", "provider", "responsible"], interventions
        )
        w.write(
            SipParticipant,
            ["id", "plan", "role", "unit", "user", "name", "email"],
            participants_rows,
        )
        self._write_meetings(meetings, meeting_people)
        self.progress("SIPs", len(plans), len(plans))

    # --- placements, absence, suspensions, overrides ------------------------------------

    def build_placements_absence_suspensions(self) -> None:
        from cases.models import AbsenceRecord, Placement
        from consent.models import Override
        from referrals.models import Suspension

        rng = self.rng
        org = self.org
        ids = {m: next_id(m) for m in (Placement, AbsenceRecord, Suspension, Override)}
        placements, meetings, meeting_people = [], [], []
        for _ in range(self.admission_budget):
            pupil = rng.choice(self.pupils)
            if org.school_form[pupil.school] != "grundskola":
                continue
            applicants = org.principals.get(pupil.school)
            group = rng.choice(org.groups[pupil.district])
            deciders = org.principals.get(group)
            if not applicants or not deciders:
                continue
            applied = at_local(self.today - datetime.timedelta(days=rng.randint(1, 700)), 10)
            r = rng.random()
            status = ["applied", "admitted", "declined", "active", "ended"][
                bisect([0.1, 0.15, 0.3, 0.7], r)
            ]
            decided = applied + datetime.timedelta(days=14) if status != "applied" else None
            if decided and decided > self.now:
                status, decided = "applied", None
            starts = ends = None
            meeting = None
            if decided:
                meeting = self._meeting(
                    meetings,
                    meeting_people,
                    kind="admission",
                    pupil=pupil,
                    organiser=deciders[0],
                    unit=group,
                    starts=decided,
                    sip=None,
                    invited=[],
                )
            if status in ("active", "ended"):
                starts = decided.date() + datetime.timedelta(days=7)
            if status == "ended":
                ends = starts + datetime.timedelta(days=rng.randint(60, 300))
                if ends > self.today:
                    status, ends = "active", None
            placements.append(
                (
                    ids[Placement],
                    pupil.id,
                    group,
                    status,
                    "Needs a smaller group.",
                    rng.randint(5, 60),
                    applicants[0],
                    applied,
                    deciders[0] if decided else None,
                    decided,
                    "Decided by the admission group." if decided else "",
                    meeting,
                    starts,
                    ends,
                    "Returned to the home school." if ends else "",
                    pupil.gender,
                )
            )
            ids[Placement] += 1
        self._write_meetings(meetings, meeting_people)
        self.writer.write(
            Placement,
            [
                "id",
                "student",
                "group",
                "status",
                "reason",
                "absence_percent_at_intake",
                "applied_by",
                "applied_at",
                "decided_by",
                "decided_at",
                "decision_reason",
                "admission_meeting",
                "starts_on",
                "ends_on",
                "end_reason",
                "pupil_gender",
            ],
            placements,
        )

        absence, suspensions, overrides = [], [], []
        month_starts = []
        first = self.today.replace(day=1)
        for back in range(1, 4):
            start = (first - datetime.timedelta(days=28 * back)).replace(day=1)
            end = months_later(start, 1) - datetime.timedelta(days=1)
            month_starts.append((start, end))
        recorded = self.now
        # Pupils of a city generated before already have their absence and suspensions.
        for pupil in self.pupils[self.first_new_pupil :]:
            staff = org.principals.get(pupil.school) or org.staff.get(pupil.school)
            if not staff:
                continue
            if rng.random() < 0.5:
                for start, end in month_starts:
                    total = Decimal(str(round(min(100.0, rng.expovariate(1 / 7)), 1)))
                    invalid = Decimal(str(round(float(total) * rng.random() * 0.5, 1)))
                    absence.append(
                        (
                            ids[AbsenceRecord],
                            pupil.id,
                            start,
                            end,
                            total,
                            invalid,
                            "import",
                            staff[0],
                            recorded,
                        )
                    )
                    ids[AbsenceRecord] += 1
            if rng.random() < 0.003:
                starts = self.today - datetime.timedelta(days=rng.randint(1, 700))
                under_18 = (starts - pupil.born).days < 18 * 365
                read = at_local(starts, 15) if rng.random() < 0.8 else None
                suspensions.append(
                    (
                        ids[Suspension],
                        pupil.id,
                        pupil.school,
                        org.school_form[pupil.school],
                        starts,
                        starts + datetime.timedelta(days=rng.randint(0, 4)),
                        "Threatened a classmate.",
                        True,
                        "",
                        staff[0],
                        at_local(starts, 9),
                        org.intake[pupil.district] if under_18 else None,
                        read if under_18 else None,
                        (org.social_workers.get(org.intake[pupil.district]) or [None])[0]
                        if read and under_18
                        else None,
                    )
                )
                ids[Suspension] += 1
            if rng.random() < 0.002:
                workers = org.social_workers.get(org.intake[pupil.district])
                if workers:
                    opened = at_local(self.today - datetime.timedelta(days=rng.randint(0, 365)), 11)
                    overrides.append(
                        (
                            ids[Override],
                            pupil.id,
                            workers[0],
                            org.intake[pupil.district],
                            rng.choice(rules.OVERRIDE_LEGAL_GROUNDS)[0],
                            "Urgent protection needed.",
                            opened,
                            opened + datetime.timedelta(hours=rules.OVERRIDE_DEFAULT_HOURS),
                        )
                    )
                    ids[Override] += 1
        w = self.writer
        w.write(
            AbsenceRecord,
            [
                "id",
                "student",
                "period_start",
                "period_end",
                "total_percent",
                "invalid_percent",
                "source",
                "recorded_by",
                "recorded_at",
            ],
            absence,
        )
        w.write(
            Suspension,
            [
                "id",
                "student",
                "school_unit",
                "school_form",
                "starts_on",
                "ends_on",
                "reason",
                "pupil_and_guardians_heard",
                "huvudman_decision",
                "decided_by",
                "decided_at",
                "notice_unit",
                "notice_read_at",
                "notice_read_by",
            ],
            suspensions,
        )
        w.write(
            Override,
            [
                "id",
                "student",
                "user",
                "unit",
                "legal_ground",
                "reason",
                "created_at",
                "expires_at",
            ],
            overrides,
        )
        self.progress(
            "placements, absence, suspensions",
            len(placements) + len(absence) + len(suspensions),
            len(placements) + len(absence) + len(suspensions),
        )

    # --- the access log -------------------------------------------------------------------

    def build_access_log(self) -> None:
        from portal.audit_models import AccessLog, AccessLogSubject

        rng = self.rng
        org = self.org
        total = self.sizes.access_log
        if not total or not self.pupils:
            return
        users = list(org.usernames)
        log_id = next_id(AccessLog)
        subject_id = next_id(AccessLogSubject)
        written = 0
        while written < total:
            n = min(CHUNK, total - written)
            rows, subjects = [], []
            for _ in range(n):
                user = rng.choice(users)
                action, kind, kinds, path = rng.choice(AUDIT_ACTIONS)
                at = self.now - datetime.timedelta(seconds=int(365 * 86400 * rng.random()))
                pupil = rng.choice(self.pupils)
                rows.append(
                    (
                        log_id,
                        at,
                        user,
                        org.usernames[user],
                        action,
                        kind,
                        kinds,
                        "GET",
                        path.format(pupil.id) if "{}" in path else path,
                        200,
                        "",
                        1 if kind == "list" else None,
                        "10.0.0.1",
                        f"{log_id:032x}",
                        org.user_units.get(user, []),
                        {},
                    )
                )
                subjects.append(
                    (subject_id, log_id, pupil.id, at, "school" if kind == "view" else "")
                )
                log_id += 1
                subject_id += 1
            self.writer.write(
                AccessLog,
                [
                    "id",
                    "at",
                    "user",
                    "username",
                    "action",
                    "kind",
                    "record_kinds",
                    "method",
                    "path",
                    "status_code",
                    "query",
                    "rows",
                    "remote_addr",
                    "correlation_id",
                    "unit_ids",
                    "details",
                ],
                rows,
            )
            self.writer.write(
                AccessLogSubject, ["id", "log", "student_id", "at", "basis"], subjects
            )
            written += n
            self.progress("access log", written, total)

    def reset_sequences(self) -> None:
        from django.apps import apps

        models = [
            m
            for m in apps.get_models()
            if m._meta.app_label in ("portal", "cases", "referrals", "consent")
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _names() -> tuple[list[str], list[str], list[str]]:
    from portal.demo import BOY_NAMES, GIRL_NAMES, LAST_NAMES

    return GIRL_NAMES, BOY_NAMES, LAST_NAMES


def database_has_data() -> bool:
    """True when the database already has people, pupils, reports or generated schools."""
    from cases.models import Student
    from portal.models import Unit, User
    from referrals.models import Concern

    return (
        Student.objects.exists()
        or Concern.objects.exists()
        or User.objects.exists()
        or Unit.objects.filter(kind=Unit.Kind.SCHOOL).exists()
    )


def seed_scale(sizes: Sizes, *, seed: int, today: datetime.date | None = None, stdout=None) -> dict:
    """Generate the city; returns rows written per model."""
    from django.utils import timezone

    seeder = ScaleSeeder(sizes, seed=seed, today=today or timezone.localdate(), stdout=stdout)
    return seeder.run()
