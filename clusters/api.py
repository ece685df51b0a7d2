# STUB — replaced by the API implementation.
from django.urls import URLPattern

api_urlpatterns: list[URLPattern] = []
