"""Queue e-mail once the current transaction commits, so no mail tells of a rolled-back change."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from portal.core.tasks import send_email


def queue_email(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` now (it may read rows) and send it from a worker after commit."""
    body = render_to_string(template, {"site_url": settings.PORTAL_BASE_URL, **context})
    subject = " ".join(subject.split())
    # robust: with the broker down the change is committed all the same; the mail is lost
    # (logged), the request does not fail.
    transaction.on_commit(lambda: send_email.delay(subject, body, to), robust=True)
