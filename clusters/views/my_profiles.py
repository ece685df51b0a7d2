"""The "My profiles" page: the clusters and projects a user manages, and open calls for them.

Staff see here the projects their clusters coordinate (they may edit every project, but the
page lists their own); the page also offers the create buttons the user is entitled to.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from clusters import selectors, services
from clusters.models import PartnerRole
from clusters.views.profile_base import _ProfileView
from funding import selectors as funding_selectors


class MyProfilesView(_ProfileView, TemplateView):
    template_name = "clusters/my_profiles.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.user
        clusters = list(selectors.clusters_managed_by(user=user))
        context["clusters"] = clusters
        # Staff may edit every project; their list here is the ones they coordinate.
        projects = selectors.projects_editable_by(user=user)
        if user.is_commission_staff:
            projects = projects.filter(
                partnerships__role=PartnerRole.COORDINATOR,
                partnerships__cluster__in=[c.pk for c in clusters],
            )
        context["projects"] = projects
        context["can_create_cluster"] = services.can_create_cluster(user)
        context["can_create_project"] = bool(clusters) or user.is_commission_staff
        context["is_staff"] = user.is_commission_staff
        # Open calls for proposals that fit these clusters, with the user's reminders.
        context["open_calls"] = funding_selectors.with_user_reminders(
            calls=funding_selectors.calls_for_clusters(clusters=clusters, now=timezone.now()),
            user=user,
        )
        return context
