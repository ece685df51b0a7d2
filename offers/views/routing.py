"""The triage desk's routing pages: deliveries to the Commission, "retry now", and the rules
and destinations that decide where accepted offers go.

Staff only (anonymous users are sent to log in, everyone else gets 403). Reads go through
``offers.selectors``; changes through ``offers.routing`` (retry) and
``offers.services.routing_rules``. A refusal becomes a message or a field error, never a
server error. A destination's secret is never sent back to a page: only whether it is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from offers.forms_routing import DeliveryFilterForm, DestinationForm, RoutingRuleForm
from offers.models import Delivery, DeliveryStatus, Destination, RoutingRule
from offers.routing import DEFAULT_DESTINATION_NAME, delivery_retry_now
from offers.selectors import delivery_counts, delivery_list, destination_list, routing_rule_list
from offers.services.routing_rules import (
    destination_create,
    destination_update,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
)
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

D = DeliveryStatus
DELIVERY_PAGE_SIZE = 50
# What the deliveries page shows when no status is chosen: the ones that need staff.
DEFAULT_DELIVERY_STATUSES = (D.FAILED, D.DEAD)
RETRYABLE = frozenset({D.FAILED, D.DEAD})


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the mixin let only staff in


def _errors_to_form(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal, on the field it names (or on the whole form)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You cannot make this change."))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Deliveries ------------------------------------------------------------------------------


def _deliveries_url(query: str) -> str:
    """The deliveries page with the filters it had; only the query string comes from the
    client, so a redirect never leaves the page."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    encoded = params.urlencode()
    return reverse("offers:deliveries") + (f"?{encoded}" if encoded else "")


class DeliveryListView(CommissionStaffRequiredMixin, ListView):
    """Deliveries to the Commission, failed and dead first, with "retry now" on each."""

    template_name = "offers/routing_deliveries.html"
    context_object_name = "deliveries"
    paginate_by = DELIVERY_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Delivery]:
        self.counts = delivery_counts()
        chosen = [s for s in self.request.GET.getlist("status") if s in D.values]
        self.status_defaulted = not chosen
        self.statuses = chosen or [str(s) for s in DEFAULT_DELIVERY_STATUSES]
        return delivery_list(statuses=self.statuses)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        every_status = QueryDict(mutable=True)
        every_status.setlist("status", list(D.values))
        context.update(
            filter_form=DeliveryFilterForm(
                initial={"status": self.statuses}, counts=self.counts, auto_id="filter-%s"
            ),
            counts=self.counts,
            page_query=query.urlencode(),
            result_count=context["paginator"].count,
            status_defaulted=self.status_defaulted,
            every_status_query=every_status.urlencode(),
            retryable=RETRYABLE,
        )
        return context


