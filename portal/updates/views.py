"""EU updates in the browser: the public list and an update's page; for Commission staff the
form, publishing, scheduling, taking back to draft, pinning, and their work in progress.

Reads go through ``portal.updates.selectors`` (an update the user may not see is a 404),
writes through ``portal.updates.services``. Staff pages answer anonymous users with the login
page and everyone else with 403; a service's ``ValidationError`` goes back onto the form's
fields or into a message, never a server error.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal.updates import selectors, services
from portal.updates.filters import UpdateFilter
from portal.updates.forms import PinForm, ScheduleForm, UpdateForm
from portal.updates.models import Update

if TYPE_CHECKING:
    from portal.accounts.models import User

PAGE_SIZE = 20


def _errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's ``ValidationError`` on the fields it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _scheduled_label(update: Update) -> str:
    assert update.published_at is not None
    when = timezone.localtime(update.published_at)
    return date_format(when, "j F Y, H:i")


class StaffOnlyMixin(UserPassesTestMixin):
    """Anonymous users are sent to log in; anyone but Commission staff gets 403."""

    request: HttpRequest

    def test_func(self) -> bool:
        return services.can_manage_updates(self.request.user)

    @property
    def staff(self) -> User:
        return self.request.user  # type: ignore[return-value]  # test_func let only staff in


# --- the public pages --------------------------------------------------------------------


class UpdateListView(ListView):
    """Published updates (staff: drafts and scheduled ones too, with a badge), pinned first,
    with filters by category and ecosystem and a text search."""

    template_name = "updates/update_list.html"
    context_object_name = "updates"
    paginate_by = PAGE_SIZE
    filterset: UpdateFilter

    def get_queryset(self) -> QuerySet[Update]:
        self.filterset = selectors.update_filterset(data=self.request.GET, user=self.request.user)
        return selectors.update_list(filters=self.filterset, user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        form = self.filterset.form
        context["filter_form"] = form
        context["page_query"] = query.urlencode()
        context["is_filtered"] = any(
            value.strip() for key, values in query.lists() if key in form.fields for value in values
        )
        context["result_count"] = context["paginator"].count
        # The chosen ecosystem has a feed of its own: offer it beside the general one.
        ecosystem = form.cleaned_data.get("ecosystem") if form.is_valid() else None
        context["ecosystem"] = ecosystem
        context["can_manage"] = services.can_manage_updates(self.request.user)
        return context


class UpdateDetailView(DetailView):
    template_name = "updates/update_detail.html"
    context_object_name = "update"

    def get_object(self, queryset: Any = None) -> Update:
        return selectors.update_get(slug=self.kwargs["slug"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        update: Update = self.object
        can_manage = services.can_manage_updates(self.request.user)
        context["can_manage"] = can_manage
        context["state"] = update.state()
        if can_manage:
            context["schedule_form"] = ScheduleForm(initial=_schedule_initial(update))
        return context


def _schedule_initial(update: Update) -> dict[str, Any]:
    """The scheduled time if there is one; otherwise tomorrow at 9:00, Brussels time."""
    if update.published_at is not None and update.published_at > timezone.now():
        return {"published_at": timezone.localtime(update.published_at)}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return {
        "published_at": timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(9)))
    }


# --- staff pages -------------------------------------------------------------------------


class UnpublishedListView(StaffOnlyMixin, ListView):
    """Staff's work in progress: scheduled updates (the next first), then drafts."""

    template_name = "updates/unpublished_list.html"
    context_object_name = "updates"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Update]:
        return selectors.unpublished_updates()


class _UpdateFormView(StaffOnlyMixin, FormView):
    template_name = "updates/update_form.html"
    form_class = UpdateForm
    update: Update | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["update"] = self.update
        return context


class UpdateCreateView(_UpdateFormView):
    def form_valid(self, form: UpdateForm) -> HttpResponse:
        publish = self.request.POST.get("action") == "publish"
        try:
            with transaction.atomic():
                update = services.update_create(data=form.service_data(), by=self.staff)
                if publish:
                    update = services.update_publish(update=update, by=self.staff)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        if publish:
            messages.success(self.request, _("The update is published."))
        else:
            messages.success(
                self.request,
                _(
                    "The draft is saved. Only Commission staff see it until you publish or schedule it."
                ),
            )
        return redirect(update)


class UpdateEditView(_UpdateFormView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Staff first (login page or 403), then the update (404).
        if not self.test_func():
            return self.handle_no_permission()
        self.update = selectors.update_get_editable(slug=kwargs["slug"], user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        assert self.update is not None
        return UpdateForm.initial_for(self.update)

    def form_valid(self, form: UpdateForm) -> HttpResponse:
        assert self.update is not None
        try:
            update = services.update_edit(
                update=self.update, data=form.service_data(), by=self.staff
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(update)


class _UpdateActionView(StaffOnlyMixin, View):
    """A button on the update's page (POST only); back to the page with a message."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        update = selectors.update_get_editable(slug=slug, user=request.user)
        try:
            message = self.act(update)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:  # pragma: no cover - the mixin checked the role
            messages.error(request, str(exc))
        else:
            messages.success(request, message)
        return redirect(update)

    def act(self, update: Update) -> str:
        raise NotImplementedError


class UpdatePublishView(_UpdateActionView):
    def act(self, update: Update) -> str:
        services.update_publish(update=update, by=self.staff)
        return _("The update is published.")


class UpdateUnpublishView(_UpdateActionView):
    def act(self, update: Update) -> str:
        services.update_unpublish(update=update, by=self.staff)
        return _("The update is back to draft: only Commission staff see it.")


class UpdatePinView(_UpdateActionView):
    def act(self, update: Update) -> str:
        form = PinForm(self.request.POST)
        pinned = bool(form.is_valid() and form.cleaned_data["pinned"])
        services.update_pin(update=update, pinned=pinned, by=self.staff)
        return _("The update is pinned to the top.") if pinned else _("The update is unpinned.")


class UpdateScheduleView(StaffOnlyMixin, FormView):
    """Choose when an update goes out. The form also sits on the update's page; this page
    shows it again when the time is refused."""

    template_name = "updates/update_schedule.html"
    form_class = ScheduleForm
    update: Update

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not self.test_func():
            return self.handle_no_permission()
        self.update = selectors.update_get_editable(slug=kwargs["slug"], user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return _schedule_initial(self.update)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["update"] = self.update
        context["state"] = self.update.state()
        return context

    def form_valid(self, form: ScheduleForm) -> HttpResponse:
        try:
            update = services.update_publish(
                update=self.update, at=form.cleaned_data["published_at"], by=self.staff
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The update is scheduled for %(when)s (Brussels time).")
            % {"when": _scheduled_label(update)},
        )
        return redirect(update)
