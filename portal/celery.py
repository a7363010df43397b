"""The Celery app. The broker is Redis when REDIS_URL is set, else local folders."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("samverkan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Gallring (portal/audit/tasks.py): a task module outside the apps' tasks.py.
app.autodiscover_tasks(["portal.audit"])
