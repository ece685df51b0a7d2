"""Background work shared by every app: sending the e-mail outbox."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(
    name="core.send_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def send_emails(email_id: int | None = None) -> dict[str, int]:
    """Send a batch of due e-mails from the outbox (``email_id`` names the one that queued
    the task; the batch takes it with the others). Safe to run twice: each is claimed."""
    from portal.core.mail_sending import send_due

    return send_due(email_id)


@shared_task(name="core.sweep_emails", acks_late=True, time_limit=120, ignore_result=True)
def sweep_emails() -> int:
    """Every minute (beat): send what the fast path missed; see ``mail_sending.sweep``."""
    from portal.core.mail_sending import sweep

    return sweep()


# Before the outbox, each e-mail was a task of its own. Kept so that messages queued by an
# older release still go out after an upgrade; nothing queues it any more.
@shared_task(name="core.send_email", ignore_result=True)
def send_email(subject: str, body: str, recipients: list[str]) -> None:
    """Send one plain-text e-mail (rendered by the caller) to the given addresses."""
    send_mail(subject, body, None, recipients)
