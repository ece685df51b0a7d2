"""Filters for the forum's topic lists (pages and API): search words and a category."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.forum.models import Post, Topic, TopicCategory

if TYPE_CHECKING:
    from portal.accounts.models import User

SEARCH_MAX_LENGTH = 200


class TopicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search the topics"),
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in a topic's title or in its posts."),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=TopicCategory.choices, empty_label=_("All categories")
    )

    class Meta:
        model = Topic
        fields = ["q", "category"]

    def __init__(self, *args: Any, user: User | AnonymousUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else AnonymousUser()

    def filter_text(self, queryset: QuerySet[Topic], name: str, value: str) -> QuerySet[Topic]:
        """Every word, in the title or in a post this person may see: a hidden post's words
        find nothing for the public."""
        for word in value.split()[:10]:
            in_posts = Post.objects.visible_to(self.user).filter(
                topic=OuterRef("pk"), body__icontains=word
            )
            queryset = queryset.filter(Q(title__icontains=word) | Exists(in_posts))
        return queryset
