"""The Commission's assessment of rapid alerts (the queue, status changes, merging,
escalation) and the solutions linked to an alert (staff and cluster managers).

Assessment is for Commission staff only: anonymous users are sent to log in, everyone else
gets 403, and nothing changes. Every change goes through ``alerts.services``; a refusal (a
step the table does not allow, a missing note) is a message on the alert's page, never a
server error. Each action answers with a redirect, so reloading a page repeats nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from alerts import selectors, services
from alerts.filters import AlertFilter
from alerts.forms import EscalateForm, LinkClusterForm, LinkOfferForm, MergeForm, TransitionForm
from alerts.models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertClusterLink,
    AlertOfferLink,
    AlertStatus,
)
from alerts.views.filter_panel import prepare_alert_filter_form
from clusters.models import Cluster
from clusters.selectors import cluster_filterset, cluster_list
from offers.models import Offer
from offers.selectors import offer_catalogue_filterset, offer_list
from offers.views.offers import filter_data, list_context
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

QUEUE_PAGE_SIZE = 50
QUEUE_FILTERS = (
    "q", "ecosystem", "country", "type", "severity", "status", "value_chain_stage",
    "reported_after", "reported_before", "critical_companies_at_risk",
)  # fmt: skip
QUEUE_STATUSES = (AlertStatus.REPORTED, AlertStatus.UNDER_ASSESSMENT)
SEARCH_RESULTS = 10


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _reason(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You cannot make this change.")
    return " ".join(error.messages)


def _first_error(form: Form) -> str:
    for errors in form.errors.values():
        return " ".join(str(error) for error in errors)
    return _("Check the form and try again.")


# --- the queue --------------------------------------------------------------------------


class QueueView(CommissionStaffRequiredMixin, ListView):
    """Alerts waiting for the Commission, oldest first, with their similar open alerts."""

    template_name = "alerts/queue.html"
    context_object_name = "alerts"
    paginate_by = QUEUE_PAGE_SIZE
    filterset: AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        self.filterset = AlertFilter(
            data=filter_data(self.request, QUEUE_FILTERS),
            queryset=selectors.alerts_for_staff_queue(),
        )
        prepare_alert_filter_form(
            self.filterset.form, QUEUE_FILTERS, statuses=tuple(str(s) for s in QUEUE_STATUSES)
        )
        if not self.filterset.is_valid():
            return selectors.alerts_for_staff_queue().none()
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        alerts = list(context["alerts"])
        counts = selectors.similar_alert_counts(alerts=alerts)
        for alert in alerts:
            alert.similar_count = counts.get(alert.pk, 0)
        context["alerts"] = alerts
        context["filter_invalid"] = not self.filterset.is_valid()
        return context


# --- assessment actions (POST only) -----------------------------------------------------


class _StaffAction(CommissionStaffRequiredMixin, View):
    http_method_names = ["post"]

    def alert(self, pk: int) -> Alert:
        return selectors.alert_get(pk=pk, user=self.request.user)


class TransitionView(_StaffAction):
    """A step of the assessment: under assessment, confirmed, dismissed, resolved."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = self.alert(pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect(alert)
        try:
            changed = services.alert_transition(
                alert=alert,
                to_status=form.cleaned_data["to"],
                by=_user(request),
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _reason(error))
        else:
            messages.success(
                request,
                _("Alert #%(pk)s is now “%(status)s”; its reporter is told by e-mail.")
                % {"pk": changed.pk, "status": changed.get_status_display()},
            )
        return redirect(alert)


class MergeView(_StaffAction):
    """Merge an alert under assessment into an open alert reporting the same disruption."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = self.alert(pk)
        form = MergeForm(request.POST, candidates=selectors.similar_alerts(alert=alert))
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect(alert)
        target = Alert.objects.filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            messages.error(
                request, _("There is no alert #%(pk)s.") % {"pk": form.cleaned_data["target"]}
            )
            return redirect(alert)
        try:
            services.alert_merge(
                alert=alert, into=target, by=_user(request), note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _reason(error))
            return redirect(alert)
        messages.success(
            request,
            _(
                "Alert #%(pk)s “%(title)s” is merged into this one: its reporter counts toward "
                "this alert’s group."
            )
            % {"pk": alert.pk, "title": alert.title},
        )
        return redirect(target)


class EscalateView(_StaffAction):
    """Flag a confirmed alert for the Commission's senior management, with a note."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = self.alert(pk)
        form = EscalateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect(alert)
        try:
            services.alert_escalate(alert=alert, by=_user(request), note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _reason(error))
        else:
            messages.success(
                request,
                _("Alert #%(pk)s is escalated; the weekly report lists it.") % {"pk": alert.pk},
            )
        return redirect(alert)


# --- solutions --------------------------------------------------------------------------


