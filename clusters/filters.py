"""The directory's filters, shared by the list pages, the API and the map endpoint."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.models import Cluster, ClusterLabel, Project, ProjectPartner
from funding.models import Programme
from portal.core.models import Category, Ecosystem


def _tag_match(relation: str, text: str) -> Exists:
    through = getattr(Cluster, relation).through
    return Exists(through.objects.filter(cluster_id=OuterRef("pk"), tag__name__icontains=text))


class ClusterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    country = django_filters.MultipleChoiceFilter(label=_("Country"), choices=countries)
    region = django_filters.CharFilter(label=_("Region"), lookup_expr="icontains")
    ecosystem = django_filters.ModelMultipleChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
    )
    label = django_filters.ChoiceFilter(label=_("Label"), choices=ClusterLabel.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Solutions its members supply"),
        queryset=Category.objects.select_related("parent"),
        to_field_name="slug",
        method="filter_category",
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("country", "country"),
            ("members_total", "members"),
            ("updated_at", "updated"),
        ),
    )

    class Meta:
        model = Cluster
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Cluster], name: str, value: str) -> QuerySet[Cluster]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name__icontains=text)
            | Q(acronym__icontains=text)
            | Q(description__icontains=text)
            | _tag_match("sectors", text)
            | _tag_match("technologies", text)
            | _tag_match("value_chains", text)
        )

    def filter_ecosystem(
        self, queryset: QuerySet[Cluster], name: str, value: Any
    ) -> QuerySet[Cluster]:
        if not value:
            return queryset
        through = Cluster.ecosystems.through
        return queryset.filter(
            Exists(through.objects.filter(cluster_id=OuterRef("pk"), ecosystem__in=value))
        )

    def filter_category(
        self, queryset: QuerySet[Cluster], name: str, value: Category | None
    ) -> QuerySet[Cluster]:
        if value is None:
            return queryset
        # A parent category matches clusters that list it or any of its sub-categories.
        through = Cluster.response_categories.through
        return queryset.filter(
            Exists(
                through.objects.filter(cluster_id=OuterRef("pk")).filter(
                    Q(category=value) | Q(category__parent=value)
                )
            )
        )


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    ecosystem = django_filters.ModelMultipleChoiceFilter(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Country of a partner"), choices=countries, method="filter_country"
    )
    # Bounded like the database's ids: a larger number is a form error, not a database error.
    cluster = django_filters.NumberFilter(
        label=_("Partner cluster"), method="filter_cluster", min_value=1, max_value=2**63 - 1
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.order_by("position", "name"),
        to_field_name="slug",
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("title", "title"),
            ("start_date", "start"),
            ("end_date", "end"),
            ("updated_at", "updated"),
        ),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text)
            | Q(acronym__icontains=text)
            | Q(description__icontains=text)
            | Q(programme__name__icontains=text)
            | Q(programme_other__icontains=text)
        )

    def filter_ecosystem(
        self, queryset: QuerySet[Project], name: str, value: Any
    ) -> QuerySet[Project]:
        if not value:
            return queryset
        through = Project.ecosystems.through
        return queryset.filter(
            Exists(through.objects.filter(project_id=OuterRef("pk"), ecosystem__in=value))
        )

    def filter_country(
        self, queryset: QuerySet[Project], name: str, value: list[str]
    ) -> QuerySet[Project]:
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                ProjectPartner.objects.filter(project_id=OuterRef("pk"), cluster__country__in=value)
            )
        )

    def filter_cluster(
        self, queryset: QuerySet[Project], name: str, value: Any
    ) -> QuerySet[Project]:
        if value is None:
            return queryset
        return queryset.filter(
            Exists(ProjectPartner.objects.filter(project_id=OuterRef("pk"), cluster_id=value))
        )
