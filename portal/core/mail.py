"""E-mail through the outbox: written with the change it tells of, sent by a worker after
commit. No mail tells of a rolled-back change, and none is lost while the broker is down:
the sweeper sends what the fast path missed (``portal/core/mail_sending.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal.core.models import OutgoingEmail


def queue_email(
    *,
    to: list[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> OutgoingEmail:
    """Render ``template`` now (it may read rows) and put the e-mail in the outbox."""
    body = render_to_string(template, {"site_url": settings.PORTAL_BASE_URL, **context})
    return email_enqueue(to=to, subject=subject, body=body, headers=headers)


def email_enqueue(
    *, to: list[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> OutgoingEmail:
    """Put a rendered plain-text e-mail in the outbox, in the current transaction; a task
    sends it after commit."""
    from portal.core.mail_sending import queue_sending

    email = OutgoingEmail.objects.create(
        to=list(to),
        subject=" ".join(str(subject).split()),
        body=body,
        headers=headers or {},
        next_attempt_at=timezone.now(),
    )
    email_id = email.pk
    # robust: a callback that fails (it should not: queueing logs broker errors) must not
    # fail the committed change; the sweeper sends the e-mail then.
    transaction.on_commit(lambda: queue_sending(email_id), robust=True)
    return email
