"""Offers in the browser: the public catalogue "Solutions", an offer's page, "My offers", the
offer form, submitting, and attachment downloads.

Reads go through ``offers.selectors`` (an offer the user may not see is a 404), writes
through ``offers.services``; a service's ``ValidationError`` goes back onto the form's
fields and its ``PermissionDenied`` is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from clusters.forms import prepare_filter_form
from offers import selectors, services
from offers.filters import OfferFilter
from offers.forms import OfferForm
from offers.models import Offer, OfferAttachment, OfferStatus
from offers.services.offers import can_post_offer
from offers.transitions import SUBMITTER, allowed_targets
from portal.accounts.roles import Role
from portal.core.downloads import stored_file_download
from portal.core.form_errors import apply_service_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

# The catalogue's filters, in the order the panel shows them; the triage desk's other
# filters (status, assignee, age...) are neither shown nor applied here.
CATALOGUE_FILTERS = ("q", "category", "ecosystem", "country", "delivers_to", "sort")


def filter_data(request: HttpRequest, names: tuple[str, ...]) -> Any:
    """The query string reduced to the filters a public list offers."""
    data = request.GET.copy()
    for key in list(data.keys()):
        if key not in names:
            del data[key]
    return data


def restrict_filter_form(form: forms.Form, names: tuple[str, ...]) -> forms.Form:
    """Keep only ``names`` on a filterset's form, dressed for the side panel."""
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    prepare_filter_form(form)
    for name in ("delivers_to",):
        field = form.fields.get(name)
        if field is not None and hasattr(field, "empty_label"):
            field.empty_label = _("Any country")
            field.widget.choices = field.choices  # type: ignore[attr-defined]
    return form


def list_context(request: HttpRequest, filterset: Any, context: dict[str, Any]) -> None:
    """What the list templates need besides the rows: the filter form, page links, counts."""
    query = request.GET.copy()
    query.pop("page", None)
    context["filter_form"] = filterset.form
    context["page_query"] = query.urlencode()
    context["is_filtered"] = any(
        value.strip()
        for key, values in query.lists()
        if key in filterset.form.fields and key != "sort"
        for value in values
    )
    context["result_count"] = context["paginator"].count if context.get("paginator") else 0


def is_offer_insider(offer: Offer, user: User | AnonymousUser) -> bool:
    """Poster, the channelling cluster's managers and staff: they see the offer's status,
    history, attachments, price and registration number."""
    return offer.pk in selectors.confidential_access(offers=[offer], user=user).insider


# --- the catalogue ----------------------------------------------------------------------


class CatalogueView(ListView):
    """Accepted and routed offers, searchable, without their confidential fields."""

    template_name = "offers/catalogue.html"
    context_object_name = "offers"
    paginate_by = 20
    filterset: OfferFilter

    def get_queryset(self) -> QuerySet[Offer]:
        self.filterset = selectors.offer_catalogue_filterset(
            data=filter_data(self.request, CATALOGUE_FILTERS)
        )
        restrict_filter_form(self.filterset.form, CATALOGUE_FILTERS)
        return selectors.offer_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        user = self.request.user
        context["can_post"] = bool(user.is_authenticated and can_post_offer(cast("User", user)))
        return context


# --- one offer --------------------------------------------------------------------------


