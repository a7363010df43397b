"""Absence imported from CSV: the documented format, every kind of broken row
reported by line, nothing half-imported, and never a 500."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from cases import identity
from cases.absence import csv_format, services
from cases.absence.csv_format import read_absence_csv
from cases.models import AbsenceRecord
from portal import rules
from tests.cases.attendance import absence
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

HEADER = "personnummer;period_start;period_end;total_percent;invalid_percent"
TODAY = datetime.date(2025, 6, 16)
URL = reverse("cases:absence_import")


@pytest.fixture(autouse=True)
def fixed_day():
    noon = datetime.datetime(2025, 6, 16, 12, tzinfo=ZoneInfo("Europe/Stockholm"))
    with time_machine.travel(noon, tick=False):
        yield


def pnr(student):
    return identity.display(student.personnummer)


def csv_bytes(*lines, header=HEADER, bom=False, newline="\n"):
    text = newline.join([header, *lines]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def codes(errors):
    return [(e.line, e.code) for e in errors]


# --- reading the format --------------------------------------------------------------------


def test_reads_bom_crlf_decimal_comma_and_point_and_percent_signs():
    raw = csv_bytes(
        "20120315-9858;2025-01-08;2025-02-07;23,5;10",
        "201203159858;2025-02-08;2025-03-07;7.25;0,0",
        '"20120315-9858";2025-03-08;2025-04-07;100 %;100',
        bom=True,
        newline="\r\n",
    )
    rows, errors = read_absence_csv(raw, today=TODAY)
    assert errors == []
    assert [(r.line, str(r.total_percent), str(r.invalid_percent)) for r in rows] == [
        (2, "23.5", "10.0"),
        (3, "7.3", "0.0"),
        (4, "100.0", "100.0"),
    ]
    assert {r.personnummer for r in rows} == {"201203159858"}
    assert rows[0].period_start == datetime.date(2025, 1, 8)


def test_header_may_differ_in_case_and_spaces_and_blank_lines_are_skipped_but_counted():
    raw = csv_bytes(
        "",
        "20120315-9858;2025-01-08;2025-02-07;5;0",
        ";;;;",
        "20120315-9858;2025-02-08;2025-03-07;x;0",
        header=" PersonNummer ; period_start;period_end;TOTAL_percent;invalid_percent",
    )
    rows, errors = read_absence_csv(raw, today=TODAY)
    assert [r.line for r in rows] == [3]
    assert codes(errors) == [(5, "number")]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (
            csv_bytes(header="personnummer,period_start,period_end,total_percent,invalid_percent"),
            "header",
        ),
        (b"20120315-9858;2025-01-08;2025-02-07;5;0\n", "header"),
        ("personnummer;från;till;frånvaro;ogiltig\n".encode(), "header"),
        ("Åsa;2025".encode("latin-1"), "encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "encoding"),
        (HEADER.encode() + b"\n\x00\x00", "binary"),
        (HEADER.encode() + b"\n" + b"9" * 200_000, "csv"),  # beyond the csv field limit
    ],
    ids=[
        "empty",
        "only-blank",
        "commas",
        "no-header",
        "swedish-header",
        "latin-1",
        "png",
        "nul",
        "giant-field",
    ],
)
def test_file_level_problems_are_one_clear_error(raw, code):
    with pytest.raises(ValidationError) as exc:
        read_absence_csv(raw, today=TODAY)
    assert exc.value.code == code


def test_a_pdf_is_not_a_csv():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError) as exc:
        read_absence_csv(pdf, today=TODAY)
    assert exc.value.code == "header"


def test_the_size_limit(monkeypatch):
    raw = csv_bytes("20120315-9858;2025-01-08;2025-02-07;5;0")
    monkeypatch.setattr(rules, "ABSENCE_IMPORT_MAX_BYTES", len(raw))
    read_absence_csv(raw, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        read_absence_csv(raw + b"\n", today=TODAY)
    assert exc.value.code == "too_large"


def test_the_row_limit(monkeypatch):
    monkeypatch.setattr(rules, "ABSENCE_IMPORT_MAX_ROWS", 3)
    lines = [f"20120315-9858;2025-0{m}-01;2025-0{m}-28;5;0" for m in range(1, 5)]
    rows, _errors = read_absence_csv(csv_bytes(*lines[:3]), today=TODAY)
    assert len(rows) == 3
    with pytest.raises(ValidationError) as exc:
        read_absence_csv(csv_bytes(*lines), today=TODAY)
    assert exc.value.code == "too_many_rows"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("20120315-9858;2025-01-08;2025-02-07;5", ["fields"]),
        ("20120315-9858;2025-01-08;2025-02-07;5;0;extra", ["fields"]),
        ("20120315-9859;2025-01-08;2025-02-07;5;0", ["personnummer"]),  # check digit
        ("Kalle Anka;2025-01-08;2025-02-07;5;0", ["personnummer"]),
        ("20120315-9858;2025-02-30;2025-03-07;5;0", ["date"]),
        ("20120315-9858;2025/01/08;2025-02-07;5;0", ["date"]),
        ("20120315-9858;20250108;2025-02-07;5;0", ["date"]),
        ("20120315-9858;8 jan 2025;2025-02-07;5;0", ["date"]),
        ("20120315-9858;2025-01-08;;5;0", ["date"]),
        ("20120315-9858;2025-02-07;2025-01-08;5;0", ["period_order"]),
        ("20120315-9858;2025-06-17;2025-06-30;5;0", ["future"]),
        ("20120315-9858;2025-01-08;2025-02-07;abc;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;100,1;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;-5;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;12.5.5;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;1e2;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;;0", ["number"]),
        ("20120315-9858;2025-01-08;2025-02-07;10;10,1", ["invalid_over_total"]),
        ("x;2025-13-01;y;z;w", ["date", "date", "number", "number", "personnummer"]),
    ],
)
def test_every_kind_of_bad_row_is_reported_on_its_line(line, expected):
    rows, errors = read_absence_csv(
        csv_bytes("20120315-9858;2024-01-01;2024-01-31;1;0", line), today=TODAY
    )
    assert [r.line for r in rows] == [2]
    assert sorted(e.code for e in errors) == sorted(expected)
    assert {e.line for e in errors} == {3}
    assert all(e.message for e in errors)


def test_the_same_pupil_and_period_twice_in_the_file():
    line = "20120315-9858;2025-01-08;2025-02-07;5;0"
    rows, errors = read_absence_csv(csv_bytes(line, line.replace("5;0", "6;0")), today=TODAY)
    assert [r.line for r in rows] == [2]
    assert codes(errors) == [(3, "duplicate_in_file")]
    assert "2" in errors[0].message


# --- the import service --------------------------------------------------------------------


def test_imports_every_row_for_the_importers_school(world):
    other = StudentFactory(school_unit=world.school_a)
    raw = csv_bytes(
        f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;23,5;10",
        f"{pnr(world.pupil_a)};2025-02-08;2025-03-07;30;0",
        f"{pnr(other)};2025-01-08;2025-02-07;4.5;4.5",
        bom=True,
    )
    records = services.absence_import_csv(by=world.principal_a, content=raw)
    assert len(records) == 3
    saved = AbsenceRecord.objects.order_by("student_id", "period_start")
    assert {r.source for r in saved} == {"import"}
    assert {r.recorded_by for r in saved} == {world.principal_a}
    assert AbsenceRecord.objects.get(student=other).invalid_percent == 4.5


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "health_a"])
def test_school_staff_may_import(world, persona):
    raw = csv_bytes(f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0")
    assert len(services.absence_import_csv(by=getattr(world, persona), content=raw)) == 1


@pytest.mark.parametrize("persona", ["social_kungsholmen", "manager_kungsholmen", "admin"])
def test_others_may_not_import(world, persona):
    raw = csv_bytes(f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0")
    with pytest.raises(PermissionDenied):
        services.absence_import_csv(by=getattr(world, persona), content=raw)


def test_every_broken_row_is_reported_and_nothing_is_saved(world):
    """One file with good rows and every kind of bad row: all bad rows are listed by
    line, and not even the good rows are saved."""
    already = absence(
        world.pupil_a, world.teacher_a, datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), 12
    )
    unknown = identity.fictional_personnummer(
        datetime.date(2013, 5, 5), female=True, rng=__import__("random").Random(3)
    )
    a = pnr(world.pupil_a)
    raw = csv_bytes(
        f"{a};2025-01-08;2025-02-07;23,5;10",  # 2 good
        f"{identity.display(unknown)};2025-01-08;2025-02-07;5;0",  # 3 unknown pupil
        f"{pnr(world.pupil_b)};2025-01-08;2025-02-07;5;0",  # 4 another school's pupil
        f"{a};2025-13-01;2025-02-07;5;0",  # 5 bad date
        f"{a};2025-01-08;2025-02-07;fem;0",  # 6 bad number
        f"{a};2025-04-01;2025-04-30;10;20",  # 7 invalid > total
        f"{a};2025-03-01;2025-03-31;10;0",  # 8 period already recorded
        f"{a};2025-01-08;2025-02-07;23,5;10",  # 9 same period as line 2
        f"{a};2025-05-01;2025-05-31",  # 10 too few fields
        f"{a};2025-05-31;2025-05-01;1;0",  # 11 ends before it starts
        "",  # 12 blank: skipped
        f"{a};2025-07-01;2025-07-31;1;0",  # 13 in the future
        "19000101-0000;2025-05-01;2025-05-31;1;0",  # 14 not a personnummer
        f"{pnr(world.pupil_a_lives_sodermalm)};2025-01-08;2025-02-07;0;0",  # 15 good
    )
    with pytest.raises(services.AbsenceImportRejected) as exc:
        services.absence_import_csv(by=world.teacher_a, content=raw)
    assert codes(exc.value.row_errors) == [
        (3, "not_your_school"),
        (4, "not_your_school"),
        (5, "date"),
        (6, "number"),
        (7, "invalid_over_total"),
        (8, "already_recorded"),
        (9, "duplicate_in_file"),
        (10, "fields"),
        (11, "period_order"),
        (13, "future"),
        (14, "personnummer"),
    ]
    assert len(exc.value.messages) == 11
    assert list(AbsenceRecord.objects.all()) == [already]


def test_a_file_with_only_the_header_imports_nothing(world):
    with pytest.raises(ValidationError) as exc:
        services.absence_import_csv(by=world.teacher_a, content=csv_bytes())
    assert exc.value.code == "empty"


def test_a_period_recorded_meanwhile_rolls_the_whole_file_back(world, monkeypatch):
    raw = csv_bytes(
        f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0",
        f"{pnr(world.pupil_a)};2025-02-08;2025-03-07;5;0",
    )

    def collide(objs, **kwargs):
        AbsenceRecord.objects.create(
            student=world.pupil_a,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 1, 2),
            total_percent=1,
            recorded_by=world.teacher_a,
        )
        raise IntegrityError("absence_period_once")

    monkeypatch.setattr(AbsenceRecord.objects, "bulk_create", collide)
    with pytest.raises(ValidationError) as exc:
        services.absence_import_csv(by=world.teacher_a, content=raw)
    assert exc.value.code == "conflict"
    assert not AbsenceRecord.objects.exists()


def test_ten_thousand_rows_import_in_bounded_queries(world, django_assert_max_num_queries):
    pupils = [world.pupil_a, *(StudentFactory(school_unit=world.school_a) for _ in range(9))]
    first = datetime.date(2022, 1, 1)
    lines = [
        f"{pnr(p)};{first + datetime.timedelta(days=d)};{first + datetime.timedelta(days=d)};5;1"
        for p in pupils
        for d in range(1000)
    ]
    assert len(lines) == rules.ABSENCE_IMPORT_MAX_ROWS
    # Batched inserts: SQLite takes ~111 rows per INSERT (999 parameters), PostgreSQL 500;
    # and the change log's entry per row (portal.changelog) ~58 per INSERT on SQLite.
    with django_assert_max_num_queries(300):
        records = services.absence_import_csv(by=world.teacher_a, content=csv_bytes(*lines))
    assert len(records) == AbsenceRecord.objects.count() == 10_000


# --- the import page -----------------------------------------------------------------------


def upload(raw, name="franvaro.csv", content_type="text/csv"):
    return SimpleUploadedFile(name, raw, content_type=content_type)


def test_import_page_sends_anonymous_to_login(world, client_for):
    response = client_for().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("social_kungsholmen", 403),
        ("sip_kungsholmen", 403),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("log_reviewer", 403),
        ("nobody", 403),
        ("teacher_a", 200),
        ("principal_a", 200),
    ],
)
def test_import_page_by_persona(world, client_for, persona, status):
    assert client_for(getattr(world, persona)).get(URL).status_code == status


def test_import_page_documents_the_format(world, client_for):
    body = client_for(world.principal_a).get(URL).content.decode()
    assert csv_format.DELIMITER.join(csv_format.HEADER) in body
    assert "ÅÅÅÅ-MM-DD" in body  # the Swedish way to write the date format


def test_principal_imports_a_file(world, client_for, csrf_post):
    raw = csv_bytes(f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;23,5;10", bom=True)
    response = csrf_post(client_for(world.principal_a), URL, {"file": upload(raw)})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert AbsenceRecord.objects.get().total_percent == 23.5


def test_broken_rows_are_listed_by_line_and_nothing_is_saved(world, client_for, csrf_post):
    raw = csv_bytes(
        f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;23,5;10",
        f"{pnr(world.pupil_b)};2025-01-08;2025-02-07;5;0",
        f"{pnr(world.pupil_a)};2025-02-08;2025-03-07;abc;0",
    )
    response = csrf_post(client_for(world.principal_a), URL, {"file": upload(raw)})
    assert response.status_code == 400
    assert codes(response.context["row_errors"]) == [(3, "not_your_school"), (4, "number")]
    body = response.content.decode()
    assert "<td>3</td>" in body and "<td>4</td>" in body
    assert not AbsenceRecord.objects.exists()


@pytest.mark.parametrize(
    ("raw", "name", "content_type"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "bild.png", "image/png"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "scan.pdf", "application/pdf"),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
            "franvaro.xlsx",
            "application/vnd.ms-excel",
        ),
        ("Åsa;2025".encode("latin-1"), "latin1.csv", "text/csv"),
        (b"", "tom.csv", "text/csv"),
    ],
    ids=["png", "pdf", "xlsx", "latin-1", "empty"],
)
def test_a_file_that_is_not_our_csv_is_400_never_500(
    world, client_for, csrf_post, raw, name, content_type
):
    response = csrf_post(
        client_for(world.principal_a), URL, {"file": upload(raw, name, content_type)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not AbsenceRecord.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(world, client_for, csrf_post):
    line = f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0\n".encode()
    raw = csv_bytes() + line * (rules.ABSENCE_IMPORT_MAX_BYTES // len(line) + 1)
    assert len(raw) > rules.ABSENCE_IMPORT_MAX_BYTES
    response = csrf_post(client_for(world.principal_a), URL, {"file": upload(raw)})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not AbsenceRecord.objects.exists()


def test_too_many_rows_is_400(world, client_for, csrf_post):
    line = f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0"
    raw = csv_bytes(*[line] * (rules.ABSENCE_IMPORT_MAX_ROWS + 1))
    response = csrf_post(client_for(world.principal_a), URL, {"file": upload(raw)})
    assert response.status_code == 400
    assert not AbsenceRecord.objects.exists()


def test_posting_without_a_file_is_400(world, client_for, csrf_post):
    response = csrf_post(client_for(world.principal_a), URL, {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_import_without_csrf_token_is_refused(world, client_for):
    raw = csv_bytes(f"{pnr(world.pupil_a)};2025-01-08;2025-02-07;5;0")
    response = client_for(world.principal_a).post(URL, {"file": upload(raw)})
    assert response.status_code == 403
    assert not AbsenceRecord.objects.exists()
