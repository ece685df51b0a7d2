"""Background work shared by every app."""

from celery import shared_task
from django.core.mail import send_mail


# Not acks_late: sending is not idempotent, and a mail sent twice after a worker crash
# confuses its reader more than a rare lost one (which the sender can ask again for).
@shared_task(name="core.send_email", ignore_result=True)
def send_email(subject: str, body: str, recipients: list[str]) -> None:
    """Send one plain-text e-mail (rendered by the caller) to the given addresses."""
    send_mail(subject, body, None, recipients)
