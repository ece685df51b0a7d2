"""Reference data in the API: ecosystems, solution categories and countries (public, read-only)."""

from typing import Any

from django_countries import countries
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core import selectors
from portal.core.countries import country_group
from portal.core.models import Category, Ecosystem


class EcosystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ecosystem
        fields = ["slug", "name", "description"]


class CategorySerializer(serializers.ModelSerializer):
    parent: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Category
        fields = ["slug", "name", "parent"]


class EcosystemListView(generics.ListAPIView):
    """The 14 industrial ecosystems, with their stable slugs."""

    permission_classes = [AllowAny]
    serializer_class = EcosystemSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return selectors.ecosystem_list()


class CategoryListView(generics.ListAPIView):
    """The solution categories; ``parent`` is the slug of the parent category, or null."""

    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return selectors.category_list()


class CountryListView(APIView):
    """The countries the portal serves: EU-27 (``eu``), EEA (``eea``), candidates (``candidate``)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "Country",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "group": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"code": code, "name": str(name), "group": country_group(code)}
                for code, name in countries
            ]
        )
