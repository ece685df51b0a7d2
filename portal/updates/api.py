"""The EU updates API under ``/api/v1/``: read-only.

- ``GET updates/``: the updates the caller may see, pinned first and then the newest, 50 a
  page, filtered by ``category``, ``ecosystem`` (a slug) and ``q`` (text search); Commission
  staff also by ``state`` (``draft``, ``scheduled``, ``published``). A bad filter value is a
  400 with per-field messages.
- ``GET updates/<id>/``: one update. Anyone sees published updates; drafts and scheduled
  updates exist only for staff (404 for everyone else, so they do not leak).

Each update carries its Markdown ``body`` and ``body_html``, the same HTML the page shows:
rendered and cleaned by the allow-list, so no script, ``javascript:`` link or event
attribute. Updates are written in the portal's staff pages; every write method is 405.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from portal.core.api_errors import valid_filterset
from portal.core.markdown import render_markdown
from portal.core.models import Ecosystem
from portal.updates import selectors
from portal.updates.filters import UpdateFilter
from portal.updates.models import Update, UpdateCategory, UpdateState


class SelectorFilterDocs(DjangoFilterBackend):
    """Documents ``filterset_class`` in the schema; the selectors do the filtering."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset


class UpdatePagination(PageNumberPagination):
    page_size = 50


@extend_schema_field(
    {"type": "string", "enum": UpdateCategory.values}, component_name="UpdateCategory"
)
class UpdateCategoryField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=UpdateCategory.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": UpdateState.values}, component_name="UpdateState")
class UpdateStateField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=UpdateState.choices, **kwargs)


class UpdateSerializer(serializers.ModelSerializer):
    """An EU update. ``body`` is Markdown; ``body_html`` is it rendered and cleaned.
    ``state`` is ``published`` for everyone but staff, who also see drafts and scheduled
    updates (``published_at`` empty or still to come)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:update-detail")
    page_url = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    category = UpdateCategoryField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    ecosystems: serializers.SlugRelatedField[Ecosystem] = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )
    state = serializers.SerializerMethodField()

    class Meta:
        model = Update
        fields = [
            "id", "url", "page_url", "slug", "title", "summary", "body", "body_html",
            "category", "category_label", "ecosystems", "source_url", "published_at",
            "pinned", "state", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, update: Update) -> str:
        return self.context["request"].build_absolute_uri(update.get_absolute_url())

    def get_body_html(self, update: Update) -> str:
        return str(render_markdown(update.body))

    @extend_schema_field(UpdateStateField())
    def get_state(self, update: Update) -> str:
        return str(update.state())


class UpdateListView(generics.ListAPIView):
    """Published EU updates (staff: drafts and scheduled too), pinned first, then the
    newest; 50 a page."""

    serializer_class = UpdateSerializer
    permission_classes = [AllowAny]
    pagination_class = UpdatePagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = UpdateFilter

    def get_queryset(self) -> QuerySet[Update]:
        filterset = selectors.update_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.update_list(filters=valid_filterset(filterset), user=self.request.user)


class UpdateDetailView(generics.RetrieveAPIView):
    """One EU update: published ones for everyone; drafts and scheduled ones for staff
    only (404 for anyone else)."""

    serializer_class = UpdateSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Update]:
        return Update.objects.visible_to(self.request.user).prefetch_related("ecosystems")


api_urlpatterns: list[URLPattern] = [
    path("updates/", UpdateListView.as_view(), name="update-list"),
    path("updates/<int:pk>/", UpdateDetailView.as_view(), name="update-detail"),
]
