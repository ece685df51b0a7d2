"""Background work for funding: the deadline reminders (hourly, from beat)."""

from celery import shared_task


@shared_task(name="funding.send_deadline_reminders", acks_late=True, ignore_result=True)
def send_deadline_reminders() -> int:
    """E-mail each reminder that is due, once. Safe to run twice, or twice at once: each
    reminder is claimed by a conditional update before its e-mail is queued."""
    from funding.services import call_reminders_send_due

    return call_reminders_send_due()
