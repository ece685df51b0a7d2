"""Creating, editing and deleting a project profile and its partner clusters.

Every write goes through ``clusters.services`` (which checks permission); a service's
refusal is shown on the form, field by field. Only a cluster manager (or staff) may create.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from clusters import selectors, services
from clusters.forms import ProjectForm
from clusters.models import Project
from clusters.views.profile_base import _DeleteView, _ProfileView, _ProjectMixin
from portal.core.form_errors import apply_service_errors

if TYPE_CHECKING:
    from portal.accounts.models import User


def _user_can_coordinate(user: User) -> bool:
    return user.is_commission_staff or selectors.clusters_managed_by(user=user).exists()


class _ProjectFormView(FormView):
    template_name = "clusters/project_form.html"
    form_class = ProjectForm
    request: HttpRequest

    def project_or_none(self) -> Project | None:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["project"] = self.project_or_none()
        return kwargs


class ProjectCreateView(_ProfileView, _ProjectFormView):
    def check_access(self) -> None:
        if not services.can_create_cluster(self.user):
            raise PermissionDenied(_("Only cluster managers can create project profiles."))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_coordinate"] = _user_can_coordinate(self.user)
        return context

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        try:
            project = services.project_create(
                by=self.user, data=form.service_data(), partners=form.partners_for_service()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The project %(title)s is created.") % {"title": project.title}
        )
        return redirect(project)


class ProjectUpdateView(_ProjectMixin, _ProjectFormView):
    def project_or_none(self) -> Project:
        return self.project

    def get_initial(self) -> dict[str, Any]:
        return ProjectForm.initial_for(self.project)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        context["can_coordinate"] = True
        return context

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        try:
            project = services.project_update(
                project=self.project,
                by=self.user,
                data=form.service_data(),
                partners=form.partners_for_service(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(project)


class ProjectDeleteView(_ProjectMixin, _DeleteView):
    subject_kind = gettext_lazy("project profile")

    def subject(self) -> Project:
        return self.project

    def perform_delete(self) -> None:
        services.project_delete(project=self.project, by=self.user)
