"""Background work for the forum: the e-mails that tell followers of a new reply."""

from celery import shared_task


# Safe to run twice: each follower's e-mail is claimed by a unique row, committed with the
# e-mail in the outbox, so a second run (or a redelivery after acks_late) queues nothing
# already queued. Sending, and retrying a refused e-mail, is the outbox's work.
@shared_task(name="forum.notify_reply", acks_late=True, ignore_result=True)
def notify_reply(post_id: int) -> int:
    """E-mail the followers of a reply's topic (never its author), once each."""
    from portal.forum.services import reply_notices_send

    return reply_notices_send(post_id=post_id)
