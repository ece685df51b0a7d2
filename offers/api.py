# STUB — replaced by the offers API.
from django.urls import URLPattern

api_urlpatterns: list[URLPattern] = []
