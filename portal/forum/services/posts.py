"""Writing in the forum: opening topics, replying, editing, following and flagging.

Refusals are Django's ``PermissionDenied`` (not this person) and ``ValidationError`` (not
this input, or not now: a locked topic, the flood limit, an edit window that has passed).
Locks are taken in one order (topic, then post, then the author's account) so two requests
never wait on each other in a circle.
"""

from __future__ import annotations

import html
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import User
from portal.core.markdown import markdown_to_text
from portal.forum.models import (
    BODY_MAX_LENGTH,
    EDIT_WINDOW,
    TITLE_MAX_LENGTH,
    Flag,
    FlagReason,
    Follow,
    Post,
    Topic,
    TopicCategory,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser

# At most this many posts (topics and replies together) per person within FLOOD_WINDOW.
FLOOD_LIMIT = 5
FLOOD_WINDOW = timedelta(minutes=1)
REASON_MAX_LENGTH = 500
UNFOLLOW_SALT = "portal.forum.unfollow"


def plain_text(body: str) -> str:
    """A Markdown body as plain text, for e-mails and list previews (unescaped: the
    template or the e-mail decides how to escape it)."""
    return " ".join(html.unescape(markdown_to_text(body)).split())


def can_post(user: AnyUser) -> bool:
    """Any active, logged-in account may write in the forum, whatever its role: the forum is
    for discussion, and an unverified authority has as much to ask as anyone."""
    return bool(user.is_authenticated and user.is_active)


def _require_poster(by: AnyUser) -> None:
    if not can_post(by):
        raise PermissionDenied(_("Log in to write in the forum."))


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": [_("Give the topic a title.")]})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": [
                    _("Keep the title to %(max)d characters (it has %(n)d).")
                    % {"max": TITLE_MAX_LENGTH, "n": len(title)}
                ]
            }
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _("Keep the message to %(max)d characters (it has %(n)d).")
                    % {"max": BODY_MAX_LENGTH, "n": len(body)}
                ]
            }
        )
    return body


def _clean_category(category: str) -> str:
    if category not in TopicCategory.values:
        raise ValidationError({"category": [_("Choose one of the forum's categories.")]})
    return category


def flood_wait(*, user: User, now: datetime | None = None) -> datetime | None:
    """When this person may post again, or None if they may post now."""
    now = now or timezone.now()
    recent = list(
        Post.objects.filter(author=user, created_at__gt=now - FLOOD_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:FLOOD_LIMIT]
    )
    if len(recent) < FLOOD_LIMIT:
        return None
    # The oldest of the last FLOOD_LIMIT posts leaves the window first.
    return recent[-1] + FLOOD_WINDOW


def _check_flood(by: User, now: datetime) -> None:
    """Refuse a post beyond the flood limit, saying when the author may post again.

    Counted in the database, so it holds across processes; the author's row is locked so
    two requests of theirs cannot both count four and both write the fifth and sixth."""
    User.objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True).first()
    again = flood_wait(user=by, now=now)
    if again is None:
        return
    seconds = max(1, math.ceil((again - now).total_seconds()))
    raise ValidationError(
        ngettext(
            "You have written %(limit)d posts in the last minute, the most the forum takes. "
            "You may post again at %(time)s (in %(seconds)d second).",
            "You have written %(limit)d posts in the last minute, the most the forum takes. "
            "You may post again at %(time)s (in %(seconds)d seconds).",
            seconds,
        )
        % {
            "limit": FLOOD_LIMIT,
            "time": formats.time_format(timezone.localtime(again), "H:i:s"),
            "seconds": seconds,
        },
        code="flood",
    )


def _lock_visible_topic(topic: Topic, by: AnyUser) -> Topic:
    """The topic, locked for this transaction, if this person may see it."""
    locked = Topic.objects.select_for_update().filter(pk=topic.pk).first()
    if locked is None or not Topic.objects.visible_to(by).filter(pk=topic.pk).exists():
        raise PermissionDenied(_("This topic is not available."))
    return locked


def _follow(topic: Topic, user: User) -> None:
    # ignore_conflicts: following twice is following.
    Follow.objects.bulk_create([Follow(topic=topic, user=user)], ignore_conflicts=True)


def topic_refresh(*, topic: Topic) -> Topic:
    """Recount a topic's replies and latest activity from its visible posts (the public's
    view): after hiding or restoring a post, and for the demo data's back-dated posts."""
    visible = Post.objects.filter(topic_id=topic.pk, hidden=False)
    topic.reply_count = visible.exclude(pk=topic.opening_post_id or 0).count()
    last = visible.order_by("-created_at", "-pk").first()
    topic.last_post = last
    topic.last_post_at = last.created_at if last else topic.created_at
    topic.save(update_fields=["reply_count", "last_post", "last_post_at", "updated_at"])
    return topic


# --- writing --------------------------------------------------------------------------------


