"""Demand in the browser: the public list, a demand's page with its ranked matches, "My
demand", the demand form, status changes and "express interest".

Matches are computed by tasks when an offer or a demand changes; these pages only read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from offers import selectors, services
from offers.filters import DemandFilter
from offers.forms import DemandForm, InterestForm
from offers.models import OPEN_DEMAND_STATUSES, Demand, DemandStatus, Interest, Match
from offers.services.demand import DEMAND_STATUS_CHANGES
from offers.views.offers import filter_data, list_context, restrict_filter_form
from portal.accounts.permissions import can_publish_demand
from portal.accounts.roles import Role
from portal.core.form_errors import apply_service_errors
from portal.core.views import RefusableFormView

if TYPE_CHECKING:
    from portal.accounts.models import User

DEMAND_FILTERS = ("q", "category", "country", "urgency", "sort")
# How each part of a match's score is named on the page.
PART_LABELS = {
    "category": gettext_lazy("Category"),
    "quantity": gettext_lazy("Quantity"),
    "delivery": gettext_lazy("Delivery"),
    "lead_time": gettext_lazy("Lead time"),
    "certifications": gettext_lazy("Certifications"),
}
# The button that moves a demand to each status.
STATUS_ACTIONS = {
    "partially_met": gettext_lazy("Mark as partially met"),
    "met": gettext_lazy("Mark as met"),
    "closed": gettext_lazy("Close the demand"),
}


class DemandListView(ListView):
    """Open demand from public authorities, most pressing first."""

    template_name = "offers/demand_list.html"
    context_object_name = "demands"
    paginate_by = 20
    filterset: DemandFilter

    def get_queryset(self) -> QuerySet[Demand]:
        self.filterset = selectors.demand_filterset(
            data=filter_data(self.request, DEMAND_FILTERS), user=self.request.user
        )
        # The public list is open demand only, whoever looks: an authority finds its closed
        # demand under "My demand", staff on the demand's page.
        self.filterset.queryset = self.filterset.queryset.open()
        form = restrict_filter_form(self.filterset.form, DEMAND_FILTERS)
        urgency = form.fields.get("urgency")
        if urgency is not None:
            urgency.widget = CheckboxSelectMultiple(choices=urgency.choices)  # type: ignore[attr-defined]
        return selectors.demand_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        context["can_publish"] = can_publish_demand(self.request.user)
        return context


def _match_rows(
    matches: list[Match], interested: set[int], show_all_contacts: bool
) -> list[dict[str, Any]]:
    """Each match with its parts named, and whether the company's contact is shown: for
    staff always, for the authority once it has expressed interest in that offer."""
    return [
        {
            "match": match,
            "offer": match.offer,
            "parts": [
                {**part, "label": PART_LABELS.get(part.get("part", ""), part.get("part", ""))}
                for part in (match.parts or [])
            ],
            "interested": match.offer_id in interested,
            "show_contact": show_all_contacts or match.offer_id in interested,
        }
        for match in matches
    ]


class DemandDetailView(DetailView):
    template_name = "offers/demand_detail.html"
    context_object_name = "demand"

    def get_object(self, queryset: Any = None) -> Demand:
        return selectors.demand_get(pk=self.kwargs["pk"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        demand: Demand = self.object
        user = self.request.user
        is_staff = bool(user.is_authenticated and user.is_commission_staff)
        sees_matches = bool(user.is_authenticated and (is_staff or demand.authority_id == user.pk))
        editable = Demand.objects.editable_by(user).filter(pk=demand.pk).exists()
        context.update(
            sees_matches=sees_matches,
            can_edit=editable,
            status_actions=[
                (status, label)
                for status, label in STATUS_ACTIONS.items()
                if editable and status in DEMAND_STATUS_CHANGES[DemandStatus(demand.status)]
            ],
            is_open=demand.status in OPEN_DEMAND_STATUSES,
            # Closed as its date passed: its authority may publish it again with a new date.
            publish_again=editable and demand.closed_by_date and can_publish_demand(user),
        )
        if sees_matches:
            matches = list(selectors.demand_matches(demand=demand, user=user))
            interested = set(
                Interest.objects.filter(demand=demand).values_list("offer_id", flat=True)
            )
            context["match_rows"] = _match_rows(matches, interested, is_staff)
            context["interest_form"] = InterestForm()
        return context


class InterestView(LoginRequiredMixin, View):
    """The authority is interested in a matched offer: the company's contact details open."""

    def post(self, request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
        user = cast("User", request.user)
        demand = selectors.demand_get(pk=pk, user=user)
        offer = selectors.offer_get(pk=offer_pk, user=user)
        form = InterestForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        target = reverse("offers:demand_detail", kwargs={"pk": demand.pk}) + f"#match-{offer.pk}"
        try:
            services.interest_express(demand=demand, offer=offer, by=user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(target)
        messages.success(
            request,
            _(
                "Your interest in “%(title)s” is recorded and the company has been told. "
                "Its contact details are now shown with the offer."
            )
            % {"title": offer.title},
        )
        return redirect(target)


class MyDemandView(LoginRequiredMixin, ListView):
    template_name = "offers/my_demand.html"
    context_object_name = "demands"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Demand]:
        user = cast("User", self.request.user)
        if user.role != Role.AUTHORITY and not user.is_commission_staff:
            return Demand.objects.none()
        # An authority's own demand; for staff, what they posted for authorities.
        owned = (
            Demand.objects.filter(posted_by=user)
            if user.is_commission_staff
            else Demand.objects.filter(authority=user)
        )
        return owned.select_related("category", "category__parent", "authority__organisation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)
        context["is_authority"] = user.role == Role.AUTHORITY
        context["is_staff"] = user.is_commission_staff
        context["can_publish"] = can_publish_demand(user)
        return context


class _DemandFormView(RefusableFormView):
    template_name = "offers/demand_form.html"
    form_class = DemandForm
    demand: Demand | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demand"] = self.demand
        return context

    def save(self, form: DemandForm) -> Demand:
        raise NotImplementedError

    def form_valid(self, form: DemandForm) -> HttpResponse:
        try:
            demand = self.save(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The demand is published. Matching offers appear on its page within a minute."),
        )
        return redirect(demand)


class DemandCreateView(_DemandFormView):
    def refusal(self) -> HttpResponse | None:
        """Who may not publish is told why, with a 403."""
        if can_publish_demand(self.user):
            return None
        return TemplateResponse(
            self.request,
            "offers/demand_refused.html",
            {"is_authority": self.user.role == Role.AUTHORITY},
            status=403,
        )

    def get_initial(self) -> dict[str, Any]:
        """``?again=<id>``: the form starts from one of the user's own demands (one that
        closed as its date passed, and is still needed), all but the date."""
        initial = super().get_initial()
        again = self.request.GET.get("again", "")
        if not (again.isdigit() and len(again) < 10):
            return initial
        source = (
            Demand.objects.editable_by(self.user)
            .select_related("category")
            .filter(pk=int(again))
            .first()
        )
        if source is not None:
            initial.update(DemandForm.initial_for(source))
            del initial["needed_by"]
            if self.user.is_commission_staff:
                initial["authority"] = source.authority_id
        return initial

    def save(self, form: DemandForm) -> Demand:
        return services.demand_create(
            by=self.user, data=form.service_data(), authority=form.cleaned_data.get("authority")
        )


class DemandUpdateView(_DemandFormView):
    def refusal(self) -> HttpResponse | None:
        # Its authority (verified) and staff; 404 for everyone else.
        self.demand = get_object_or_404(
            Demand.objects.editable_by(self.user).select_related("category"), pk=self.kwargs["pk"]
        )
        return None

    def get_initial(self) -> dict[str, Any]:
        assert self.demand is not None
        return DemandForm.initial_for(self.demand)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["new"] = False
        return kwargs

    def save(self, form: DemandForm) -> Demand:
        assert self.demand is not None
        return services.demand_update(demand=self.demand, by=self.user, data=form.service_data())


class DemandStatusView(LoginRequiredMixin, View):
    """The authority says its demand is partially met, met or closed."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = cast("User", request.user)
        demand = selectors.demand_get(pk=pk, user=user)
        to_status = request.POST.get("status", "")
        try:
            services.demand_set_status(demand=demand, to_status=to_status, by=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(demand)
        messages.success(request, _("The demand’s status is updated."))
        return redirect(demand)
