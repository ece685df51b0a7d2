"""Reads of the reference data."""

from django.db.models import QuerySet

from portal.core.models import Category, Ecosystem


def ecosystem_list() -> QuerySet[Ecosystem]:
    return Ecosystem.objects.order_by("position", "name")


def category_list() -> QuerySet[Category]:
    # Positions are numbered in tree order: each parent comes just before its children.
    return Category.objects.select_related("parent").order_by("position", "name")
