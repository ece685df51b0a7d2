"""The e-mails that tell a topic's followers of a new reply, each sent once."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.forum.models import Follow, Post, ReplyNotice
from portal.forum.services.posts import plain_text, unfollow_token

logger = logging.getLogger(__name__)


class NoticeSendError(Exception):
    """Some reply e-mails could not be sent; their claims are released for a retry."""


def _reply_email(notice: ReplyNotice, post: Post) -> EmailMessage:
    topic = post.topic
    base = settings.PORTAL_BASE_URL
    unfollow_url = base + reverse(
        "forum:unfollow_link", kwargs={"token": unfollow_token(topic=topic, user=notice.user)}
    )
    excerpt = plain_text(post.body)
    if len(excerpt) > 600:
        excerpt = excerpt[:600].rsplit(" ", 1)[0] + " …"
    body = render_to_string(
        "forum/email/reply.txt",
        {
            "post": post,
            "topic": topic,
            "author_name": post.author.full_name or _("A portal member"),
            "excerpt": excerpt,
            "post_url": base + post.get_absolute_url(),
            "topic_url": base + topic.get_absolute_url(),
            "unfollow_url": unfollow_url,
            "site_url": base,
        },
    )
    subject = " ".join((_("New reply in “%(title)s”") % {"title": topic.title}).split())
    return EmailMessage(
        subject=subject,
        body=body,
        to=[notice.user.email],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            "List-Unsubscribe": f"<{unfollow_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def reply_notices_send(*, post_id: int) -> int:
    """E-mail every follower of the reply's topic except its author, once per follower.

    Runs outside any transaction (sending is slow I/O). Each follower's notice is claimed by
    inserting its row first: the unique (post, follower) pair lets only one run — a second
    run, a second worker — insert it, and each run sends only the rows it inserted. A notice
    whose sending fails is released for the task's retry. Nothing goes out for a hidden reply
    or a reply in a hidden topic. Returns how many e-mails this run sent."""
    post = Post.objects.select_related("topic__opening_post", "author").filter(pk=post_id).first()
    if post is None or post.hidden:
        return 0
    opening = post.topic.opening_post
    if opening is None or opening.hidden or opening.pk == post.pk:
        return 0
    followers = list(
        Follow.objects.filter(topic_id=post.topic_id, user__is_active=True)
        .exclude(user_id=post.author_id)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    if not followers:
        return 0
    claim = uuid.uuid4()
    ReplyNotice.objects.bulk_create(
        [ReplyNotice(post_id=post.pk, user_id=user_id, claim=claim) for user_id in followers],
        ignore_conflicts=True,
    )
    mine = list(
        ReplyNotice.objects.filter(post_id=post.pk, claim=claim, sent_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    sent: list[int] = []
    failed: list[int] = []
    connection = get_connection()
    for notice in mine:
        message = _reply_email(notice, post)
        message.connection = connection
        try:
            message.send()
        except Exception:  # one address failing must not cost the others their e-mail
            logger.exception("Reply notice %s could not be sent", notice.pk)
            failed.append(notice.pk)
        else:
            sent.append(notice.pk)
    if sent:
        ReplyNotice.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    if failed:
        ReplyNotice.objects.filter(pk__in=failed).delete()
        raise NoticeSendError(f"{len(failed)} reply notice(s) for post {post.pk} failed")
    return len(sent)
