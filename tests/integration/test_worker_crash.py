"""Reminders survive a worker killed mid-batch and a Redis restart: every due
reminder is sent exactly once.

A real Celery worker and beat run as subprocesses against the test database on
PostgreSQL and a redis-server this test starts on a free port (never the shared
one). They skip on a laptop without PostgreSQL or redis-server and fail in CI.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from portal.models import Delivery, Notification, Reminder
from tests.conftest import need_service
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REMINDERS = 400
BATCH = 20
CLAIM_TIMEOUT = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A redis-server of our own, without persistence: a restart loses the queue."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self._answers, 10, "redis-server to start")

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path):
    need_service("redis-server", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


class Celery:
    """The worker and beat, as `make run` and docker-compose start them."""

    def __init__(self, tmp_path: Path, redis_url: str):
        settings = connection.settings_dict
        database_url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}"
            f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        self.var = tmp_path / "var"
        self.logs = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "SAMVERKAN_VAR_DIR": str(self.var),
            "EMAIL_URL": "",
            "REMINDER_SWEEP_SECONDS": "1",
            "REMINDER_BATCH_SIZE": str(BATCH),
            "REMINDER_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT),
            # An unacknowledged message of the killed worker comes back quickly,
            # so its redelivery is part of the test.
            "REDIS_VISIBILITY_TIMEOUT": "6",
            "LOG_LEVEL": "INFO",
        }
        self.processes: list[subprocess.Popen] = []
        self.workers = 0

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            [sys.executable, "-m", "celery", "-A", "portal", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "beat", "beat", "--loglevel=INFO", f"--schedule={self.logs / 'beat-schedule'}"
        )

    def start_worker(self) -> subprocess.Popen:
        self.workers += 1
        return self._spawn(
            f"worker-{self.workers}",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=crash-test-{self.workers}@%h",
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(10)

    def log(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.logs.glob("*.log"))
        )


@pytest.fixture
def celery_processes(tmp_path, own_redis, postgres):
    processes = Celery(tmp_path, own_redis.url)
    yield processes
    processes.stop()


@pytest.fixture
def due_reminders(db):
    """REMINDERS test reminders to three people, all due now (every channel)."""
    users = [UserFactory(username=f"mottagare{n}") for n in range(3)]
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(
            kind="test",
            subject=f"test:{n}",
            recipient=users[n % 3],
            due_at=now,
            next_attempt_at=now,
        )
        for n in range(REMINDERS)
    )
    return set(Reminder.objects.values_list("pk", flat=True))


def sent_count() -> int:
    return Reminder.objects.filter(status="sent").count()


def interrupted_batches() -> int:
    """Claims with some rows sent and some still waiting: a batch cut off midway."""
    return (
        Reminder.objects.values("claim_token")
        .annotate(
            sent=Count("id", filter=Q(status="sent")),
            waiting=Count("id", filter=Q(status="sending")),
        )
        .filter(sent__gt=0, waiting__gt=0)
        .count()
    )


def mail_message_ids(var: Path) -> Counter:
    ids = Counter()
    for path in (var / "mail").glob("*"):
        ids.update(re.findall(r"^Message-ID: <reminder\.(\d+)\.1@", path.read_text(), re.M))
    return Counter({int(k): v for k, v in ids.items()})


def assert_each_sent_exactly_once(expected: set[int], var: Path) -> None:
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    notified = dict(
        Notification.objects.values_list("reminder_id").annotate(n=Count("id")).order_by()
    )
    assert set(notified) == expected
    assert set(notified.values()) == {1}, "an in-app notification was sent twice"
    sent = Counter(Delivery.objects.filter(result="sent").values_list("reminder_id", "channel"))
    assert len(sent) == 2 * len(expected)
    assert set(sent.values()) == {1}, "a delivery was logged twice"
    # Every e-mail arrived. A kill in the instant between handing an e-mail to the
    # mail system and the commit is the one way a copy can go out twice: at most
    # one per kill, with the same Message-ID, so the mail system can drop it.
    emails = mail_message_ids(var)
    assert set(emails) == expected
    assert sum(emails.values()) - len(expected) <= 1


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(celery_processes, due_reminders):
    celery = celery_processes
    started = time.monotonic()
    celery.start_beat()
    worker = celery.start_worker()
    try:
        # Kill -9 while a batch is half done.
        _wait(
            lambda: sent_count() >= BATCH and interrupted_batches() > 0,
            30,
            "the worker to be in the middle of a batch",
            interval=0.005,
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed_at = sent_count()
        assert killed_at < REMINDERS
        assert interrupted_batches() > 0
        assert Reminder.objects.filter(status="sending").exists()

        celery.start_worker()
        _wait(lambda: sent_count() == REMINDERS, 45, "every reminder to be sent", 0.2)
        time.sleep(1.5)  # a late redelivered message would show as a duplicate now
    except AssertionError:
        print(celery.log())
        raise
    assert_each_sent_exactly_once(due_reminders, celery.var)
    assert time.monotonic() - started < 60


def test_a_redis_restart_loses_and_repeats_nothing(celery_processes, own_redis, due_reminders):
    celery = celery_processes
    started = time.monotonic()
    celery.start_beat()
    celery.start_worker()
    try:
        _wait(lambda: sent_count() >= REMINDERS // 4, 30, "sending to start", interval=0.01)
        own_redis.kill()  # the queued messages are gone with it (no persistence)
        time.sleep(1)
        own_redis.start()
        assert sent_count() < REMINDERS
        _wait(lambda: sent_count() == REMINDERS, 45, "every reminder to be sent", 0.2)
        time.sleep(1.5)
    except AssertionError:
        print(celery.log())
        raise
    assert_each_sent_exactly_once(due_reminders, celery.var)
    assert time.monotonic() - started < 60
