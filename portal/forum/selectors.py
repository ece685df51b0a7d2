"""Reads of the forum. Each selector owns its joins, so a page's query count does not grow
with the number of topics or posts; every read goes through ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404

from portal.forum.filters import TopicFilter
from portal.forum.models import (
    CATEGORY_DESCRIPTIONS,
    Flag,
    Follow,
    Post,
    Topic,
    TopicCategory,
)

if TYPE_CHECKING:
    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

POSTS_PER_PAGE = 20
TOPIC_LIST_RELATED = (
    "author__organisation",
    "opening_post",
    "last_post__author",
)
POST_RELATED = ("author__organisation", "hidden_by")


@dataclass(frozen=True)
class CategorySummary:
    value: str
    label: str
    description: str
    topic_count: int
    reply_count: int
    latest_activity: datetime | None
    latest_topic: Topic | None


def category_overview(*, user: AnyUser) -> list[CategorySummary]:
    """Every category, in the forum's order, with how many topics and replies this person
    can see, and the topic with the latest activity. Two queries."""
    visible = Topic.objects.visible_to(user).order_by()
    counts: dict[str, dict[str, Any]] = {
        row["category"]: dict(row)
        for row in visible.values("category").annotate(
            topics=Count("pk"), replies=Sum("reply_count"), latest=Max("last_post_at")
        )
    }
    latest = {
        topic.category: topic
        for topic in visible.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("category")],
                order_by=[F("last_post_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .select_related("last_post__author")
    }
    return [
        CategorySummary(
            value=str(value),
            label=str(label),
            description=str(CATEGORY_DESCRIPTIONS[TopicCategory(value)]),
            topic_count=counts.get(value, {}).get("topics", 0),
            reply_count=counts.get(value, {}).get("replies") or 0,
            latest_activity=counts.get(value, {}).get("latest"),
            latest_topic=latest.get(value),
        )
        for value, label in TopicCategory.choices
    ]


def topic_filterset(*, data: Any, user: AnyUser, category: str | None = None) -> TopicFilter:
    """The topics this person may see, filtered; within one category when it is given (the
    category's own page, which has no category filter)."""
    queryset = Topic.objects.visible_to(user)
    if category is not None:
        queryset = queryset.filter(category=category)
    filterset = TopicFilter(data=data, queryset=queryset, user=user)
    if category is not None:
        filterset.filters.pop("category")
    return filterset


def topic_list(*, filterset: TopicFilter) -> QuerySet[Topic]:
    """Topics matching the filters: pinned first, then the latest activity."""
    return filterset.qs.select_related(*TOPIC_LIST_RELATED).order_by(
        "-pinned", "-last_post_at", "-pk"
    )


def latest_topics(*, limit: int, user: AnyUser | None = None) -> list[Topic]:
    """The topics with the latest activity, for the home page (the public's view unless a
    user is given). One query."""
    viewer = user if user is not None else AnonymousUser()
    return list(
        Topic.objects.visible_to(viewer)
        .select_related(*TOPIC_LIST_RELATED)
        .order_by("-last_post_at", "-pk")[:limit]
    )


def topic_get(*, pk: int, user: AnyUser) -> Topic:
    """A topic this person may see; 404 otherwise."""
    try:
        return (
            Topic.objects.visible_to(user)
            .select_related("author__organisation", "opening_post", "locked_by")
            .get(pk=pk)
        )
    except Topic.DoesNotExist:
        raise Http404 from None


def topic_posts(*, topic: Topic, user: AnyUser) -> QuerySet[Post]:
    """A topic's posts this person may see, in order; staff also see each post's number of
    open flags."""
    posts = Post.objects.visible_to(user).filter(topic=topic).select_related(*POST_RELATED)
    if user.is_authenticated and user.is_commission_staff:
        posts = posts.annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
    return posts.order_by("created_at", "pk")


def post_get(*, pk: int, user: AnyUser) -> Post:
    """A post this person may see, with its topic; 404 otherwise."""
    try:
        return (
            Post.objects.visible_to(user).select_related("topic", "author__organisation").get(pk=pk)
        )
    except Post.DoesNotExist:
        raise Http404 from None


def post_page_number(*, post: Post, user: AnyUser, per_page: int = POSTS_PER_PAGE) -> int:
    """The page of its topic on which this person finds the post."""
    before = (
        Post.objects.visible_to(user)
        .filter(topic_id=post.topic_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return before // per_page + 1


def is_following(*, topic: Topic, user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(topic=topic, user=user).exists()


def flagged_by(*, posts: list[Post], user: AnyUser) -> set[int]:
    """Which of these posts this person has an open flag on (one query)."""
    if not user.is_authenticated or not posts:
        return set()
    return set(
        Flag.objects.open()
        .filter(by=user, post_id__in=[post.pk for post in posts])
        .values_list("post_id", flat=True)
    )


def open_flag_count() -> int:
    """How many posts wait for the moderators."""
    return Post.objects.filter(Exists(Flag.objects.open().filter(post=OuterRef("pk")))).count()


def moderation_queue() -> QuerySet[Post]:
    """Posts with open flags, the longest-waiting first, each with its open flags."""
    open_flags = Flag.objects.open().select_related("by__organisation").order_by("created_at")
    return (
        Post.objects.filter(Exists(Flag.objects.open().filter(post=OuterRef("pk"))))
        .annotate(
            first_flagged=Min("flags__created_at", filter=Q(flags__resolved_at__isnull=True)),
            open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)),
        )
        .select_related("topic", "author__organisation")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flag_list"))
        .order_by("first_flagged", "pk")
    )


def recently_hidden(*, limit: int = 20) -> list[Post]:
    """The posts hidden last, for the moderators to review or restore."""
    return list(
        Post.objects.filter(hidden=True)
        .select_related("topic", "author", "hidden_by")
        .order_by("-hidden_at", "-pk")[:limit]
    )
