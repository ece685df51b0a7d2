from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from clusters.views.map import tile_layer
from portal.home.health import health_report
from portal.home.sections import SECTIONS, Section
from portal.home.selectors import ecosystem_list, ecosystem_page, home_blocks, key_figures


class HomeView(TemplateView):
    """What the portal is for, its live key figures, and the newest of each section."""

    template_name = "home/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tiles, attribution = tile_layer()
        context.update(
            sections=SECTIONS,
            figures=key_figures(),
            map_data_url=reverse("api:cluster-map"),
            tiles_url=tiles,
            tiles_attribution=attribution,
            **home_blocks(),
        )
        return context


class EcosystemListView(TemplateView):
    template_name = "home/ecosystem_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["ecosystems"] = ecosystem_list()
        return context


class EcosystemDetailView(TemplateView):
    """An ecosystem: its description, published key figures (with year and source, and
    "no published figure yet" where there is none) and what the portal holds for it."""

    template_name = "home/ecosystem_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = ecosystem_page(slug=self.kwargs["slug"])
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
