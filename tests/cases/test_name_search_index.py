"""The name search can read the trigram indexes (cases migration 0007) on
PostgreSQL, instead of every pupil in the city: the indexes' expression is the
one Django writes for the condition the pupil list and the inbox search by."""

from cases.models import Student
from cases.selectors import name_matches


def test_a_name_search_can_use_the_name_indexes(world, postgres):
    sql, params = Student.objects.filter(name_matches("ber")).query.sql_with_params()
    with postgres.cursor() as cursor:
        # The test city is small enough to scan: ask whether the indexes *can* serve,
        # with every other way to read the table priced out.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        found = "\n".join(row[0] for row in cursor.fetchall())
    assert "student_first_name_trgm" in found
    assert "student_last_name_trgm" in found
