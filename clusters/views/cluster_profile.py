"""Creating, editing and deleting a cluster profile, with the location picker's map settings.

Every write goes through ``clusters.services`` (which checks permission); a service's
refusal is shown on the form, field by field.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from clusters import services
from clusters.forms import ClusterForm
from clusters.models import Cluster
from clusters.views.profile_base import _ClusterMixin, _DeleteView, _ProfileView
from portal.core.form_errors import apply_service_errors


def map_settings() -> dict[str, Any]:
    """Tile URL, attribution and default view for the location picker's data- attributes."""
    config = getattr(settings, "LEAFLET_CONFIG", {})
    tiles = config.get("TILES", "")
    attribution = config.get("ATTRIBUTION", "")
    if isinstance(tiles, list | tuple) and tiles:
        # django-leaflet also accepts [(name, url, options), ...]: the first layer is used.
        first = tiles[0]
        tiles = first[1]
        attribution = (first[2] or {}).get("attribution", attribution) if len(first) > 2 else ""
    if not attribution and "openstreetmap.org" in str(tiles):
        attribution = "© OpenStreetMap contributors"
    center = config.get("DEFAULT_CENTER", (50.85, 4.35))
    return {
        "tiles_url": tiles or "",
        "attribution": attribution,
        "center_lat": center[0],
        "center_lon": center[1],
        "zoom": config.get("DEFAULT_ZOOM", 4),
    }


class _ClusterFormView(FormView):
    template_name = "clusters/cluster_form.html"
    form_class = ClusterForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["map"] = map_settings()
        return context


class ClusterCreateView(_ProfileView, _ClusterFormView):
    def check_access(self) -> None:
        if not services.can_create_cluster(self.user):
            raise PermissionDenied(_("Only cluster managers can create cluster profiles."))

    def form_valid(self, form: ClusterForm) -> HttpResponse:
        try:
            cluster = services.cluster_create(by=self.user, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The profile of %(name)s is created.") % {"name": cluster.name}
        )
        return redirect(cluster)


class ClusterUpdateView(_ClusterMixin, _ClusterFormView):
    def get_initial(self) -> dict[str, Any]:
        return ClusterForm.initial_for(self.cluster)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["has_logo"] = bool(self.cluster.logo)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cluster"] = self.cluster
        return context

    def form_valid(self, form: ClusterForm) -> HttpResponse:
        try:
            cluster = services.cluster_update(
                cluster=self.cluster, by=self.user, data=form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(cluster)


class ClusterDeleteView(_ClusterMixin, _DeleteView):
    subject_kind = gettext_lazy("cluster profile")

    def subject(self) -> Cluster:
        return self.cluster

    def perform_delete(self) -> None:
        services.cluster_delete(cluster=self.cluster, by=self.user)
