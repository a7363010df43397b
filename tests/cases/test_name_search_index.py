"""The name search can read the trigram indexes (cases migration 0007) on
PostgreSQL, instead of every pupil in the city: the indexes' expression is the
one Django writes for ``icontains``, which the inbox's name search uses too."""

from cases.selectors import students_search


def plan(postgres, queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with postgres.cursor() as cursor:
        # The test city is small enough to scan: ask whether the index *can* serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_pupil_search_can_use_the_name_indexes(world, postgres):
    found = plan(postgres, students_search(world.social_kungsholmen, "ber"))
    assert "student_first_name_trgm" in found
    assert "student_last_name_trgm" in found
