"""Sending the outbox's e-mails: a task claims the due ones, a batch at a time, sends them over
one connection to the mail server, and records each.

At most once: a claimed e-mail is sent and then recorded; one claimed and never recorded (its
worker killed while sending) is marked failed by the sweeper rather than sent again, since
a reader confused by a duplicate is worse off than a sender told of a failure. An e-mail the
mail server refuses for a moment (a network error, a 4xx) is tried again with backoff, up to
``EMAIL_MAX_ATTEMPTS``; one it refuses for good (a 5xx, no valid recipient) fails at once.
While a sending task waits in the queue, new e-mails queue none of their own
(``portal/core/coalesce.py``)."""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.core.coalesce import queue_unless_pending, task_started
from portal.core.models import OutgoingEmail

logger = logging.getLogger(__name__)

TASK = "core.send_emails"
Status = OutgoingEmail.Status
# A claim older than this belongs to a worker that stopped while sending.
STALE_CLAIM = timedelta(minutes=5)
STALE_NOTE = "The worker stopped while sending it; not sent again, so nobody gets it twice."


# --- queueing --------------------------------------------------------------------------


def _queue_task(email_id: int | None, countdown: float = 0) -> bool:
    from portal.core.tasks import send_emails

    try:
        send_emails.apply_async((email_id,), countdown=countdown)
    except Exception:  # the broker's errors vary by transport; all mean "not queued now"
        logger.warning("e-mail %s not queued; the sweeper will send it", email_id, exc_info=True)
        return False
    return True


def queue_sending(email_id: int | None = None) -> None:
    """After commit: a task for the due e-mails, unless one is waiting (it takes them)."""
    queue_unless_pending(TASK, lambda: _queue_task(email_id))


# --- sending ---------------------------------------------------------------------------


def _claim(limit: int, *, only: int | None = None) -> list[OutgoingEmail]:
    """Take up to ``limit`` due e-mails for sending, oldest first (or only the one given);
    on PostgreSQL rows another worker holds are skipped, not waited for."""
    now = timezone.now()
    due = OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    if only is not None:
        due = due.filter(pk=only)
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutgoingEmail.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        OutgoingEmail.objects.filter(pk__in=ids, status=Status.SENDING, claimed_at=now).order_by(
            "next_attempt_at", "pk"
        )
    )


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, with jitter, capped at six hours."""
    ceiling = min(6 * 3600.0, settings.EMAIL_BACKOFF_SECONDS * (2 ** max(0, attempts - 1)))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  # jitter, not cryptography


def _lasting(exc: Exception) -> bool:
    """Whether the mail server refused for good (no retry can help)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def send_due(email_id: int | None = None, *, limit: int | None = None) -> dict[str, int]:
    """What the task does: claim a batch of due e-mails, send them over one connection, and
    record each. A full batch queues the next task first, so another worker process sends
    the next batch meanwhile. Returns how many were sent, retried later and failed.

    With eager tasks (the embedded default) the task queued for ``email_id`` sends that one
    only: each e-mail's own commit runs its task, in the request that made it, and a request
    does not send other requests' e-mail."""
    task_started(TASK)  # before the claim: an e-mail committed from now on queues a task
    limit = limit or settings.EMAIL_BATCH_SIZE
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    emails = _claim(limit, only=email_id if eager and email_id is not None else None)
    if len(emails) >= limit and not eager:
        queue_sending()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not emails:
        return counts
    sent: list[int] = []
    unsent = emails[::-1]  # popped from the end: in order
    connection = get_connection()
    try:
        while unsent:
            email = unsent[-1]
            message = EmailMessage(
                subject=email.subject,
                body=email.body,
                to=email.to,
                headers=email.headers or None,
                connection=connection,
            )
            try:
                message.send()
            except SoftTimeLimitExceeded:
                raise
            except Exception as exc:  # one address failing must not cost the others theirs
                _record_failure(email, exc)
                counts["failed" if email.status == Status.FAILED else "retry"] += 1
            else:
                sent.append(email.pk)
            unsent.pop()
    finally:
        # Also when the soft time limit interrupts the batch: what was sent is recorded, the
        # one being sent stays claimed (the sweeper marks it failed: it may have gone out),
        # and those not tried yet are due again.
        if sent:
            OutgoingEmail.objects.filter(pk__in=sent).update(
                status=Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
            )
        if len(unsent) > 1:
            OutgoingEmail.objects.filter(
                pk__in=[email.pk for email in unsent[:-1]], status=Status.SENDING
            ).update(status=Status.PENDING, claimed_at=None, attempts=F("attempts") - 1)
        connection.close()
    counts["sent"] = len(sent)
    return counts


def _record_failure(email: OutgoingEmail, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    if not _lasting(exc) and email.attempts < settings.EMAIL_MAX_ATTEMPTS:
        delay = backoff(email.attempts)
        email.status = Status.PENDING
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=Status.PENDING,
            claimed_at=None,
            next_attempt_at=now + timedelta(seconds=delay),
            last_error=error,
        )
        email_id = email.pk
        transaction.on_commit(lambda: _queue_task(email_id, countdown=delay))
    else:
        email.status = Status.FAILED
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=Status.FAILED, claimed_at=None, last_error=error
        )
    logger.warning("e-mail %s not sent (%s): %s", email.pk, email.status, error)


# --- the sweeper -----------------------------------------------------------------------


def sweep(*, batch: int | None = None) -> int:
    """Every minute (beat): mark stale claims failed, queue tasks for the due e-mails the
    fast path missed (not through the coalescing marker), and delete sent and failed e-mails
    older than ``EMAIL_KEEP_DAYS``, a bounded batch at a time. Returns how many are due."""
    batch = batch or settings.EMAIL_SWEEP_BATCH
    now = timezone.now()
    OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=Status.FAILED, claimed_at=None, last_error=STALE_NOTE
    )
    due = OutgoingEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).count()
    for _ in range(0, min(due, batch), settings.EMAIL_BATCH_SIZE):
        _queue_task(None)
    # E-mails hold personal data: kept as long as staff may need them, then deleted. A
    # failed one counts from when it was written (staff see it failed, and may send it again,
    # until then).
    kept_since = now - timedelta(days=settings.EMAIL_KEEP_DAYS)
    old = OutgoingEmail.objects.filter(
        Q(status=Status.SENT, sent_at__lt=kept_since)
        | Q(status=Status.FAILED, created_at__lt=kept_since)
    ).values_list("pk", flat=True)[:batch]
    OutgoingEmail.objects.filter(pk__in=list(old)).delete()
    return due


def email_send_again(*, email: OutgoingEmail, by: Any) -> bool:
    """Commission staff put a failed e-mail back in line (from the admin); returns whether it
    was (only a failed one is)."""
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_commission_staff)):
        raise PermissionDenied("Only Commission staff can send an e-mail again.")
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if updated:
        email_id = email.pk
        transaction.on_commit(lambda: queue_sending(email_id))
    return bool(updated)
