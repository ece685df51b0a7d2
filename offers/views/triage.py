"""The Commission's triage desk: the queue, one offer, bulk changes (the dashboard and the
exports are in ``triage_reports``).

Staff only (anonymous users are sent to log in, everyone else gets 403). The views read
through ``offers.selectors`` and change offers only through ``offers.services``; a refusal
from a service (an illegal transition, a missing right) becomes a message on the page, never
a server error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, View

from clusters.forms import prepare_filter_form
from offers.filters import OfferFilter
from offers.forms_triage import (
    NAMED_ELSEWHERE,
    TriageBulkForm,
    TriageDuplicateForm,
    TriageTransitionForm,
)
from offers.models import DeliveryStatus, Offer, OfferStatus
from offers.selectors import (
    offer_channelling_clusters,
    offer_filterset,
    offer_get,
    offer_list,
    offer_matches,
)
from offers.services import (
    TransitionError,
    offer_assign,
    offer_mark_duplicate,
    offer_transition,
)
from offers.transitions import STAFF, allowed_targets
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

S = OfferStatus
# What the queue shows when no status is chosen: the offers waiting for a decision.
DEFAULT_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFORMATION)
QUEUE_PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the mixin let only staff in


# --- The queue's filters ---------------------------------------------------------------------


def triage_filterset(request: HttpRequest) -> tuple[OfferFilter, bool]:
    """The queue's filters from the query string, and whether the default statuses apply.

    Shared by the page and the exports, so an export holds exactly the queue on screen."""
    data = request.GET.copy()
    data.pop("page", None)
    defaulted = not any(value in S.values for value in data.getlist("status"))
    if defaulted:
        data.setlist("status", [str(status) for status in DEFAULT_STATUSES])
    return offer_filterset(data=data, user=request.user, request=request), defaulted


def _prepare_queue_form(form: forms.Form) -> None:
    """Widgets for the side panel; the values they send are the ones the filters read."""
    prepare_filter_form(form)
    status = form.fields["status"]
    status.widget = forms.CheckboxSelectMultiple(choices=status.choices)  # type: ignore[attr-defined]
    form.fields["assignee"].widget = forms.Select(
        choices=[("", _("Anyone or no one")), ("me", _("Me")), ("none", _("No one yet"))]
    )
    duplicates = form.fields["has_duplicates"].widget
    duplicates.choices = [
        # NullBooleanSelect matches values by substring: "" would match "true" too.
        ("unknown", _("With or without")),
        ("true", _("Only with possible duplicates")),
        ("false", _("Only without")),
    ]
    for name, label in (
        ("delivers_to", _("Any country")),
        ("cluster", _("Any cluster")),
        ("sort", _("Newest first")),
    ):
        field: Any = form.fields[name]
        field.empty_label = label
        field.widget.choices = field.choices
    form.fields["older_than_days"].widget.attrs.update({"min": 0, "inputmode": "numeric"})


def _query_without_page(request: HttpRequest) -> QueryDict:
    query = request.GET.copy()
    query.pop("page", None)
    return query


def _queue_url(query: str) -> str:
    """The queue with the filters it had; only the query string comes from the client."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    encoded = params.urlencode()
    return reverse("offers:triage") + (f"?{encoded}" if encoded else "")


# --- Forms -----------------------------------------------------------------------------------


def _refused_transition(offer: Offer, to_status: str) -> str:
    """The lifecycle table's refusal in the words of the page (status names, not codes)."""
    # The service read the offer under a lock: read its status again, it may have moved.
    current = Offer.objects.filter(pk=offer.pk).values_list("status", flat=True).first()
    current = current or offer.status
    if current == to_status:
        return _("It is already “%(status)s”.") % {"status": S(current).label}
    return _("An offer that is “%(from)s” cannot become “%(to)s”.") % {
        "from": S(current).label,
        "to": S(to_status).label if to_status in S.values else to_status,
    }


