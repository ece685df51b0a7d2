"""The e-mails that tell a topic's followers of a new reply, each sent once."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.mail import queue_email
from portal.forum.models import Follow, Post, ReplyNotice
from portal.forum.services.posts import plain_text, unfollow_token

logger = logging.getLogger(__name__)


def _queue_reply_email(notice: ReplyNotice, post: Post) -> None:
    topic = post.topic
    base = settings.PORTAL_BASE_URL
    unfollow_url = base + reverse(
        "forum:unfollow_link", kwargs={"token": unfollow_token(topic=topic, user=notice.user)}
    )
    excerpt = plain_text(post.body)
    if len(excerpt) > 600:
        excerpt = excerpt[:600].rsplit(" ", 1)[0] + " …"
    queue_email(
        to=[notice.user.email],
        subject=_("New reply in “%(title)s”") % {"title": topic.title},
        template="forum/email/reply.txt",
        context={
            "post": post,
            "topic": topic,
            "author_name": post.author.full_name or _("A portal member"),
            "excerpt": excerpt,
            "post_url": base + post.get_absolute_url(),
            "topic_url": base + topic.get_absolute_url(),
            "unfollow_url": unfollow_url,
        },
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            "List-Unsubscribe": f"<{unfollow_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def reply_notices_send(*, post_id: int) -> int:
    """E-mail every follower of the reply's topic except its author, once per follower.

    Each follower's notice is claimed by inserting its row: the unique (post, follower) pair
    lets only one run — a second run, a second worker — insert it, and each run puts in the
    outbox (``portal/core/mail.py``) the e-mails of the rows it inserted, in the same
    transaction: the claims and the e-mails are committed together or not at all. Nothing
    goes out for a hidden reply or a reply in a hidden topic. Returns how many e-mails this
    run queued."""
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
    with transaction.atomic():
        ReplyNotice.objects.bulk_create(
            [ReplyNotice(post_id=post.pk, user_id=user_id, claim=claim) for user_id in followers],
            ignore_conflicts=True,
        )
        mine = list(
            ReplyNotice.objects.filter(post_id=post.pk, claim=claim, sent_at__isnull=True)
            .select_related("user")
            .order_by("pk")
        )
        for notice in mine:
            _queue_reply_email(notice, post)
        ReplyNotice.objects.filter(pk__in=[notice.pk for notice in mine]).update(
            sent_at=timezone.now()
        )
    return len(mine)
