"""One queued task for many changes (``portal/core/coalesce.py``), on the real Redis cache the
tests run with (``make test`` sets REDIS_URL)."""

import socket
import time

import pytest
from django.core.cache import cache

from portal.core.coalesce import coalescing, queue_unless_pending, task_started

NAME = "tests.coalesce"


@pytest.fixture
def coalesce(settings):
    """Coalescing on, as with workers (tasks not eager), on a cache every process shares."""
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"], "make test sets REDIS_URL"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.TASK_COALESCE_SECONDS = 30
    cache.delete(f"task-pending:{NAME}")
    yield
    cache.delete(f"task-pending:{NAME}")


class Queue:
    """Records each call; answers as told (False: the broker refused)."""

    def __init__(self, answer: bool = True):
        self.calls = 0
        self.answer = answer

    def __call__(self) -> bool:
        self.calls += 1
        return self.answer


def test_changes_made_while_a_task_waits_queue_nothing_more(coalesce):
    queue = Queue()
    assert queue_unless_pending(NAME, queue) is True
    for _ in range(5):
        assert queue_unless_pending(NAME, queue) is False
    assert queue.calls == 1


def test_once_the_task_starts_the_next_change_queues_a_new_one(coalesce):
    queue = Queue()
    queue_unless_pending(NAME, queue)
    task_started(NAME)
    assert queue_unless_pending(NAME, queue) is True
    assert queue_unless_pending(NAME, queue) is False
    assert queue.calls == 2


def test_the_marker_expires_so_a_lost_task_holds_nothing_back_for_long(coalesce, settings):
    settings.TASK_COALESCE_SECONDS = 1
    queue = Queue()
    queue_unless_pending(NAME, queue)  # its task is lost: it never starts
    assert queue_unless_pending(NAME, queue) is False
    time.sleep(1.1)
    assert queue_unless_pending(NAME, queue) is True
    assert queue.calls == 2


def test_a_task_the_broker_refused_leaves_no_marker(coalesce):
    refused, accepted = Queue(answer=False), Queue()
    assert queue_unless_pending(NAME, refused) is True
    # The next change tries again, rather than trusting a task that was never queued.
    assert queue_unless_pending(NAME, accepted) is True
    assert (refused.calls, accepted.calls) == (1, 1)


def test_a_cache_that_does_not_answer_queues_every_change(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.TASK_COALESCE_SECONDS = 30
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
        }
    }
    queue = Queue()
    assert queue_unless_pending(NAME, queue) is True
    assert queue_unless_pending(NAME, queue) is True
    task_started(NAME)  # logs, does not raise
    assert queue.calls == 2


@pytest.mark.parametrize(("seconds", "eager"), [(0, False), (30, True)])
def test_without_coalescing_every_change_queues(settings, seconds, eager):
    settings.TASK_COALESCE_SECONDS, settings.CELERY_TASK_ALWAYS_EAGER = seconds, eager
    assert not coalescing()
    queue = Queue()
    for _ in range(3):
        assert queue_unless_pending(NAME, queue) is True
    assert queue.calls == 3
