"""The forum API (read-only for the public parts)."""

from django.urls import URLPattern, path  # noqa: F401

api_urlpatterns: list[URLPattern] = []
