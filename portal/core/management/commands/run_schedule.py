"""``python manage.py run_schedule``: the Celery beat schedule, run in this process.

For the embedded default (no broker; tasks run eagerly), where ``celery -A portal beat``
has nothing to send tasks to: this command keeps the same schedule (``CELERY_BEAT_SCHEDULE``)
and runs each task here when it is due, as beat would have a worker run it. So on
``make run`` too deliveries and e-mails are retried, offers and demand expire, and digests,
weekly reports and deadline reminders go out. With a broker, use ``make beat`` and
``make worker`` instead: this command refuses to run.
"""

from __future__ import annotations

import logging
import signal
import time
from datetime import datetime, timedelta
from typing import Any

from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from portal.celery import app

logger = logging.getLogger(__name__)


def _as_schedule(value: Any) -> BaseSchedule:
    """A beat entry's schedule: a number of seconds, a timedelta, or a schedule object."""
    if isinstance(value, BaseSchedule):
        return value
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return schedule(timedelta(seconds=seconds), app=app)


class Command(BaseCommand):
    help = "Run the Celery beat schedule in this process (the embedded default, eager tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="run every scheduled task once, now, and stop",
        )
        parser.add_argument(
            "--stop-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="stop after this many seconds (default: run until interrupted)",
        )

    def handle(self, *args: Any, once: bool, stop_after: float | None, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "Tasks go to a broker here: run `make beat` (celery -A portal beat) and "
                "`make worker` instead."
            )
        app.loader.import_default_modules()  # every app's tasks, as a worker loads them
        entries = {
            name: (entry["task"], _as_schedule(entry["schedule"]))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        if once:
            for name, (task, _schedule) in entries.items():
                self._run(name, task)
            return
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        # As beat does for a new entry: each task first runs one period after the start.
        started = app.now()
        last_run: dict[str, datetime] = dict.fromkeys(entries, started)
        deadline = None if stop_after is None else time.monotonic() + stop_after
        self.stdout.write(f"run_schedule: {len(entries)} scheduled tasks, run in this process")
        self.stdout.flush()  # said at once, also when stdout is a file (make run's log)
        try:
            while not stopping and (deadline is None or time.monotonic() < deadline):
                wait = 1.0
                for name, (task, when) in entries.items():
                    due, next_check = when.is_due(last_run[name])
                    if due:
                        last_run[name] = app.now()
                        self._run(name, task)
                    wait = min(wait, max(0.05, next_check))
                if deadline is not None:
                    wait = min(wait, max(0.0, deadline - time.monotonic()))
                time.sleep(wait)
        except KeyboardInterrupt:
            pass

    def _run(self, name: str, task: str) -> None:
        """One task, here; a failure is logged and said on stderr, and the schedule goes on.
        With ``-v 2`` each run is said on stdout."""
        close_old_connections()
        try:
            result = app.tasks[task].apply(throw=True).get()
        except Exception as exc:
            logger.exception("scheduled task %s (%s) failed", name, task)
            self.stderr.write(f"{name} ({task}) failed: {type(exc).__name__}: {exc}")
            self.stderr.flush()
            return
        if self.verbosity >= 2:
            self.stdout.write(f"{name} ({task}): {result}")
            self.stdout.flush()
