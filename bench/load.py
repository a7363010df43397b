"""Throughput of the portal under gunicorn on this machine, driven by locust from a
second process with a mix of personas.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_scale \\
        .venv/bin/python bench/load.py [--workers 4] [--steps 4,8,16,32] [--seconds 40]

Starts gunicorn (production settings, DEBUG off) on a free port, logs in one of
each persona of bench/pages.py (a session each, two-factor passed where the role
requires it), and runs locust headless once per step of concurrent users. Each
locust user opens its persona's pages with 0.5–2 s between requests. Reports
requests per second, p50/p95 and failures per step, and the highest throughput
with p95 ≤ 200 ms and no failures. Writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, logged_in_client, pick_personas, setup_django  # noqa: E402
from pages import pages_for  # noqa: E402

#: How often each persona is among the people using the portal at once.
WEIGHTS = {
    "teacher": 44,
    "principal": 10,
    "intake social worker": 25,
    "SIP coordinator": 10,
    "district manager": 3,
    "city manager": 1,
    "log reviewer": 7,
}
P95_LIMIT_MS = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_plan(path: Path) -> list[dict]:
    from django.conf import settings

    personas = pick_personas()
    by_persona: dict[str, dict] = {}
    for persona, user, page, url, _kind, *changed in pages_for(personas):
        if changed:
            continue  # a page under other settings is measured in-process only
        entry = by_persona.get(persona)
        if entry is None:
            client = logged_in_client(user)
            entry = by_persona[persona] = {
                "persona": persona,
                "weight": WEIGHTS[persona],
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "pages": [],
            }
        entry["pages"].append([page, url])
    plan = list(by_persona.values())
    path.write_text(json.dumps(plan, indent=2))
    return plan


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=120",
        "--access-logfile=-",
    ]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=os.environ.copy(), stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def run_step(port: int, users: int, seconds: int, plan_path: Path, prefix: Path) -> dict:
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        f"--users={users}",
        f"--spawn-rate={users}",
        f"--run-time={seconds}s",
        f"--host=http://127.0.0.1:{port}",
        f"--csv={prefix}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    environment = {**os.environ, "LOAD_PLAN": str(plan_path)}
    subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)  # noqa: S603
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = {
        r["Name"]: {"requests": int(r["Request Count"]), "p95": float(r["95%"] or 0)}
        for r in rows
        if r["Name"] != "Aggregated"
    }
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50": float(total["50%"] or 0),
        "p95": float(total["95%"] or 0),
        "max": round(float(total["Max Response Time"] or 0)),
        "pages": pages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--steps", default="4,8,16,32", help="concurrent locust users per step")
    parser.add_argument("--seconds", type=int, default=40, help="length of each step")
    args = parser.parse_args()

    setup_django()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    plan_path = RESULTS / f"load-plan-{stamp}.json"
    plan = write_plan(plan_path)
    port = free_port()
    server = start_gunicorn(port, args.workers, RESULTS / f"gunicorn-{stamp}.log")
    steps = []
    try:
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; load {os.getloadavg()}")
        print(f"{'users':>6}{'requests':>10}{'failures':>10}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}")
        for users in [int(n) for n in args.steps.split(",")]:
            step = run_step(
                port, users, args.seconds, plan_path, RESULTS / f"locust-{stamp}-{users}"
            )
            steps.append(step)
            print(
                f"{step['users']:>6}{step['requests']:>10}{step['failures']:>10}"
                f"{step['rps']:>8.1f}{step['p50']:>8.0f}{step['p95']:>8.0f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    good = [s for s in steps if s["failures"] == 0 and s["p95"] <= P95_LIMIT_MS]
    best = max(good, key=lambda s: s["rps"]) if good else None
    if best:
        print(
            f"\nThroughput at p95 ≤ {P95_LIMIT_MS} ms with no errors: {best['rps']} requests/s "
            f"({best['users']} concurrent users)."
        )
    else:
        print(f"\nNo step kept p95 ≤ {P95_LIMIT_MS} ms with no errors.")
    out = RESULTS / f"load-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "workers": args.workers,
                "load": os.getloadavg(),
                "mix": {p["persona"]: p["weight"] for p in plan},
                "steps": steps,
                "best": best,
            },
            indent=2,
        )
    )
    print(f"Results written to {out.relative_to(ROOT)}")
    return 0 if best else 1


if __name__ == "__main__":
    sys.exit(main())
