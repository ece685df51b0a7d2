"""The alert lists in the browser: the public list (the summary of confirmed alerts for
everyone; those who report also see their own alerts, staff every alert) and "My alerts" (the
alerts a user reported and those reported for a cluster they manage). Both read through
``alerts.selectors`` and are filtered with the side panel of ``alerts.views.filter_panel``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q, QuerySet
from django.views.generic import ListView

from alerts import selectors, services
from alerts.filters import AlertFilter
from alerts.models import PUBLIC_ALERT_STATUSES, Alert, AlertStatus
from alerts.selectors import alert_access, alert_filterset
from alerts.views.filter_panel import (
    STATUS_FILTERS,
    list_filter_names,
    prepare_alert_filter_form,
)
from clusters.models import Cluster
from offers.views.offers import filter_data, list_context
from portal.accounts.roles import Role

if TYPE_CHECKING:
    from portal.accounts.models import User

LIST_PAGE_SIZE = 20
MINE_PAGE_SIZE = 50


# --- the list ---------------------------------------------------------------------------


class AlertListView(ListView):
    """Confirmed alerts for everyone (their summary); reporters also see their own alerts,
    and staff every alert."""

    template_name = "alerts/alert_list.html"
    context_object_name = "alerts"
    paginate_by = LIST_PAGE_SIZE
    filterset: AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        user = self.request.user
        names = list_filter_names(user)
        self.filterset = alert_filterset(data=filter_data(self.request, names), user=user)
        prepare_alert_filter_form(self.filterset.form, names)
        return selectors.alert_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        user = self.request.user
        context.update(
            access=alert_access(user=user),
            can_report=services.can_report_alert(user),
            filter_invalid=not self.filterset.is_valid(),
            public_statuses=[str(s) for s in PUBLIC_ALERT_STATUSES],
        )
        return context


# --- "My alerts" ------------------------------------------------------------------------


class MyAlertsView(LoginRequiredMixin, ListView):
    """The alerts the user reported and those reported for a cluster they manage."""

    template_name = "alerts/my_alerts.html"
    context_object_name = "alerts"
    paginate_by = MINE_PAGE_SIZE
    filterset: AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        user = cast("User", self.request.user)
        mine = Alert.objects.visible_to(user).filter(
            Q(reported_by=user) | Q(cluster__in=Cluster.objects.managed_by(user))
        )
        self.filterset = AlertFilter(data=filter_data(self.request, STATUS_FILTERS), queryset=mine)
        prepare_alert_filter_form(self.filterset.form, STATUS_FILTERS)
        return selectors.alert_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        user = cast("User", self.request.user)
        context.update(
            can_report=services.can_report_alert(user),
            is_cluster_manager=user.role == Role.CLUSTER_MANAGER,
            reported_status=AlertStatus.REPORTED,
        )
        return context


alert_list = AlertListView.as_view()
my_alerts = MyAlertsView.as_view()
