"""Placeholder: the Atom feed of confirmed alerts is being written."""

from django.http import Http404, HttpRequest, HttpResponse


class ConfirmedAlertsFeed:
    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise Http404