@transaction.atomic
def topic_open(*, by: User, category: str, title: str, body: str) -> Topic:
    """Start a discussion: the topic and its opening post. The author follows it, so they
    hear of the replies."""
    _require_poster(by)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, clean, value in (
        ("category", _clean_category, category),
        ("title", _clean_title, title),
        ("body", _clean_body, body),
    ):
        try:
            cleaned[name] = clean(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _check_flood(by, now)
    topic = Topic.objects.create(
        title=cleaned["title"], category=cleaned["category"], author=by, last_post_at=now
    )
    post = Post.objects.create(topic=topic, author=by, body=cleaned["body"], created_at=now)
    topic.opening_post = post
    topic.last_post = post
    topic.save(update_fields=["opening_post", "last_post", "updated_at"])
    _follow(topic, by)
    return topic


@transaction.atomic
def post_reply(*, topic: Topic, by: User, body: str) -> Post:
    """Answer in a topic. Refused in a locked topic and beyond the flood limit. The author
    follows the topic from now on; the other followers get an e-mail once this commits."""
    _require_poster(by)
    body = _clean_body(body)
    topic = _lock_visible_topic(topic, by)
    if topic.locked:
        raise ValidationError(
            _("This topic is locked by the moderators: it takes no new replies."), code="locked"
        )
    now = timezone.now()
    _check_flood(by, now)
    post = Post.objects.create(topic=topic, author=by, body=body, created_at=now)
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=F("reply_count") + 1, last_post_at=now, last_post=post, updated_at=now
    )
    _follow(topic, by)
    post_id = post.pk

    def queue() -> None:
        from portal.forum.tasks import notify_reply

        notify_reply.delay(post_id)

    transaction.on_commit(queue, robust=True)
    return post


def edit_refusal(
    *, post: Post, by: AnyUser, now: datetime | None = None
) -> PermissionDenied | ValidationError | None:
    """Why this person may not edit this post now (the exception ``post_edit`` raises), or
    None if they may. Reads ``post.topic``; no query."""
    if not can_post(by) or post.author_id != by.pk:
        return PermissionDenied(_("You can edit only your own posts."))
    if post.hidden:
        return ValidationError(
            _("This post is hidden by the moderators: it cannot be edited."), code="hidden"
        )
    if post.topic.locked:
        return ValidationError(
            _("This topic is locked: its posts can no longer be edited."), code="locked"
        )
    if (now or timezone.now()) > post.created_at + EDIT_WINDOW:
        return ValidationError(
            _(
                "A post can be edited for %(minutes)d minutes after it is written; "
                "the time for this one has passed."
            )
            % {"minutes": int(EDIT_WINDOW.total_seconds() // 60)},
            code="edit_window",
        )
    return None


@transaction.atomic
def post_edit(*, post: Post, by: User, body: str, title: str | None = None) -> Post:
    """The author corrects their post within EDIT_WINDOW of writing it (and the topic's
    title, with the opening post). Not once the post is hidden or the topic locked; staff
    do not edit other people's words, they hide them."""
    _require_poster(by)
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.topic = topic
    now = timezone.now()
    refusal = edit_refusal(post=post, by=by, now=now)
    if refusal is not None:
        raise refusal
    errors: dict[str, list[str]] = {}
    new_title = None
    if title is not None:
        if post.pk != topic.opening_post_id:
            errors["title"] = [_("Only the opening post carries the topic's title.")]
        else:
            try:
                new_title = _clean_title(title)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    try:
        body = _clean_body(body)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    post.body = body
    post.edited_at = now
    post.save(update_fields=["body", "edited_at"])
    if new_title is not None and new_title != topic.title:
        topic.title = new_title
        topic.save(update_fields=["title", "updated_at"])
    return post


@transaction.atomic
def topic_follow(*, topic: Topic, by: User) -> None:
    """Get an e-mail when someone else replies in this topic."""
    _require_poster(by)
    if not Topic.objects.visible_to(by).filter(pk=topic.pk).exists():
        raise PermissionDenied(_("This topic is not available."))
    _follow(topic, by)


@transaction.atomic
def topic_unfollow(*, topic: Topic, by: User) -> bool:
    """Stop the e-mails about this topic. True if the person was following it."""
    deleted, _rows = Follow.objects.filter(topic_id=topic.pk, user_id=by.pk).delete()
    return bool(deleted)


def unfollow_token(*, topic: Topic, user: User) -> str:
    """The signed token of an e-mail's one-click "unfollow" link (it proves the address)."""
    return signing.dumps([topic.pk, user.pk], salt=UNFOLLOW_SALT, compress=True)


def unfollow_token_read(token: str) -> tuple[int, int] | None:
    """``(topic id, user id)`` from an unfollow link's token, or None if it is not ours."""
    try:
        topic_id, user_id = signing.loads(token, salt=UNFOLLOW_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(topic_id, int) or not isinstance(user_id, int):
        return None
    return topic_id, user_id


@transaction.atomic
def post_flag(*, post: Post, by: User, reason: str, note: str = "") -> Flag:
    """Tell the moderators a post breaks the rules. One open flag per person per post."""
    _require_poster(by)
    if not Post.objects.visible_to(by).filter(pk=post.pk).exists():
        raise PermissionDenied(_("This post is not available."))
    if post.author_id == by.pk:
        raise ValidationError(_("You cannot flag your own post."))
    if reason not in FlagReason.values:
        raise ValidationError({"reason": [_("Choose why you flag this post.")]})
    note = " ".join((note or "").split())
    if len(note) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"note": [_("Keep it to %(max)d characters.") % {"max": REASON_MAX_LENGTH}]}
        )
    already = _("You have already flagged this post; the moderators will look at it.")
    if Flag.objects.open().filter(post_id=post.pk, by=by).exists():
        raise ValidationError(already, code="duplicate")
    try:
        with transaction.atomic():
            return Flag.objects.create(post=post, by=by, reason=reason, note=note)
    except IntegrityError:  # the same person, twice at once: the constraint keeps one
        raise ValidationError(already, code="duplicate") from None
