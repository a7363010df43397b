"""The number of queries of each main page does not grow with the data.

The pages, personas and objects are the city-scale benchmark's (bench/pages.py):
a small generated city is measured, then more pupils and casework are added to the
same schools, staff and pupils (twice the reports, consents and meetings), and
every page must answer with the same number of queries. A list that fetches per
row (an N+1) fails here instead of in production. The first city is large enough
that the pages' pupils already have reports, utredningar, consents and SIPs, so a
section that was empty does not count as growth.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import logged_in_client, pick_personas
from bench.load import write_plan
from bench.pages import pages_for

TODAY = datetime.date(2026, 8, 20)


class _Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def grow(*, seed: int, force: bool, pupils: int, concerns: int) -> None:
    call_command(
        "seed_scale",
        pupils=pupils,
        concerns=concerns,
        consents=concerns // 4,
        meetings=concerns // 4,
        users=200,
        access_log=concerns // 4,
        seed=seed,
        today=TODAY,
        force=force,
        stdout=_Quiet(),
    )


def shape(sql: str) -> str:
    """A query without its values, to tell which query a page repeats."""
    return re.sub(r"\d+", "N", re.sub(r" VALUES .*", " VALUES ...", sql, flags=re.S))[:160]


def query_counts(pages, clients) -> dict[str, Counter]:
    counts = {}
    for persona, user, page, url, *_rest in pages:
        client = clients[user.pk]
        client.get(url)  # the first request may fill per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{persona}: {page} answered {response.status_code}"
        counts[f"{persona}: {page}"] = Counter(shape(q["sql"]) for q in captured)
    return counts


@pytest.mark.django_db
def test_main_pages_make_as_many_queries_with_more_data(time_machine, tmp_path):
    time_machine.move_to(datetime.datetime(2026, 8, 20, 12, 0, tzinfo=datetime.UTC), tick=False)
    grow(seed=11, force=False, pupils=300, concerns=1500)
    personas = pick_personas()
    pages = pages_for(personas)
    # The load test's plan is made of the same pages, as every persona.
    plan = write_plan(tmp_path / "plan.json")
    assert {entry["persona"] for entry in plan} == {persona for persona, *_rest in pages}
    clients = {user.pk: logged_in_client(user) for _p, user, *_rest in pages}
    small = query_counts(pages, clients)

    grow(seed=12, force=True, pupils=0, concerns=3000)
    large = query_counts(pages, clients)

    grown = {
        page: {"before": small[page].total(), "after": large[page].total(), "added": added}
        for page in small
        if small[page].total() != large[page].total()
        for added in [large[page] - small[page]]
    }
    assert not grown, f"query counts changed with more data: {grown}"
    assert len(small) >= 25
