"""The Celery app: configured from Django settings (``CELERY_*``), tasks found in each app.

Start a worker with ``celery -A portal worker`` and the scheduler with ``celery -A portal beat``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
