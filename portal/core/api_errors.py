"""How every API answers a refusal: the one place that maps them to HTTP.

Services raise Django's ``ValidationError`` and ``PermissionDenied``; filtersets report bad
query parameters. The API views of every app turn them into DRF errors here, so a client
sees the same shape (per-field messages, 400; a message, 403) whichever endpoint it calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.utils import translate_validation
from rest_framework import exceptions, serializers


@contextmanager
def service_errors() -> Iterator[None]:
    """Answer a service's refusal the API's way (the one place that maps them).

    ``ValidationError`` becomes a 400 with the same per-field messages (model-wide ones
    under ``non_field_errors``); ``PermissionDenied`` a 403 with the service's message.
    """
    try:
        yield
    except DjangoValidationError as exc:
        detail = serializers.as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail.setdefault("non_field_errors", []).extend(detail.pop(NON_FIELD_ERRORS))
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


def valid_filterset(filterset: Any) -> Any:
    """An invalid filter (an unknown slug, a bad country) is a 400, not ignored."""
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset
