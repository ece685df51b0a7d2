"""The history pages of cluster and project profiles: who changed which field, from what to what.

Recorded values (``ProfileChange.changes``) are shown as people read them: field labels,
choice labels, lists joined; only the profile's editors may see its history.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from clusters import selectors
from clusters.models import Cluster, ProfileChange, Project
from clusters.views.profile_base import _ClusterMixin, _ProjectMixin

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
