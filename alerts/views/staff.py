"""Placeholder: the views of this module are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


solutions = solution_remove = queue = transition = merge = escalate = _todo
