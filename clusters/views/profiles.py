"""Managing profiles: "My profiles", create/edit/delete forms, co-managers and history.

Every action goes through ``clusters.services``; a profile the user may not edit is looked
up through ``selectors.*_get_editable`` and so answers 404, never a hint that it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from clusters import selectors, services
from clusters.forms import AddManagerForm, ClusterForm, ProjectForm
from clusters.models import Cluster, ClusterManager, PartnerRole, ProfileChange, Project
from funding import selectors as funding_selectors

if TYPE_CHECKING:
    from portal.accounts.models import User


def apply_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: field messages on their fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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


def _user_can_coordinate(user: User) -> bool:
    return user.is_commission_staff or selectors.clusters_managed_by(user=user).exists()


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


# --- clusters ---------------------------------------------------------------------------


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


class ClusterDeleteView(_ClusterMixin, _DeleteView):
    subject_kind = gettext_lazy("cluster profile")

    def subject(self) -> Cluster:
        return self.cluster

    def perform_delete(self) -> None:
        services.cluster_delete(cluster=self.cluster, by=self.user)


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


# --- history ----------------------------------------------------------------------------

_SPECIAL_LABELS = {
    "logo": gettext_lazy("logo"),
    "partners": gettext_lazy("partners"),
    "managers": gettext_lazy("managers"),
}


def _field_label(model: type[Cluster] | type[Project], name: str) -> str:
    if name in _SPECIAL_LABELS:
        return str(_SPECIAL_LABELS[name])
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the change was recorded
        return name
    return str(getattr(field, "verbose_name", name))


def _shown(model: type[Cluster] | type[Project], name: str, value: Any) -> str:
    """A recorded value as people read it: choice labels, country names, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "logo":
        return _("a logo")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    return str(choices.get(value, value))


def _side(pair: Any, index: int) -> Any:
    """``changes`` holds [before, after] pairs; anything else is shown as the new value."""
    if isinstance(pair, list) and len(pair) == 2:
        return pair[index]
    return pair if index == 1 else None


class _HistoryView(ListView):
    template_name = "clusters/history.html"
    context_object_name = "entries"
    paginate_by = 50
    model_class: type[Cluster] | type[Project]

    def subject(self) -> Cluster | Project:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entries: list[ProfileChange] = list(context["entries"])
        context["rows"] = [
            {
                "entry": entry,
                "changes": [
                    {
                        "field": _field_label(self.model_class, name),
                        "before": _shown(self.model_class, name, _side(pair, 0)),
                        "after": _shown(self.model_class, name, _side(pair, 1)),
                    }
                    for name, pair in (entry.changes or {}).items()
                ],
            }
            for entry in entries
        ]
        context["subject"] = self.subject()
        return context


class ClusterHistoryView(_ClusterMixin, _HistoryView):
    model_class = Cluster

    def subject(self) -> Cluster:
        return self.cluster

    def get_queryset(self) -> QuerySet[ProfileChange]:
        return selectors.profile_history(cluster=self.cluster)


class ProjectHistoryView(_ProjectMixin, _HistoryView):
    model_class = Project

    def subject(self) -> Project:
        return self.project

    def get_queryset(self) -> QuerySet[ProfileChange]:
        return selectors.profile_history(project=self.project)


# --- projects ---------------------------------------------------------------------------


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
