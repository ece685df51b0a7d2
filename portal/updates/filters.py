"""Filters for EU updates, shared by the list page and the API."""

from __future__ import annotations

import django_filters
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.models import Ecosystem
from portal.updates.models import Update, UpdateCategory, UpdateState

SEARCH_MAX_LENGTH = 200

SEARCH_DOCUMENT_SQL = """to_tsvector('english',
    coalesce("updates_update"."title", '') || ' ' || coalesce("updates_update"."summary", '')
    || ' ' || coalesce("updates_update"."body", ''))"""


def text_search(queryset: QuerySet[Update], text: str) -> QuerySet[Update]:
    """Full-text search over title, summary and text on PostgreSQL (English stemming, so
    "standard" finds "standards"); substring search elsewhere (SQLite, the default)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVectorField
        from django.db.models.expressions import RawSQL

        # Written as update_search_idx's expression (migration 0002) so the planner uses
        # the index. A constant: no user input reaches this SQL.
        document = RawSQL(SEARCH_DOCUMENT_SQL, [], output_field=SearchVectorField())  # noqa: S611
        return queryset.annotate(search=document).filter(
            search=SearchQuery(text, config="english", search_type="websearch")
        )
    return queryset.filter(
        Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
    )


class UpdateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", max_length=SEARCH_MAX_LENGTH
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=UpdateCategory.choices, empty_label=_("Any category")
    )
    ecosystem = django_filters.ModelChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.order_by("position", "name"),
        to_field_name="slug",
        method="filter_ecosystem",
        empty_label=_("Any ecosystem"),
    )
    # Staff only (the selectors drop it for everyone else): their work in progress.
    state = django_filters.ChoiceFilter(
        label=_("Publication"),
        choices=UpdateState.choices,
        method="filter_state",
        empty_label=_("Any"),
    )

    class Meta:
        model = Update
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Update], name: str, value: str) -> QuerySet[Update]:
        return text_search(queryset, value)

    def filter_ecosystem(
        self, queryset: QuerySet[Update], name: str, value: Ecosystem | None
    ) -> QuerySet[Update]:
        if value is None:
            return queryset
        # EXISTS rather than a join: an update concerning several ecosystems is listed once.
        through = Update.ecosystems.through
        return queryset.filter(
            Exists(through.objects.filter(update_id=OuterRef("pk"), ecosystem_id=value.pk))
        )

    def filter_state(self, queryset: QuerySet[Update], name: str, value: str) -> QuerySet[Update]:
        now = timezone.now()
        if value == UpdateState.DRAFT:
            return queryset.drafts()  # type: ignore[attr-defined]
        if value == UpdateState.SCHEDULED:
            return queryset.scheduled(now)  # type: ignore[attr-defined]
        if value == UpdateState.PUBLISHED:
            return queryset.published(now)  # type: ignore[attr-defined]
        return queryset
