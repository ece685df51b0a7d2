"""A cluster's co-managers: the page that lists them, adds a colleague by e-mail, removes one.

Adding and removing go through ``clusters.services`` (which checks permission and records
the change in the profile's history); a manager who removes themselves lands on "My profiles".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from clusters import services
from clusters.forms import AddManagerForm
from clusters.models import ClusterManager
from clusters.views.profile_base import _ClusterMixin
from portal.core.form_errors import apply_service_errors


class ClusterManagersView(_ClusterMixin, FormView):
    """The cluster's managers: add a colleague by e-mail, remove one."""

    template_name = "clusters/cluster_managers.html"
    form_class = AddManagerForm

    def managerships(self) -> QuerySet[ClusterManager]:
        return (
            ClusterManager.objects.filter(cluster=self.cluster)
            .select_related("user", "added_by")
            .order_by("added_at", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cluster"] = self.cluster
        context["managerships"] = self.managerships()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "remove" in request.POST:
            return self.remove(request.POST["remove"])
        return super().post(request, *args, **kwargs)

    def remove(self, raw_user_id: str) -> HttpResponse:
        managership = (
            self.managerships().filter(user_id=raw_user_id).first()
            if raw_user_id.isdigit()
            else None
        )
        if managership is None:
            messages.error(self.request, _("This person does not manage the cluster."))
            return redirect("clusters:managers", pk=self.cluster.pk)
        try:
            services.cluster_remove_manager(
                cluster=self.cluster, user=managership.user, by=self.user
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("clusters:managers", pk=self.cluster.pk)
        messages.success(
            self.request,
            _("%(email)s no longer manages %(cluster)s.")
            % {"email": managership.user.email, "cluster": self.cluster.name},
        )
        if services.can_edit_cluster(self.user, self.cluster):
            return redirect("clusters:managers", pk=self.cluster.pk)
        return redirect("clusters:my_profiles")

    def form_valid(self, form: AddManagerForm) -> HttpResponse:
        try:
            managership = services.cluster_add_manager(
                cluster=self.cluster, email=form.cleaned_data["email"], by=self.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(email)s now co-manages %(cluster)s and has been told by e-mail.")
            % {"email": managership.user.email, "cluster": self.cluster.name},
        )
        return redirect("clusters:managers", pk=self.cluster.pk)
