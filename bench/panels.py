"""Benchmark: each dashboard panel counted on its own, one after another.

    .venv/bin/python bench/panels.py [--who city|district] [--query "period=year"] [--runs 7]

A manager's dashboard as counted for a question nobody has asked yet
(``portal.dashboards.build`` for every panel the manager sees, on one
connection, nothing stored): for each panel the fastest of ``--runs`` runs, in
all and in the database alone, slowest first, and the sum. The managers are
those bench/pages.py picks; ``--query`` is the dashboard's query string.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cpu_reference_ms, pick_personas, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--who", choices=["city", "district"], default="city")
    parser.add_argument("--query", default="", help='e.g. "period=year&category=other"')
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.http import QueryDict

    from portal import dashboards
    from portal.access import compute_scope

    personas = pick_personas()
    user = personas.city_manager if args.who == "city" else personas.manager
    scope = compute_scope(user)
    query = dashboards.query_for(scope, QueryDict(args.query) if args.query else None)[0]
    print(f"CPU reference: {cpu_reference_ms():.1f} ms (the same Python work each run)")
    rows = []
    for panel in dashboards.panels_for(scope):
        totals, in_database = [], []
        for _run in range(args.runs):
            waited = [0.0]

            def timed(execute, sql, params, many, context, waited=waited):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    waited[0] += time.perf_counter() - started

            started = time.perf_counter()
            with connection.execute_wrapper(timed):
                dashboards.build(panel, query)
            totals.append(time.perf_counter() - started)
            in_database.append(waited[0])
        rows.append((panel.key, min(totals) * 1000, min(in_database) * 1000))
    print(f"{'panel':<32}{'ms':>8}{'of it db':>10}")
    for key, total, database in sorted(rows, key=lambda row: -row[1]):
        print(f"{key:<32}{total:>8.1f}{database:>10.1f}")
    print(f"{'all panels':<32}{sum(r[1] for r in rows):>8.1f}{sum(r[2] for r in rows):>10.1f}")


if __name__ == "__main__":
    main()
