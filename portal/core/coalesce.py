"""One queued task for many changes: a marker in the shared cache says "a task for this work
is queued and has not started yet", so the changes made meanwhile queue nothing more.

For work a task does for every row that is due (an outbox), not for one row: the task takes
all that is due when it starts. The protocol:

- a change, after commit, calls ``queue_unless_pending(name, queue)``: the first change sets
  the marker and queues the task; the next ones, while the marker stands, queue nothing;
- the task, before it reads what is due, calls ``task_started(name)``: the marker goes, and a
  change committed from then on queues a task of its own. A change that found the marker
  committed before the marker went, so before the task read what is due: the task sees it.

The marker expires after ``TASK_COALESCE_SECONDS``: if its task is lost (the broker restarted
before a worker took it), changes queue tasks again after that, and the periodic sweep that
every outbox has picks up what is due meanwhile. Nothing is lost, at worst it waits.

The marker needs a cache every web process and worker share (Redis): with a local-memory
cache, or with tasks run eagerly, ``TASK_COALESCE_SECONDS`` is 0 and every change queues its
task (the settings refuse a positive value without ``REDIS_URL``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(name: str) -> str:
    return f"task-pending:{name}"


def coalescing() -> bool:
    return settings.TASK_COALESCE_SECONDS > 0 and not settings.CELERY_TASK_ALWAYS_EAGER


def queue_unless_pending(name: str, queue: Callable[[], bool]) -> bool:
    """Call ``queue`` (which returns whether the task was queued) unless a task ``name`` is
    queued and not started; returns whether it was called. A cache that does not answer
    counts as no marker: the task is queued, as without coalescing."""
    if coalescing():
        try:
            first = cache.add(_key(name), 1, timeout=settings.TASK_COALESCE_SECONDS)
        except Exception:  # the cache's errors vary by backend; all mean "no marker known"
            logger.warning("no marker for task %s; queuing it", name, exc_info=True)
            first = True
        if not first:
            return False
        if not queue():
            task_started(name)  # not queued: the next change must try again
        return True
    queue()
    return True


def task_started(name: str) -> None:
    """The task ``name`` takes over: a change committed from now on queues a new one."""
    if not coalescing():
        return
    try:
        cache.delete(_key(name))
    except Exception:  # the marker then expires by itself
        logger.warning("marker for task %s not removed", name, exc_info=True)
