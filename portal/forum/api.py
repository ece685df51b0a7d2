"""The forum API under ``/api/v1/forum/``: read-only, public.

- ``GET forum/topics/``: the topics the caller may see, pinned first then the latest
  activity, 50 a page; ``?category=`` (one of the forum's categories, else 400) and ``?q=``
  (words in the title or in a visible post).
- ``GET forum/topics/<id>/``: one topic with its posts. A hidden post is absent, and a topic
  whose opening post is hidden is a 404, for everyone but Commission staff.

Posts carry their Markdown source and ``body_html``, rendered and cleaned by the portal's
allow-list. Writing happens on the pages; the API has no write methods (405).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import URLPattern, path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from portal.core.api_errors import valid_filterset
from portal.core.markdown import render_markdown
from portal.forum import selectors
from portal.forum.filters import TopicFilter
from portal.forum.models import Post, Topic, TopicCategory


class TopicPagination(PageNumberPagination):
    page_size = 50


class SelectorFilterDocs(DjangoFilterBackend):
    """Documents ``filterset_class`` in the schema; the selectors do the filtering."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset


@extend_schema_field(
    {"type": "string", "enum": TopicCategory.values}, component_name="ForumCategory"
)
class CategoryField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TopicCategory.choices, **kwargs)


class AuthorSerializer(serializers.Serializer):
    """Who wrote it: their name and organisation (never their e-mail address)."""

    name = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True)

    def get_name(self, user: Any) -> str:
        return str(user.full_name or "")

    def get_organisation(self, user: Any) -> str | None:
        return user.organisation.name if user.organisation_id else None


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    url = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    is_opening = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id", "url", "author", "created_at", "edited_at", "is_opening", "body",
            "body_html", "hidden",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, post: Post) -> str:
        return self.context["request"].build_absolute_uri(post.get_absolute_url())

    def get_body_html(self, post: Post) -> str:
        return str(render_markdown(post.body))

    def get_is_opening(self, post: Post) -> bool:
        return bool(post.pk == self.context.get("opening_post_id"))


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:forum-topic-detail")
    page_url = serializers.SerializerMethodField()
    category = CategoryField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    author = AuthorSerializer(read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id", "url", "page_url", "title", "category", "category_label", "author",
            "locked", "pinned", "reply_count", "created_at", "last_post_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, topic: Topic) -> str:
        return self.context["request"].build_absolute_uri(topic.get_absolute_url())


class TopicDetailSerializer(TopicSerializer):
    posts = serializers.SerializerMethodField()

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "posts"]
        read_only_fields = fields

    @extend_schema_field(PostSerializer(many=True))
    def get_posts(self, topic: Topic) -> list[dict[str, Any]]:
        context = {**self.context, "opening_post_id": topic.opening_post_id}
        return list(PostSerializer(topic.visible_posts, many=True, context=context).data)  # type: ignore[attr-defined]


class TopicListView(generics.ListAPIView):
    """Forum topics the caller may see: pinned first, then the latest activity."""

    serializer_class = TopicSerializer
    permission_classes = [AllowAny]
    pagination_class = TopicPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = TopicFilter

    def get_queryset(self) -> QuerySet[Topic]:
        filterset = selectors.topic_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.topic_list(filterset=valid_filterset(filterset))


class TopicDetailView(generics.RetrieveAPIView):
    """One topic with the posts the caller may see, oldest first."""

    serializer_class = TopicDetailSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Topic]:
        user = self.request.user
        posts = Post.objects.visible_to(user).select_related(*selectors.POST_RELATED)
        return (
            Topic.objects.visible_to(user)
            .select_related("author__organisation")
            .prefetch_related(
                Prefetch(
                    "posts", queryset=posts.order_by("created_at", "pk"), to_attr="visible_posts"
                )
            )
        )


api_urlpatterns: list[URLPattern] = [
    path("forum/topics/", TopicListView.as_view(), name="forum-topic-list"),
    path("forum/topics/<int:pk>/", TopicDetailView.as_view(), name="forum-topic-detail"),
]
