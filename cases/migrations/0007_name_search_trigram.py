"""Trigram indexes for the name search (cases.selectors.student_search and the
social-services inbox): a name is matched anywhere in the first or last name, as
``UPPER(name) LIKE UPPER('%word%')``, which a b-tree cannot serve; without these a
search reads every pupil in the city. PostgreSQL only (pg_trgm, a trusted
extension); SQLite keeps scanning its small tables."""

from django.db import migrations

INDEXES = {
    "student_first_name_trgm": "first_name",
    "student_last_name_trgm": "last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_student "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_pupil_gender"),
    ]

    operations = [migrations.RunPython(create, drop)]
