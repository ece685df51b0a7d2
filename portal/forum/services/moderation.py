"""Moderating the forum: Commission staff (and superusers) hide and restore posts, close
flags, lock and pin topics. Everyone else is refused with ``PermissionDenied``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.permissions import is_commission_staff
from portal.forum.models import Flag, FlagOutcome, Post, Topic
from portal.forum.services.posts import REASON_MAX_LENGTH, topic_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser


def _require_moderator(by: AnyUser) -> None:
    if not is_commission_staff(by):
        raise PermissionDenied(_("Only Commission staff moderate the forum."))


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError(
            {"reason": [_("Say why: other moderators see the reason with the post.")]}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [_("Keep it to %(max)d characters.") % {"max": REASON_MAX_LENGTH}]}
        )
    return reason


@transaction.atomic
def post_hide(*, post: Post, by: User, reason: str) -> Post:
    """Take a post out of the forum for everyone but staff, saying why. Hiding a topic's
    opening post hides the whole topic. Open flags on the post are resolved."""
    _require_moderator(by)
    reason = _clean_reason(reason, required=True)
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    now = timezone.now()
    if not post.hidden:
        post.hidden = True
        post.hidden_at = now
        post.hidden_by = by
        post.hidden_reason = reason
        post.save(update_fields=["hidden", "hidden_at", "hidden_by", "hidden_reason"])
        topic_refresh(topic=topic)
    Flag.objects.open().filter(post=post).update(
        resolved_at=now, resolved_by=by, outcome=FlagOutcome.HIDDEN
    )
    return post


@transaction.atomic
def post_restore(*, post: Post, by: User) -> Post:
    """Bring a hidden post back for everyone."""
    _require_moderator(by)
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.hidden:
        post.hidden = False
        post.hidden_at = None
        post.hidden_by = None
        post.hidden_reason = ""
        post.save(update_fields=["hidden", "hidden_at", "hidden_by", "hidden_reason"])
        topic_refresh(topic=topic)
    return post


@transaction.atomic
def flag_resolve(*, post: Post, by: User) -> int:
    """The moderators looked at a flagged post and keep it: its open flags are closed.
    (Hiding the post closes them too, with that outcome.) Returns how many were open."""
    _require_moderator(by)
    return (
        Flag.objects.open()
        .filter(post_id=post.pk)
        .update(resolved_at=timezone.now(), resolved_by=by, outcome=FlagOutcome.DISMISSED)
    )


@transaction.atomic
def topic_lock(*, topic: Topic, by: User) -> Topic:
    """Close a topic to replies (and to edits); it stays readable."""
    _require_moderator(by)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.locked:
        topic.locked, topic.locked_at, topic.locked_by = True, timezone.now(), by
        topic.save(update_fields=["locked", "locked_at", "locked_by", "updated_at"])
    return topic


@transaction.atomic
def topic_unlock(*, topic: Topic, by: User) -> Topic:
    _require_moderator(by)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.locked:
        topic.locked, topic.locked_at, topic.locked_by = False, None, None
        topic.save(update_fields=["locked", "locked_at", "locked_by", "updated_at"])
    return topic


@transaction.atomic
def topic_pin(*, topic: Topic, by: User) -> Topic:
    """Keep a topic at the top of its category."""
    _require_moderator(by)
    Topic.objects.filter(pk=topic.pk).update(pinned=True, updated_at=timezone.now())
    topic.pinned = True
    return topic


@transaction.atomic
def topic_unpin(*, topic: Topic, by: User) -> Topic:
    _require_moderator(by)
    Topic.objects.filter(pk=topic.pk).update(pinned=False, updated_at=timezone.now())
    topic.pinned = False
    return topic
