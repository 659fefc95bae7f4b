"""A real Celery worker in a child process, on the test database, for integration tests."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from ent.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


class WorkerProcess:
    def __init__(self, queue, env, log):
        self.queue = queue
        self.env = env
        self.log = log
        self.proc = None

    def start(self, timeout=30):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ent", "worker", "--pool", "prefork",
             "--concurrency", "1", "--queues", self.queue, "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"test-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"le worker Celery s'est arrêté (voir {self.log.name})")
            if b"ready." in Path(self.log.name).read_bytes():
                return self
            time.sleep(0.2)
        raise RuntimeError("le worker Celery n'a pas démarré à temps")

    def kill(self):
        """SIGKILL the worker and its pool children at once, as an OOM killer would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_environment(queue, *, visibility_timeout=3600):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        return None
    db = connection.settings_dict
    url = (f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
           f"{db['NAME']}")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "ENT_CACHE_URL": settings.CACHE_URL,
        "ENT_CELERY_QUEUE": queue,
        "ENT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ENT_LETTERS_DIR": str(settings.ENT_LETTERS_DIR),
        "ENT_CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        "ENT_AAF_PARSE_PROCESSES": "2",
        "ENT_FAST_PASSWORD_HASHER": "1",
    }


def use_real_broker(queue):
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