class DeliveryRetryView(CommissionStaffRequiredMixin, View):
    """ "Retry now": a failed or dead delivery goes back to pending with a fresh count of
    attempts, and is sent at once. Back to the offer's page or the deliveries page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        delivery = get_object_or_404(Delivery.objects.select_related("offer"), pk=pk)
        back = (
            reverse("offers:triage_offer", kwargs={"pk": delivery.offer_id})
            if request.POST.get("back") == "offer"
            else _deliveries_url(request.POST.get("query", ""))
        )
        try:
            delivery_retry_now(delivery=delivery, by=_staff(request))
        except PermissionDenied:
            messages.error(request, _("Only Commission staff can retry deliveries."))
        except ValidationError:
            current = Delivery.objects.filter(pk=pk).values_list("status", flat=True).first()
            messages.error(
                request,
                _(
                    "The delivery of offer #%(offer)s is “%(status)s”: only a failed or dead "
                    "delivery can be retried."
                )
                % {"offer": delivery.offer_id, "status": D(current or delivery.status).label},
            )
        else:
            messages.success(
                request,
                _("The delivery of offer #%(offer)s is being sent again.")
                % {"offer": delivery.offer_id},
            )
        return redirect(back)


# --- Rules and destinations ------------------------------------------------------------------


class RoutingOverviewView(CommissionStaffRequiredMixin, TemplateView):
    """The rules in the order they are tried, the default destination that catches the rest,
    and the destinations (whose secrets are shown only as set or not set)."""

    template_name = "offers/routing_rules.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            rules=routing_rule_list(),
            destinations=destination_list(),
            default_destination={
                "name": DEFAULT_DESTINATION_NAME,
                "intake_url": settings.COMMISSION_INTAKE_URL,
                "has_secret": bool(settings.COMMISSION_INTAKE_SECRET),
            },
        )
        return context


class _RuleFormView(CommissionStaffRequiredMixin, View):
    template_name = "offers/routing_rule_form.html"

    def render_form(self, form: RoutingRuleForm, rule: RoutingRule | None = None) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "rule": rule})


class RoutingRuleCreateView(_RuleFormView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        last = routing_rule_list().values_list("priority", flat=True).last()
        return self.render_form(RoutingRuleForm(initial={"priority": (last or 0) + 10}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RoutingRuleForm(request.POST)
        if form.is_valid():
            try:
                rule = routing_rule_create(by=_staff(request), data=form.service_data())
            except (ValidationError, PermissionDenied) as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("The rule with priority %(priority)s is added.")
                    % {"priority": rule.priority},
                )
                return redirect("offers:routing_rules")
        return self.render_form(form)


class RoutingRuleUpdateView(_RuleFormView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(RoutingRule, pk=pk)
        return self.render_form(RoutingRuleForm(initial=RoutingRuleForm.initial_for(rule)), rule)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(RoutingRule, pk=pk)
        form = RoutingRuleForm(request.POST, initial=RoutingRuleForm.initial_for(rule))
        if form.is_valid():
            try:
                rule = routing_rule_update(rule=rule, by=_staff(request), data=form.service_data())
            except (ValidationError, PermissionDenied) as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("The rule with priority %(priority)s is saved.")
                    % {"priority": rule.priority},
                )
                return redirect("offers:routing_rules")
        return self.render_form(form, rule)


class RoutingRuleDeleteView(CommissionStaffRequiredMixin, View):
    """Asks first (GET), deletes on POST."""

    http_method_names = ["get", "post"]
    template_name = "offers/routing_rule_delete.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(routing_rule_list(), pk=pk)
        return render(request, self.template_name, {"rule": rule})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rule = get_object_or_404(RoutingRule, pk=pk)
        try:
            routing_rule_delete(rule=rule, by=_staff(request))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The rule with priority %(priority)s is deleted.") % {"priority": rule.priority},
            )
        return redirect("offers:routing_rules")


class _DestinationFormView(CommissionStaffRequiredMixin, View):
    template_name = "offers/routing_destination_form.html"

    def render_form(
        self, form: DestinationForm, destination: Destination | None = None
    ) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "destination": destination})


class DestinationCreateView(_DestinationFormView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(DestinationForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DestinationForm(request.POST)
        if form.is_valid():
            try:
                destination = destination_create(by=_staff(request), data=form.service_data())
            except (ValidationError, PermissionDenied) as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("“%(name)s” is added.") % {"name": destination.name})
                return redirect("offers:routing_rules")
        return self.render_form(form)


class DestinationUpdateView(_DestinationFormView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        destination = get_object_or_404(Destination, pk=pk)
        form = DestinationForm(
            initial=DestinationForm.initial_for(destination), has_secret=bool(destination.secret)
        )
        return self.render_form(form, destination)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        destination = get_object_or_404(Destination, pk=pk)
        form = DestinationForm(
            request.POST,
            initial=DestinationForm.initial_for(destination),
            has_secret=bool(destination.secret),
        )
        if form.is_valid():
            try:
                destination = destination_update(
                    destination=destination, by=_staff(request), data=form.service_data()
                )
            except (ValidationError, PermissionDenied) as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("“%(name)s” is saved.") % {"name": destination.name})
                return redirect("offers:routing_rules")
        return self.render_form(form, destination)
