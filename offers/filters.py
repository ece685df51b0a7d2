"""Filters for offers (triage queue, catalogue, API) and demand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.models import Cluster
from offers.models import Demand, DemandStatus, Offer, OfferStatus, Urgency
from portal.core.models import Category, Ecosystem


def _category_filter(queryset: QuerySet, value: Category | None) -> QuerySet:
    """A parent category matches its sub-categories too."""
    if value is None:
        return queryset
    return queryset.filter(Q(category=value) | Q(category__parent=value))


SEARCH_DOCUMENT_SQL = """to_tsvector('english',
    coalesce("offers_offer"."title", '') || ' ' || coalesce("offers_offer"."description", '')
    || ' ' || coalesce("offers_offer"."product_details", '') || ' '
    || coalesce("offers_offer"."company_name", ''))"""


def text_search(queryset: QuerySet[Offer], text: str) -> QuerySet[Offer]:
    """Full-text search on PostgreSQL, substring search elsewhere (SQLite, the default)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVectorField
        from django.db.models.expressions import RawSQL

        # Written as offer_search_idx's expression (migration 0002) so the planner uses the
        # index; the columns are qualified because joined tables have a description too.
        # A constant: no user input reaches this SQL.
        document = RawSQL(SEARCH_DOCUMENT_SQL, [], output_field=SearchVectorField())  # noqa: S611
        return queryset.annotate(search=document).filter(
            search=SearchQuery(text, config="english", search_type="websearch")
        )
    return queryset.filter(
        Q(title__icontains=text) | Q(description__icontains=text) | Q(product_details__icontains=text)
        | Q(company_name__icontains=text)
    )  # fmt: skip


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=OfferStatus.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        to_field_name="slug",
        method="filter_category",
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Company country"), choices=countries, field_name="company_country"
    )
    delivers_to = django_filters.ChoiceFilter(
        label=_("Delivers to"), choices=countries, method="filter_delivers_to"
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Channelling cluster"), queryset=Cluster.objects.all(), method="filter_cluster"
    )
    ecosystem = django_filters.ModelChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
    )
    older_than_days = django_filters.NumberFilter(
        label=_("Waiting more than (days)"),
        method="filter_age",
        min_value=0,
        max_value=36500,  # a century: beyond it the date arithmetic would overflow
    )
    assignee = django_filters.CharFilter(label=_("Assigned to"), method="filter_assignee")
    has_duplicates = django_filters.BooleanFilter(
        label=_("Has possible duplicates"), method="filter_has_duplicates"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("submitted_at", "submitted"),
            ("created_at", "created"),
            ("title", "title"),
            ("valid_until", "valid_until"),
        ),
    )

    class Meta:
        model = Offer
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        return text_search(queryset, value)

    def filter_category(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        return _category_filter(queryset, value)

    def filter_delivers_to(
        self, queryset: QuerySet[Offer], name: str, value: str
    ) -> QuerySet[Offer]:
        # Countries are stored comma-separated; codes are two letters, so no false hits.
        return queryset.filter(delivery_countries__contains=value) if value else queryset

    def filter_ecosystem(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        """Offers channelled by a cluster of the ecosystem (offers carry no ecosystem of their
        own: their cluster's is what routing and the ecosystem pages go by)."""
        if value is None:
            return queryset
        through = Cluster.ecosystems.through
        return queryset.filter(
            Exists(through.objects.filter(cluster_id=OuterRef("cluster_id"), ecosystem=value))
        )

    def filter_cluster(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        """An offer channelled by the cluster, or the original of a duplicate it channelled."""
        if value is None:
            return queryset
        return queryset.filter(
            Q(cluster=value)
            | Exists(Offer.objects.filter(duplicate_of=OuterRef("pk"), cluster=value))
        )

    def filter_age(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        if value is None:
            return queryset
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_assignee(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        """``me``, ``none`` or a staff member's id."""
        if value == "me":
            return queryset.filter(assignee=self.request.user) if self.request else queryset
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset

    def filter_has_duplicates(
        self, queryset: QuerySet[Offer], name: str, value: bool | None
    ) -> QuerySet[Offer]:
        if value is None:
            return queryset
        through = Offer.possible_duplicates.through
        flagged = Exists(through.objects.filter(from_offer_id=OuterRef("pk")))
        return queryset.filter(flagged if value else ~flagged)


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=DemandStatus.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        to_field_name="slug",
        method="filter_category",
    )
    country = django_filters.MultipleChoiceFilter(label=_("Delivery country"), choices=countries)
    urgency = django_filters.MultipleChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"), fields=(("needed_by", "needed_by"), ("created_at", "created"))
    )

    class Meta:
        model = Demand
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(description__icontains=text))

    def filter_category(
        self, queryset: QuerySet[Demand], name: str, value: Any
    ) -> QuerySet[Demand]:
        return _category_filter(queryset, value)
