"""Forum records for tests, made through the same services people use."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from portal.accounts.models import User
from portal.forum import services
from portal.forum.models import Post, Topic, TopicCategory

_numbers = itertools.count(1)


def age(post: Post, *, minutes: int) -> Post:
    """Date a post back, as if written ``minutes`` ago (out of the flood window too)."""
    when = timezone.now() - timedelta(minutes=minutes)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    post.created_at = when
    return post


def make_topic(
    *,
    by: User,
    title: str | None = None,
    category: str = TopicCategory.I_NEED_HELP,
    body: str = "We are looking for producers of meltblown nonwoven.",
    aged: bool = True,
) -> Topic:
    """A topic with its opening post; ``aged`` dates the post back an hour, so tests can
    make many without meeting the flood limit."""
    topic = services.topic_open(
        by=by, category=category, title=title or f"Topic {next(_numbers)}", body=body
    )
    if aged:
        assert topic.opening_post is not None
        age(topic.opening_post, minutes=60)
        topic.opening_post.refresh_from_db()
    return topic


def make_reply(*, topic: Topic, by: User, body: str = "We can help.", aged: bool = True) -> Post:
    post = services.post_reply(topic=topic, by=by, body=body)
    if aged:
        age(post, minutes=59)
    return post
