"""Benchmark: 10,000 reminders due in the same minute, on PostgreSQL + Redis, one
worker. Passes when all are sent within 30 seconds and none twice.

    .venv/bin/python bench/reminders_bench.py                  # one worker, a process per CPU
    .venv/bin/python bench/reminders_bench.py --concurrency 1  # one worker, --pool=solo

It creates its own database (``samverkan_bench``, dropped and created again) on the
PostgreSQL server of ``--database-url``, and starts its own redis-server on a free
port unless ``--redis-url`` is given; nothing shared is touched. It inserts the
reminders (kind "test": in-app and e-mail, the e-mail written to files as in the
embedded default) for 50 people, starts one Celery worker, queues one sweep (what
beat does every minute) and times from that moment until the last reminder is
sent. Then it counts duplicates three ways: notifications per reminder, "sent"
deliveries per reminder and channel, and e-mails per Message-ID.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise SystemExit(f"timed out waiting for {what}")


def own_database(url: str, *, create: bool) -> None:
    """Drop the benchmark's own database, and create it afresh when ``create``."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"\w+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    import redis

    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers():
        try:
            return redis.Redis.from_url(url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    wait_for(answers, 10, "redis-server")
    return process, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="pool processes of the one worker; 1 is --pool=solo; default: Celery's "
        "default, one per CPU (as `celery worker` in docker-compose)",
    )
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--limit", type=float, default=30.0, help="seconds allowed")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/samverkan_bench"
    )
    parser.add_argument("--redis-url", default="", help="default: start a redis-server")
    parser.add_argument("--keep-database", action="store_true", help="to look at it after")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="samverkan-bench-"))
    processes: list[subprocess.Popen] = []
    redis_url = args.redis_url
    if not redis_url:
        redis_process, redis_url = start_redis(workdir)
        processes.append(redis_process)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url,
        "SAMVERKAN_VAR_DIR": str(workdir / "var"),
        "EMAIL_URL": "",
        "REMINDER_BATCH_SIZE": str(args.batch_size),
        "LOG_LEVEL": "WARNING",
    }
    try:
        print(f"database {args.database_url}, broker {redis_url}, files in {workdir}")
        own_database(args.database_url, create=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.db.models import Count, Max
        from django.utils import timezone

        from portal.celery import app
        from portal.models import Delivery, Notification, Reminder, User

        users = User.objects.bulk_create(
            User(username=f"bench{n}", email=f"bench{n}@samverkan.invalid") for n in range(50)
        )
        due = timezone.now().replace(second=0, microsecond=0)
        Reminder.objects.bulk_create(
            (
                Reminder(
                    kind="test",
                    subject=f"test:{n}",
                    recipient=users[n % len(users)],
                    due_at=due,
                    next_attempt_at=due,
                )
                for n in range(args.count)
            ),
            batch_size=2000,
        )
        print(f"{args.count} reminders due at {timezone.localtime(due):%H:%M}")

        concurrency = args.concurrency or os.cpu_count() or 1
        pool = (
            ["--pool=solo"]
            if concurrency == 1
            else ["--pool=prefork", f"--concurrency={concurrency}"]
        )
        log = open(workdir / "worker.log", "wb")  # noqa: SIM115 - lives as long as the worker
        worker = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                *pool,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(worker)
        wait_for(lambda: b"ready." in (workdir / "worker.log").read_bytes(), 30, "the worker")

        started = time.monotonic()
        started_at = timezone.now()
        app.send_task("portal.reminders_sweep")  # what beat does every minute
        sent = 0

        def all_sent():
            nonlocal sent
            sent = Reminder.objects.filter(status="sent").count()
            return sent >= args.count

        with contextlib.suppress(SystemExit):  # a timeout is reported as a failure below
            wait_for(all_sent, max(args.limit * 4, 60), "every reminder to be sent", 0.5)
        last = Reminder.objects.filter(status="sent").aggregate(last=Max("sent_at"))["last"]
        seconds = (last - started_at).total_seconds() if last else time.monotonic() - started

        twice_notified = (
            Notification.objects.values("reminder_id").annotate(n=Count("id")).filter(n__gt=1)
        ).count()
        twice_logged = (
            Delivery.objects.filter(result="sent")
            .values("reminder_id", "channel")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        ).count()
        message_ids: Counter = Counter()
        for path in (workdir / "var" / "mail").glob("*"):
            message_ids.update(re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(), re.M))
        twice_mailed = sum(1 for n in message_ids.values() if n > 1)
        duplicates = twice_notified + twice_logged + twice_mailed

        mode = "solo" if concurrency == 1 else f"prefork, {concurrency} processes"
        print(f"worker: one, {mode}; batch size {args.batch_size}")
        print(f"sent: {sent} of {args.count} in {seconds:.1f} s ({sent / seconds:.0f}/s)")
        print(
            f"notifications: {Notification.objects.count()}, e-mails: {sum(message_ids.values())}"
        )
        print(
            f"duplicates: {duplicates} (notifications {twice_notified}, deliveries "
            f"{twice_logged}, e-mails {twice_mailed})"
        )
        ok = sent == args.count and seconds <= args.limit and duplicates == 0
        print("PASS" if ok else f"FAIL (limit {args.limit:.0f} s)")
        return 0 if ok else 1
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep_database:
            if "django" in sys.modules:
                from django.db import connections

                connections.close_all()
            with contextlib.suppress(Exception):
                own_database(args.database_url, create=False)


if __name__ == "__main__":
    sys.exit(main())
