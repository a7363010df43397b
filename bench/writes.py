"""Benchmark: what a social worker's decision costs on the city-scale database.

    .venv/bin/python bench/writes.py [--decisions 30]

The intake social worker of the busiest district (as bench/pages.py picks them)
decides the förhandsbedömning of reports in their inbox through the service the
case page calls (``referrals.services.preliminary_decision_record``): the
decision, its utredning, the report's dashboard row, its daily and monthly
counts, the pupils the district reaches and the reminders, all in one
transaction. Each decision is rolled back, so the database is left as it was. It
prints the median, p95 and max of the whole service call, of the reports' daily
counts' part alone (``referrals.daycounts.apply``) and of the other daily
counts recounted (``portal.tallies.recount``: the utredning opened).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import pick_personas, setup_django, summary_ms  # noqa: E402


class Rollback(Exception):
    """Raised at the end of each decision so that nothing of it is kept."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.db import transaction

    from portal import tallies
    from referrals import daycounts, services
    from referrals.models import PreliminaryAssessment
    from referrals.selectors import inbox_for

    worker = pick_personas().social_worker
    reports = list(inbox_for(worker)[: args.decisions + 3])
    if len(reports) < args.decisions + 3:
        raise SystemExit("Too few undecided reports: generate a larger city.")
    applied, recounted = timed(daycounts, "apply"), timed(tallies, "recount")
    calls = []
    for i, concern in enumerate(reports):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                services.preliminary_decision_record(
                    concern=concern,
                    by=worker,
                    decision=PreliminaryAssessment.Decision.OPEN,
                    reasoning="Utredning inleds.",
                )
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        if i >= 3:  # the first ones warm the caches
            calls.append(elapsed)
    daycounts.apply, tallies.recount = applied.real, recounted.real
    print(f"{'decision, whole service':<40}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, row in (
        ("decision, whole service", summary_ms(calls)),
        ("of it, the reports' daily counts", summary_ms(applied[3:])),
        ("of it, the utredningar's counts", summary_ms(recounted[3:])),
    ):
        print(f"{name:<40}{row['n']:>5}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['max']:>9.1f}")


class timed(list):  # noqa: N801 - read as a verb where it is used
    """The durations of every call of ``module.name`` from now on (``real``: the
    function itself, to put back)."""

    def __init__(self, module, name: str):
        super().__init__()
        self.real = real = getattr(module, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.append(time.perf_counter() - started)

        setattr(module, name, wrapper)


if __name__ == "__main__":
    main()
