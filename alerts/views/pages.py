"""Placeholder: the views of this module are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


alert_list = alert_report = my_alerts = subscription = alert_detail = alert_edit = _todo
attachment_download = _todo
