"""Background work for the forum: the e-mails that tell followers of a new reply."""

from celery import shared_task

from portal.forum.services import NoticeSendError


# Safe to run twice: each follower's e-mail is claimed by a unique row before it is sent, so
# a second run (or a redelivery after acks_late) sends nothing already sent. A notice that
# failed to send is released, and the retry sends it.
@shared_task(
    name="forum.notify_reply",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(NoticeSendError,),
    retry_backoff=60,
    max_retries=5,
)
def notify_reply(post_id: int) -> int:
    """E-mail the followers of a reply's topic (never its author), once each."""
    from portal.forum.services import reply_notices_send

    return reply_notices_send(post_id=post_id)
