"""The Celery app: configured from Django settings (``CELERY_*``), tasks found in each app.

Start a worker with ``celery -A portal worker`` and the scheduler with ``celery -A portal beat``.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False)
@task_postrun.connect(weak=False)
def close_old_database_connections(task: Any = None, **kwargs: Any) -> None:
    """A worker keeps its database connection from task to task, as the web process does from
    request to request: closed by Django's own rules (older than ``CONN_MAX_AGE``, left
    unusable by an error, or failing the health check before reuse).

    Celery's Django fixup would close it after every task (``CELERY_DB_REUSE_MAX`` turns that
    off), so each task that touches the database would open a new PostgreSQL connection.
    Not for a task run eagerly: it runs inside the caller's request, maybe in its transaction.
    """
    if task is None or getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
