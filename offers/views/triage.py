"""The Commission's triage desk: the queue, one offer, bulk changes, the dashboard, exports.

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
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import ListView, TemplateView, View
from django_countries import countries

from clusters.forms import prepare_filter_form
from offers import exports
from offers.filters import OfferFilter
from offers.models import DeliveryStatus, Offer, OfferStatus
from offers.selectors import (
    delivery_counts,
    offer_channelling_clusters,
    offer_filterset,
    offer_get,
    offer_list,
    offer_matches,
    triage_dashboard,
)
from offers.services import (
    TransitionError,
    offer_assign,
    offer_mark_duplicate,
    offer_transition,
)
from offers.transitions import STAFF, TRANSITIONS, allowed_targets
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

S = OfferStatus
# What the queue shows when no status is chosen: the offers waiting for a decision.
DEFAULT_STATUSES = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFORMATION)
QUEUE_PAGE_SIZE = 50
# More than a page, so a whole page can be changed at once; a bound on the work of one request.
BULK_LIMIT = 200
# Marking a duplicate names the original, so it has its own form, not the plain status form.
_NAMED_ELSEWHERE = {S.DUPLICATE}
# Every status staff can move an offer to, in lifecycle order (the bulk form's choices).
STAFF_TARGETS = [
    status
    for status in S.values
    if status not in _NAMED_ELSEWHERE
    and any(to == status and STAFF in who for (_frm, to), who in TRANSITIONS.items())
]


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


class OfferIdsField(forms.Field):
    """The ticked rows: a list of offer ids (a checkbox per row, all named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one offer."),
        "too_many": gettext_lazy("Select at most %(limit)d offers at a time."),
        "invalid": gettext_lazy("The selection is not valid. Reload the page and try again."),
    }

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids: list[int] = []
        for raw in values:
            if not str(raw).isdigit():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if int(raw) not in ids:
                ids.append(int(raw))
        if len(ids) > BULK_LIMIT:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": BULK_LIMIT}
            )
        return ids


class TriageBulkForm(forms.Form):
    ACTIONS = (("transition", gettext_lazy("Change status")), ("assign", gettext_lazy("Assign")))

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    offers = OfferIdsField()
    to_status = forms.ChoiceField(
        label=gettext_lazy("Move the selected offers to"),
        required=False,
        choices=[("", gettext_lazy("Choose a status"))]
        + [(status, S(status).label) for status in STAFF_TARGETS],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in each offer’s history and sent to the poster."),
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "transition" and not data.get("to_status"):
            self.add_error("to_status", _("Choose the status to move the selected offers to."))
        return data


class TriageTransitionForm(forms.Form):
    # Any status is accepted here: the lifecycle table in the service decides, and explains.
    to = forms.ChoiceField(
        label=gettext_lazy("New status"), choices=S.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the history and sent to the poster with the change."),
    )

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transition-%s")  # unique ids beside the other forms
        super().__init__(*args, **kwargs)
        # Only the changes allowed now are offered.
        self.fields["to"].widget.choices = [(t, S(t).label) for t in targets]


class TriageDuplicateForm(forms.Form):
    duplicate_of = forms.TypedChoiceField(
        label=gettext_lazy("This offer is a duplicate of"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    other = forms.IntegerField(
        label=gettext_lazy("Or the number of another offer"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: list[Offer], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "duplicate-%s")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["duplicate_of"]
        field.choices = [
            (
                c.pk,
                f"#{c.pk} {c.title} — {c.company_name}" + (f" ({c.cluster})" if c.cluster else ""),
            )
            for c in candidates
        ]
        if not candidates:
            del self.fields["duplicate_of"]
            self.fields["other"].label = _("Number of the original offer")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [pk for pk in (data.get("duplicate_of"), data.get("other")) if pk]
        if len(chosen) != 1 and not self.errors:
            self.add_error(
                None, _("Choose one possible duplicate, or give the number of one offer.")
            )
        data["original"] = chosen[0] if chosen else None
        return data


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
            if status not in _NAMED_ELSEWHERE
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


def _rows(counts: list[dict[str, Any]], total: int, label: Any) -> list[dict[str, Any]]:
    return [
        {"label": label(row), "n": row["n"], "share": round(100 * row["n"] / total) if total else 0}
        for row in counts
    ]


def duration_text(hours: float | None) -> tuple[str, str] | None:
    """A median in hours as people say it, and a finer figure for the note beside it."""
    if hours is None:
        return None
    if hours < 1:
        minutes = round(hours * 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}, ""
    hours_text = _("%(n)s hours") % {"n": number_format(hours, 1)}
    if hours < 48:
        return hours_text, ""
    return _("%(n)s days") % {"n": number_format(hours / 24, 1)}, hours_text


def _category_label(row: dict[str, Any]) -> str:
    parent = row["category__parent__name"]
    return f"{parent} › {row['category__name']}" if parent else row["category__name"]


class TriageDashboardView(CommissionStaffRequiredMixin, TemplateView):
    """Counts by status, category, country and cluster, the median time to a decision, and
    deliveries to the Commission by status."""

    template_name = "offers/triage_dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = triage_dashboard()
        total = data["total"]
        hours = data["median_hours_to_decision"]
        context.update(
            total=total,
            public_count=data["public_count"],
            median_hours=hours,
            median=duration_text(hours),
            delivery_counts=[
                {"status": status, "label": DeliveryStatus(status).label, "n": n}
                for status, n in delivery_counts().items()
            ],
            tables=[
                {
                    "id": "by-status",
                    "title": _("By status"),
                    "column": _("Status"),
                    "rows": _rows(data["by_status"], total, lambda r: S(r["status"]).label),
                },
                {
                    "id": "by-category",
                    "title": _("By category"),
                    "column": _("Category"),
                    "rows": _rows(data["by_category"], total, _category_label),
                },
                {
                    "id": "by-country",
                    "title": _("By company country"),
                    "column": _("Country"),
                    "rows": _rows(
                        data["by_country"],
                        total,
                        lambda r: countries.name(r["company_country"]) or r["company_country"],
                    ),
                },
                {
                    "id": "by-cluster",
                    "title": _("By channelling cluster"),
                    "column": _("Cluster"),
                    "rows": _rows(
                        data["by_cluster"],
                        total,
                        lambda r: r["cluster__name"] or _("Direct offers (no cluster)"),
                    ),
                },
            ],
        )
        return context


# --- Exports ---------------------------------------------------------------------------------


class _ExportView(CommissionStaffRequiredMixin, View):
    """The current filtered queue, every page of it, as a file."""

    http_method_names = ["get"]
    extension = ""

    def filename(self) -> str:
        return f"offers-{timezone.localdate():%Y%m%d}.{self.extension}"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        filterset, _defaulted = triage_filterset(request)
        response = self.respond(offer_list(filterset=filterset))
        # Confidential fields (contacts, registration numbers): no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        raise NotImplementedError


class TriageExportCsvView(_ExportView):
    extension = "csv"

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        response = StreamingHttpResponse(
            exports.chunks(exports.csv_lines(offers)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename()}"'
        return response


class TriageExportXlsxView(_ExportView):
    extension = "xlsx"

    def respond(self, offers: QuerySet[Offer]) -> HttpResponseBase:
        return FileResponse(
            exports.xlsx_file(offers),
            as_attachment=True,
            filename=self.filename(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


triage_export_csv = TriageExportCsvView.as_view()
triage_export_xlsx = TriageExportXlsxView.as_view()