def _service_errors_to_form(
    form: forms.Form,
    error: ValidationError | PermissionDenied,
    *,
    offer: Offer,
    to_status: str = S.DUPLICATE,
) -> None:
    """A service's refusal, on the field it names (or on the whole form)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You cannot make this change."))
    elif isinstance(error, TransitionError):
        form.add_error("to" if "to" in form.fields else None, _refused_transition(offer, to_status))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _reason(
    error: ValidationError | PermissionDenied, *, offer: Offer, to_status: str | None = None
) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You cannot make this change.")
    if isinstance(error, TransitionError) and to_status:
        return _refused_transition(offer, to_status)
    return " ".join(error.messages)


# --- The queue -------------------------------------------------------------------------------


class TriageQueueView(CommissionStaffRequiredMixin, ListView):
    """Offers waiting for a decision, with filters, bulk changes and exports."""

    template_name = "offers/triage_queue.html"
    context_object_name = "offers"
    paginate_by = QUEUE_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Offer]:
        self.filterset, self.status_defaulted = triage_filterset(self.request)
        _prepare_queue_form(self.filterset.form)
        return offer_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = _query_without_page(self.request)
        every_status = query.copy()
        every_status.setlist("status", list(S.values))
        context.update(
            filter_form=self.filterset.form,
            page_query=query.urlencode(),
            is_filtered=any(
                value.strip() and value != "unknown"  # "unknown": has_duplicates left open
                for key, values in query.lists()
                if key != "sort"
                for value in values
            ),
            result_count=context["paginator"].count,
            status_defaulted=self.status_defaulted,
            default_statuses=[S(status).label for status in DEFAULT_STATUSES],
            every_status_query=every_status.urlencode(),
            bulk_form=TriageBulkForm(initial={"query": query.urlencode()}),
        )
        return context


class TriageBulkView(CommissionStaffRequiredMixin, View):
    """Change the status of the ticked offers, or take them: each offer on its own, so one
    refusal does not undo the others; the report says which were changed and why not."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TriageBulkForm(request.POST)
        back = _queue_url(request.POST.get("query", ""))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect(back)
        user = _staff(request)
        ids: list[int] = form.cleaned_data["offers"]
        action = form.cleaned_data["action"]
        to_status = form.cleaned_data["to_status"]
        note = form.cleaned_data["note"]
        found = Offer.objects.visible_to(user).in_bulk(ids)
        done: list[Offer] = []
        failed: list[tuple[str, str]] = []
        for pk in ids:
            offer = found.get(pk)
            if offer is None:
                failed.append((f"#{pk}", _("There is no such offer.")))
                continue
            try:
                if action == "assign":
                    offer_assign(offer=offer, assignee=user, by=user)
                else:
                    offer_transition(offer=offer, to_status=to_status, by=user, note=note)
            except (ValidationError, PermissionDenied) as error:
                reason = _reason(
                    error, offer=offer, to_status=None if action == "assign" else to_status
                )
                failed.append((f"#{offer.pk} “{offer.title}”", reason))
            else:
                done.append(offer)
        self._report(request, action, to_status, done, failed)
        return redirect(back)

    @staticmethod
    def _report(
        request: HttpRequest,
        action: str,
        to_status: str,
        done: list[Offer],
        failed: list[tuple[str, str]],
    ) -> None:
        if done:
            if action == "assign":
                text = ngettext(
                    "%(n)d offer is now assigned to you.",
                    "%(n)d offers are now assigned to you.",
                    len(done),
                ) % {"n": len(done)}
            else:
                text = ngettext(
                    "%(n)d offer moved to “%(status)s”.",
                    "%(n)d offers moved to “%(status)s”.",
                    len(done),
                ) % {"n": len(done), "status": S(to_status).label}
            messages.success(request, text)
        if failed:
            total = len(done) + len(failed)
            summary = ngettext(
                "%(n)d of %(total)d selected offer was not changed:",
                "%(n)d of %(total)d selected offers were not changed:",
                total,
            ) % {"n": len(failed), "total": total}
            # One notification with a list: Django keeps the message's safe HTML in storage.
            messages.error(
                request,
                format_html(
                    '<p class="portal-bulk-report__summary">{}</p>'
                    '<ul class="portal-bulk-report">{}</ul>',
                    summary,
                    format_html_join("", "<li>{}: {}</li>", failed),
                ),
            )


# --- One offer -------------------------------------------------------------------------------


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
                _service_errors_to_form(form, error, offer=offer, to_status=form.cleaned_data["to"])
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
            messages.error(request, _reason(error, offer=offer))
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
                    _service_errors_to_form(form, error, offer=offer)
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


# --- Dashboard -------------------------------------------------------------------------------
