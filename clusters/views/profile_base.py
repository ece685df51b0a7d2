"""The bases every profile-management view builds on: login, access check, delete page.

Every action goes through ``clusters.services``; a profile the user may not edit is looked
up through ``selectors.*_get_editable`` and so answers 404, never a hint that it exists.
``_DeleteView`` is the confirmation page both cluster and project profiles are deleted from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from clusters import selectors
from clusters.models import Cluster, Project

if TYPE_CHECKING:
    from portal.accounts.models import User


class _ProfileView(LoginRequiredMixin):
    """Logged in first (anonymous → login page), then ``check_access`` (403 or 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    @property
    def user(self) -> User:
        return cast("User", self.request.user)

    def check_access(self) -> None:
        pass

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_access()
        return super().dispatch(request, *args, **kwargs)


class _ClusterMixin(_ProfileView):
    cluster: Cluster

    def check_access(self) -> None:
        self.cluster = selectors.cluster_get_editable(pk=self.kwargs["pk"], user=self.user)


class _ProjectMixin(_ProfileView):
    project: Project

    def check_access(self) -> None:
        self.project = selectors.project_get_editable(pk=self.kwargs["pk"], user=self.user)


class _DeleteView(TemplateView):
    template_name = "clusters/confirm_delete.html"
    subject_kind: str | Promise = ""

    def subject(self) -> Cluster | Project:
        raise NotImplementedError

    def perform_delete(self) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject()
        context["subject_kind"] = self.subject_kind
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = str(self.subject())
        try:
            self.perform_delete()
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(request, _("%(name)s is deleted.") % {"name": name})
        return redirect("clusters:my_profiles")
