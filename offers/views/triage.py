"""The Commission's triage desk: the queue, its filters and the bulk changes made from it
(one offer's page is in ``triage_offer``, the dashboard and the exports in
``triage_reports``).

Staff only (anonymous users are sent to log in, everyone else gets 403). The views read
through ``offers.selectors`` and change offers only through ``offers.services``; a refusal
from a service (an illegal transition, a missing right) becomes a message on the page, never
a server error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, View

from clusters.forms import prepare_filter_form
from offers.filters import OfferFilter
from offers.forms_triage import TriageBulkForm
from offers.models import Offer, OfferStatus
from offers.selectors import offer_filterset, offer_list
from offers.services import offer_assign, offer_transition
from offers.views.triage_refusals import refusal_reason
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
                reason = refusal_reason(
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
