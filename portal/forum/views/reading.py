"""Reading the forum: the index, topic lists, a topic with its posts, post permalinks.

Anyone reads. Reads go through ``portal.forum.selectors``: a topic or post the person may not
see is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from portal.accounts.permissions import is_commission_staff
from portal.forum import selectors, services
from portal.forum.filters import TopicFilter
from portal.forum.forms import HideForm, ReplyForm
from portal.forum.models import (
    CATEGORY_DESCRIPTIONS,
    EDIT_WINDOW,
    FlagReason,
    Post,
    Topic,
    TopicCategory,
)
from portal.forum.views.common import post_location

TOPICS_PER_PAGE = 20
LATEST_ON_INDEX = 5


class ForumIndexView(TemplateView):
    """The categories with their topic counts and latest activity."""

    template_name = "forum/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["categories"] = selectors.category_overview(user=user)
        context["latest_topics"] = selectors.latest_topics(limit=LATEST_ON_INDEX, user=user)
        context["can_post"] = services.can_post(user)
        context["is_moderator"] = is_commission_staff(user)
        if context["is_moderator"]:
            context["open_flags"] = selectors.open_flag_count()
        context["search_form"] = TopicFilter(data=None, user=user).form
        return context


class TopicListView(ListView):
    """One category's topics (or all of them), pinned first, then the latest activity;
    searchable."""

    template_name = "forum/topic_list.html"
    context_object_name = "topics"
    paginate_by = TOPICS_PER_PAGE
    filterset: TopicFilter
    category: str | None = None

    def get_queryset(self) -> QuerySet[Topic]:
        category = self.kwargs.get("category")
        if category is not None and category not in TopicCategory.values:
            raise Http404
        self.category = category
        data = self.request.GET.copy()
        data.pop("page", None)
        self.filterset = selectors.topic_filterset(
            data=data, user=self.request.user, category=category
        )
        return selectors.topic_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            category=self.category,
            category_label=TopicCategory(self.category).label if self.category else None,
            category_description=(
                CATEGORY_DESCRIPTIONS[TopicCategory(self.category)] if self.category else None
            ),
            filter_form=self.filterset.form,
            page_query=query.urlencode(),
            searched=bool(self.request.GET.get("q", "").strip()),
            result_count=context["paginator"].count,
            can_post=services.can_post(self.request.user),
        )
        return context


@dataclass(frozen=True)
class PostItem:
    """A post on a topic's page, and what the person looking may do with it."""

    post: Post
    is_opening: bool
    is_author: bool
    can_edit: bool
    can_flag: bool  # someone else's visible post, for a logged-in person
    flagged: bool  # they flagged it already
    is_moderator: bool

    @property
    def has_actions(self) -> bool:
        return self.can_edit or self.can_flag or self.is_moderator


def render_topic(
    request: HttpRequest,
    topic: Topic,
    *,
    page: Any = None,
    reply_form: ReplyForm | None = None,
) -> HttpResponse:
    """A topic's page: its posts (paginated), and what this person may do with each."""
    user = request.user
    paginator = Paginator(selectors.topic_posts(topic=topic, user=user), selectors.POSTS_PER_PAGE)
    if page == "last":
        page = paginator.num_pages
    page_obj = paginator.get_page(page)
    posts = list(page_obj.object_list)
    flagged = selectors.flagged_by(posts=posts, user=user)
    now = timezone.now()
    is_moderator = is_commission_staff(user)
    items = []
    for post in posts:
        post.topic = topic  # loaded already: no query per post
        is_author = bool(user.is_authenticated and post.author_id == user.pk)
        items.append(
            PostItem(
                post=post,
                is_opening=post.pk == topic.opening_post_id,
                is_author=is_author,
                can_edit=services.edit_refusal(post=post, by=user, now=now) is None,
                # Moderators hide what breaks the rules; they need not flag it.
                can_flag=user.is_authenticated and not (is_author or post.hidden or is_moderator),
                flagged=post.pk in flagged,
                is_moderator=is_moderator,
            )
        )
    can_post = services.can_post(user)
    if reply_form is None and can_post and not topic.locked:
        reply_form = ReplyForm()
    context = {
        "topic": topic,
        "category_label": TopicCategory(topic.category).label,
        "items": items,
        "page_obj": page_obj,
        "paginator": paginator,
        "is_paginated": page_obj.has_other_pages(),
        "can_post": can_post,
        "reply_form": reply_form,
        "is_following": selectors.is_following(topic=topic, user=user),
        "is_moderator": is_moderator,
        "flag_reasons": FlagReason.choices,
        "hide_form": HideForm(),
        "edit_minutes": int(EDIT_WINDOW.total_seconds() // 60),
        "login_url": f"{reverse('accounts:login')}?next={topic.get_absolute_url()}",
    }
    return render(request, "forum/topic_detail.html", context)


class TopicDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        topic = selectors.topic_get(pk=pk, user=request.user)
        return render_topic(request, topic, page=request.GET.get("page"))


class PostPermalinkView(View):
    """A post's lasting address (e-mails link here): the topic page that shows it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = selectors.post_get(pk=pk, user=request.user)
        return redirect(post_location(post, request.user))
