from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from portal.home.health import health_report
from portal.home.sections import SECTIONS, Section


class HomeView(TemplateView):
    template_name = "home/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sections"] = SECTIONS
        return context


class ComingSoonView(TemplateView):
    """An honest page for a section whose app is not built yet."""

    template_name = "home/coming_soon.html"
    section: Section | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        return context


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """JSON state of the database and the broker; 503 when one is down."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
