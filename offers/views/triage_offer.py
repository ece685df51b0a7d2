"""One offer on the Commission's triage desk: its page (history, matches, possible
duplicates, delivery) and the forms posted from it: change its status, assign it, mark it as a
duplicate. Staff only, like the rest of the desk (see ``offers.views.triage``); a service's
refusal shows on the form or as a message, never as a server error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from offers.forms_triage import NAMED_ELSEWHERE, TriageDuplicateForm, TriageTransitionForm
from offers.models import DeliveryStatus, Offer, OfferStatus
from offers.selectors import offer_channelling_clusters, offer_get, offer_matches
from offers.services import offer_assign, offer_mark_duplicate, offer_transition
from offers.transitions import STAFF, allowed_targets
from offers.views.triage_refusals import refusal_reason, service_errors_to_form
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

S = OfferStatus


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the mixin let only staff in


def _duplicate_candidates(offer: Offer) -> list[Offer]:
    """The flagged possible duplicates this offer could be marked a duplicate of (not the
    ones already marked as duplicates of it)."""
    return [c for c in offer.possible_duplicates.all() if c.duplicate_of_id != offer.pk]


class _OfferPage(CommissionStaffRequiredMixin, View):
    template_name = "offers/triage_offer.html"

    def targets(self, offer: Offer) -> list[str]:
        return [
            status
            for status in allowed_targets(offer.status, {STAFF})
            if status not in NAMED_ELSEWHERE
        ]

    def render_page(
        self,
        offer: Offer,
        *,
        transition_form: TriageTransitionForm | None = None,
        duplicate_form: TriageDuplicateForm | None = None,
    ) -> HttpResponse:
        user = _staff(self.request)
        candidates = list(offer.possible_duplicates.all())
        targets = self.targets(offer)
        # Loaded with the offer (offer_get); an offer never accepted has none.
        delivery = getattr(offer, "delivery", None)
        context = {
            "offer": offer,
            "delivery": delivery,
            "delivery_retryable": delivery is not None
            and delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.DEAD),
            "max_attempts": settings.ROUTING_MAX_ATTEMPTS,
            "attachments": offer.attachments.all(),
            "transitions": offer.transitions.all(),
            "channelling_clusters": offer_channelling_clusters(offer=offer),
            "duplicates": offer.duplicates.all(),
            "possible_duplicates": candidates,
            "matches": offer_matches(offer=offer, user=user),
            "is_mine": offer.assignee_id == user.pk,
            "targets": targets,
            "can_mark_duplicate": S.DUPLICATE in allowed_targets(offer.status, {STAFF}),
            "transition_form": transition_form or TriageTransitionForm(targets=targets),
            "duplicate_form": duplicate_form
            or TriageDuplicateForm(candidates=_duplicate_candidates(offer)),
        }
        return render(self.request, self.template_name, context)


class TriageOfferView(_OfferPage):
    """Everything about one offer, its history, matches and possible duplicates, and the
    forms to decide on it."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(offer_get(pk=pk, user=request.user))


class TriageTransitionView(_OfferPage):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        offer = offer_get(pk=pk, user=request.user)
        form = TriageTransitionForm(request.POST, targets=self.targets(offer))
        if form.is_valid():
            try:
                changed = offer_transition(
                    offer=offer,
                    to_status=form.cleaned_data["to"],
                    by=_staff(request),
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                service_errors_to_form(form, error, offer=offer, to_status=form.cleaned_data["to"])
            else:
                messages.success(
                    request,
                    _("The offer is now “%(status)s”.") % {"status": changed.get_status_display()},
                )
                return redirect("offers:triage_offer", pk=offer.pk)
        return self.render_page(offer, transition_form=form)


class TriageAssignView(CommissionStaffRequiredMixin, View):
    """“Assign to me” (taking it over from a colleague if need be) or “Release”."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        offer = offer_get(pk=pk, user=request.user)
        user = _staff(request)
        choice = request.POST.get("assignee")
        if choice not in ("me", "none"):
            messages.error(request, _("Choose whether to take the offer or release it."))
            return redirect("offers:triage_offer", pk=offer.pk)
        try:
            offer_assign(offer=offer, assignee=user if choice == "me" else None, by=user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_reason(error, offer=offer))
        else:
            if choice == "me":
                messages.success(request, _("The offer is assigned to you."))
            else:
                messages.success(request, _("The offer is released: no one is assigned to it."))
        return redirect("offers:triage_offer", pk=offer.pk)


class TriageDuplicateView(_OfferPage):
    """Mark this offer as a duplicate of another: the original then lists both clusters."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        offer = offer_get(pk=pk, user=request.user)
        form = TriageDuplicateForm(request.POST, candidates=_duplicate_candidates(offer))
        if form.is_valid():
            user = _staff(request)
            original = (
                Offer.objects.visible_to(user).filter(pk=form.cleaned_data["original"]).first()
            )
            if original is None:
                form.add_error("other", _("There is no offer with this number."))
            else:
                try:
                    offer_mark_duplicate(
                        offer=offer, original=original, by=user, note=form.cleaned_data["note"]
                    )
                except (ValidationError, PermissionDenied) as error:
                    service_errors_to_form(form, error, offer=offer)
                else:
                    marked = Offer.objects.only("duplicate_of_id").get(pk=offer.pk)
                    messages.success(
                        request,
                        _(
                            "Offer #%(offer)s is marked as a duplicate of this one; the clusters "
                            "that channelled it are listed here."
                        )
                        % {"offer": offer.pk},
                    )
                    return redirect("offers:triage_offer", pk=marked.duplicate_of_id)
        return self.render_page(offer, duplicate_form=form)