class OfferDetailView(DetailView):
    template_name = "offers/offer_detail.html"
    context_object_name = "offer"

    def get_object(self, queryset: Any = None) -> Offer:
        return selectors.offer_get(pk=self.kwargs["pk"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        offer: Offer = self.object
        user = self.request.user
        is_poster = bool(user.is_authenticated and offer.submitted_by_id == user.pk)
        access = selectors.confidential_access(offers=[offer], user=user)
        context.update(
            is_poster=is_poster,
            insider=offer.pk in access.insider,
            show_contact=offer.pk in access.contact,
            can_edit=Offer.objects.editable_by(user).filter(pk=offer.pk).exists(),
            can_submit=is_poster
            and OfferStatus.SUBMITTED in allowed_targets(offer.status, {SUBMITTER}),
            channelling_clusters=selectors.offer_channelling_clusters(offer=offer),
            matches=list(selectors.offer_matches(offer=offer, user=user)) if is_poster else [],
        )
        return context


class OfferSubmitView(LoginRequiredMixin, View):
    """The poster sends their draft (or their answer to "needs information") to the
    Commission."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = cast("User", request.user)
        offer = selectors.offer_get(pk=pk, user=user)
        try:
            services.offer_transition(offer=offer, to_status=OfferStatus.SUBMITTED, by=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(offer)
        messages.success(
            request,
            _(
                "Your offer is submitted. Commission staff will review it; you will be told by e-mail."
            ),
        )
        return redirect(offer)


# --- "My offers" and the form -----------------------------------------------------------


class MyOffersView(LoginRequiredMixin, ListView):
    template_name = "offers/my_offers.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Offer]:
        return selectors.offers_posted_by(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)
        context["can_post"] = can_post_offer(user)
        context["is_cluster_manager"] = user.role == Role.CLUSTER_MANAGER
        context["is_authority"] = user.role == Role.AUTHORITY
        context["editable_statuses"] = {OfferStatus.DRAFT, OfferStatus.NEEDS_INFORMATION}
        return context


class _OfferFormView(LoginRequiredMixin, FormView):
    template_name = "offers/offer_form.html"
    form_class = OfferForm
    request: HttpRequest
    offer: Offer | None = None

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

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.user
        kwargs["existing_attachments"] = len(self.offer.attachments.all()) if self.offer else 0
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["offer"] = self.offer
        context["is_cluster_manager"] = self.user.role == Role.CLUSTER_MANAGER
        context["no_cluster"] = "cluster" in form.fields and not form.fields["cluster"].queryset
        return context

    def save(self, form: OfferForm) -> Offer:
        raise NotImplementedError

    def form_valid(self, form: OfferForm) -> HttpResponse:
        submit = self.request.POST.get("action") == "submit"
        stored: list[OfferAttachment] = []
        try:
            # The offer, its datasheets and the submission stand or fall together.
            with transaction.atomic():
                offer = self.save(form)
                for upload in form.cleaned_data["attachments"]:
                    stored.append(services.attachment_add(offer=offer, upload=upload, by=self.user))
                if submit:
                    offer = services.offer_transition(
                        offer=offer, to_status=OfferStatus.SUBMITTED, by=self.user
                    )
        except ValidationError as exc:
            for attachment in stored:  # rolled back: the files must not stay behind
                attachment.file.delete(save=False)
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if submit:
            messages.success(
                self.request,
                _(
                    "Your offer is submitted. Commission staff will review it; you will be told by e-mail."
                ),
            )
        else:
            messages.success(
                self.request,
                _(
                    "Your draft is saved. Submit it when it is ready: only you can see it until then."
                ),
            )
        return redirect(offer)


class OfferCreateView(_OfferFormView):
    def check_access(self) -> None:
        if not can_post_offer(self.user):
            raise PermissionDenied(
                _("Only company representatives and cluster managers post offers.")
            )

    def get_initial(self) -> dict[str, Any]:
        return OfferForm.initial_for_user(self.user)

    def save(self, form: OfferForm) -> Offer:
        return services.offer_create(by=self.user, data=form.service_data())


class OfferUpdateView(_OfferFormView):
    def check_access(self) -> None:
        # Only the poster, and only while it is a draft or needs information: 404 otherwise.
        self.offer = get_object_or_404(
            Offer.objects.editable_by(self.user)
            .select_related("category", "cluster")
            .prefetch_related("attachments"),
            pk=self.kwargs["pk"],
        )

    def get_initial(self) -> dict[str, Any]:
        assert self.offer is not None
        return OfferForm.initial_for(self.offer)

    def save(self, form: OfferForm) -> Offer:
        assert self.offer is not None
        return services.offer_update(offer=self.offer, by=self.user, data=form.service_data())


# --- attachments ------------------------------------------------------------------------


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A datasheet, for the offer's poster, its channelling cluster's managers and staff.

    Always a download, never shown inline: a PDF is served as the company sent it."""
    attachment = get_object_or_404(OfferAttachment.objects.only("pk", "offer_id"), pk=pk)
    offer = selectors.offer_get(pk=attachment.offer_id, user=request.user)
    if not is_offer_insider(offer, request.user):
        raise Http404
    attachment = next((a for a in offer.attachments.all() if a.pk == pk), None)  # type: ignore[assignment]
    if attachment is None:
        raise Http404
    return stored_file_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