class SolutionsView(LoginRequiredMixin, View):
    """Link accepted offers and published clusters that could address an open alert, and
    remove links. Staff and cluster managers."""

    template_name = "alerts/alert_solutions.html"
    http_method_names = ["get", "post"]

    def setup_alert(self, request: HttpRequest, pk: int) -> Alert:
        alert = selectors.alert_get(pk=pk, user=request.user)
        if not services.can_link_solutions(request.user):
            raise PermissionDenied(_("Only Commission staff and cluster managers link solutions."))
        return alert

    def render_page(
        self,
        request: HttpRequest,
        alert: Alert,
        *,
        offer_form: LinkOfferForm | None = None,
        cluster_form: LinkClusterForm | None = None,
    ) -> HttpResponse:
        user = _user(request)
        offer_q = request.GET.get("offer_q", "").strip()[:200]
        cluster_q = request.GET.get("cluster_q", "").strip()[:200]
        offer_links = list(alert.offer_links.all())
        cluster_links = list(alert.cluster_links.all())
        offer_results: list[Offer] = []
        if offer_q:
            offers = offer_list(filterset=offer_catalogue_filterset(data={"q": offer_q}))
            offer_results = list(offers[:SEARCH_RESULTS])
        cluster_results: list[Cluster] = []
        if cluster_q:
            clusters = cluster_list(filterset=cluster_filterset(data={"q": cluster_q}, user=user))
            cluster_results = list(clusters[:SEARCH_RESULTS])
        context = {
            "alert": alert,
            "is_open": alert.status in OPEN_ALERT_STATUSES,
            "is_staff": user.is_commission_staff,
            "offer_links": offer_links,
            "cluster_links": cluster_links,
            "linked_offers": {link.offer_id for link in offer_links},
            "linked_clusters": {link.cluster_id for link in cluster_links},
            "offer_q": offer_q,
            "cluster_q": cluster_q,
            "offer_results": offer_results,
            "cluster_results": cluster_results,
            "offer_form": offer_form or LinkOfferForm(),
            "cluster_form": cluster_form or LinkClusterForm(),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, self.setup_alert(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = self.setup_alert(request, pk)
        user = _user(request)
        action = request.POST.get("action")
        if action == "link_offer":
            offer_form = LinkOfferForm(request.POST)
            if offer_form.is_valid():
                offer = Offer.objects.visible_to(user).filter(pk=offer_form.cleaned_data["offer"])
                found = offer.first()
                if found is None:
                    offer_form.add_error("offer", _("There is no offer with this number."))
                else:
                    try:
                        services.alert_link_offer(
                            alert=alert, offer=found, by=user, note=offer_form.cleaned_data["note"]
                        )
                    except ValidationError as exc:
                        _errors_to_form(offer_form, exc, main="offer")
                    else:
                        messages.success(
                            request,
                            _("The offer “%(title)s” is linked to this alert.")
                            % {"title": found.title},
                        )
                        return redirect("alerts:solutions", pk=alert.pk)
            return self.render_page(request, alert, offer_form=offer_form)
        if action == "link_cluster":
            cluster_form = LinkClusterForm(request.POST)
            if cluster_form.is_valid():
                cluster = (
                    Cluster.objects.visible_to(user)
                    .filter(pk=cluster_form.cleaned_data["cluster"])
                    .first()
                )
                if cluster is None:
                    cluster_form.add_error("cluster", _("There is no cluster with this number."))
                else:
                    try:
                        services.alert_link_cluster(
                            alert=alert,
                            cluster=cluster,
                            by=user,
                            note=cluster_form.cleaned_data["note"],
                        )
                    except ValidationError as exc:
                        _errors_to_form(cluster_form, exc, main="cluster")
                    else:
                        messages.success(
                            request,
                            _("The cluster “%(name)s” is linked to this alert.")
                            % {"name": cluster.name},
                        )
                        return redirect("alerts:solutions", pk=alert.pk)
            return self.render_page(request, alert, cluster_form=cluster_form)
        messages.error(request, _("Choose an offer or a cluster to link."))
        return redirect("alerts:solutions", pk=alert.pk)


def _errors_to_form(form: Form, exc: ValidationError, *, main: str) -> None:
    """A service's refusal on the field it names; one about the alert itself on ``main``."""
    if not hasattr(exc, "error_dict"):
        form.add_error(main, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else main, errors)


class SolutionRemoveView(LoginRequiredMixin, View):
    """Staff remove any link; a cluster manager the links they added."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, kind: str, link_pk: int) -> HttpResponse:
        alert = selectors.alert_get(pk=pk, user=request.user)
        link: AlertOfferLink | AlertClusterLink
        if kind == "offer":
            link = get_object_or_404(AlertOfferLink, pk=link_pk, alert=alert)
        elif kind == "cluster":
            link = get_object_or_404(AlertClusterLink, pk=link_pk, alert=alert)
        else:
            raise Http404
        services.alert_unlink(link=link, by=_user(request))  # PermissionDenied is a 403
        messages.success(request, _("The link is removed."))
        return redirect("alerts:solutions", pk=alert.pk)


queue = QueueView.as_view()
transition = TransitionView.as_view()
merge = MergeView.as_view()
escalate = EscalateView.as_view()
solutions = SolutionsView.as_view()
solution_remove = SolutionRemoveView.as_view()
