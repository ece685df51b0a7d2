"""Funding in the browser: the landing page with NextGenerationEU, programmes, calls, the
calendar feed, deadline reminders, and the staff pages that keep programmes and calls.

Reads go through ``funding.selectors``, changes through ``funding.services``. Staff pages
send anonymous users to log in and refuse everyone else (403); a refusal by a service is a
field error or a message, never a server error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from funding import nextgenerationeu, selectors, services
from funding.filters import CallFilter
from funding.forms import CallForm, ProgrammeForm, prepare_call_filter_form
from funding.ics import deadline_calendar
from funding.models import REMINDER_LEAD, Call, CallStatus, Programme
from portal.accounts.permissions import CommissionStaffRequiredMixin

if TYPE_CHECKING:
    from portal.accounts.models import User

CLOSING_SOON = 5
PROGRAMME_PROJECTS = 20


def _errors_to_form(form: Form, error: ValidationError) -> None:
    """A service's ``ValidationError`` on the fields it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _can_manage(request: HttpRequest) -> bool:
    return services.can_manage_funding(request.user)


# --- the landing page -------------------------------------------------------------------


class FundingIndexView(TemplateView):
    """NextGenerationEU's figures (chart and table), the programmes, calls closing soon."""

    template_name = "funding/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ngeu = nextgenerationeu.load()
        context.update(
            ngeu=ngeu,
            chart=nextgenerationeu.chart(ngeu),
            ngeu_table=nextgenerationeu.table(ngeu),
            ngeu_source_url=nextgenerationeu.SOURCE_URL,
            ngeu_repaid_until=nextgenerationeu.REPAID_UNTIL,
            programmes=selectors.programme_list(user=self.request.user),
            closing_soon=selectors.calls_closing_soon(limit=CLOSING_SOON),
            can_manage=_can_manage(self.request),
        )
        return context


# --- programmes -------------------------------------------------------------------------


class ProgrammeListView(ListView):
    template_name = "funding/programme_list.html"
    context_object_name = "programmes"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programme_list(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = _can_manage(self.request)
        return context


class ProgrammeDetailView(DetailView):
    template_name = "funding/programme_detail.html"
    context_object_name = "programme"

    def get_object(self, queryset: Any = None) -> Programme:
        return selectors.programme_get(slug=self.kwargs["slug"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme: Programme = self.object
        user = self.request.user
        context.update(
            calls=selectors.programme_calls(programme=programme, user=user),
            projects=selectors.programme_projects(
                programme=programme, user=user, limit=PROGRAMME_PROJECTS
            ),
            project_count=selectors.programme_project_count(programme=programme, user=user),
            can_manage=_can_manage(self.request),
        )
        return context


class _StaffFormView(CommissionStaffRequiredMixin, FormView):
    request: HttpRequest

    @property
    def staff(self) -> User:
        return cast("User", self.request.user)


class ProgrammeCreateView(_StaffFormView):
    template_name = "funding/programme_form.html"
    form_class = ProgrammeForm

    def form_valid(self, form: ProgrammeForm) -> HttpResponse:
        try:
            programme = services.programme_create(by=self.staff, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is added.") % {"name": programme.name})
        return redirect(programme)


class _ProgrammeMixin(CommissionStaffRequiredMixin):
    programme: Programme
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Staff first (anonymous → login, others → 403), then the 404 for an unknown slug.
        if not self.test_func():
            return self.handle_no_permission()
        self.programme = selectors.programme_get(slug=kwargs["slug"], user=request.user)
        return super().dispatch(request, *args, **kwargs)


class ProgrammeUpdateView(_ProgrammeMixin, _StaffFormView):
    template_name = "funding/programme_form.html"
    form_class = ProgrammeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"programme": self.programme}

    def get_initial(self) -> dict[str, Any]:
        return ProgrammeForm.initial_for(self.programme)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"programme": self.programme}

    def form_valid(self, form: ProgrammeForm) -> HttpResponse:
        try:
            programme = services.programme_update(
                programme=self.programme, by=self.staff, data=form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(programme)


class ProgrammeDeleteView(_ProgrammeMixin, TemplateView):
    template_name = "funding/confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "subject": self.programme,
            "cancel_url": self.programme.get_absolute_url(),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = self.programme.name
        try:
            services.programme_delete(programme=self.programme, by=cast("User", request.user))
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(request, _("%(name)s is deleted.") % {"name": name})
        return redirect("funding:programme_list")


# --- calls ------------------------------------------------------------------------------

CALL_FILTERS = ("q", "status", "programme", "ecosystem", "country", "sort")


class CallListView(ListView):
    """Calls for proposals; open and upcoming ones unless another status is chosen."""

    template_name = "funding/call_list.html"
    context_object_name = "calls"
    paginate_by = 20
    filterset: CallFilter

    def get_queryset(self) -> QuerySet[Call]:
        data = self.request.GET.copy()
        for key in list(data.keys()):
            if key not in CALL_FILTERS:
                del data[key]
        self.filterset = selectors.call_filterset(
            data=data,
            user=self.request.user,
            default_statuses=selectors.DEFAULT_LIST_STATUSES,
        )
        prepare_call_filter_form(self.filterset.form)
        return selectors.call_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filterset.form,
            page_query=query.urlencode(),
            is_filtered=any(
                value.strip()
                for key, values in query.lists()
                if key in CALL_FILTERS and key != "sort"
                for value in values
            ),
            result_count=context["paginator"].count,
            can_manage=_can_manage(self.request),
        )
        return context


class CallDetailView(DetailView):
    template_name = "funding/call_detail.html"
    context_object_name = "call"

    def get_object(self, queryset: Any = None) -> Call:
        return selectors.call_get(pk=self.kwargs["pk"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        call: Call = self.object
        reminders = selectors.call_reminders_for(user=self.request.user, calls=[call])
        context.update(
            reminder=reminders.get(call.pk),
            can_remind=call.status != CallStatus.CLOSED,  # type: ignore[attr-defined]
            can_manage=_can_manage(self.request),
            reminder_lead_days=REMINDER_LEAD.days,
            login_url=f"{reverse('accounts:login')}?{urlencode({'next': self.request.path})}",
        )
        return context


class CallCreateView(_StaffFormView):
    template_name = "funding/call_form.html"
    form_class = CallForm

    def get_initial(self) -> dict[str, Any]:
        slug = self.request.GET.get("programme", "")
        programme = Programme.objects.active().filter(slug=slug).first() if slug else None
        return {"programme": programme} if programme else {}

    def form_valid(self, form: CallForm) -> HttpResponse:
        try:
            call = services.call_create(by=self.staff, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The call %(title)s is published.") % {"title": call.title}
        )
        return redirect(call)


class _CallMixin(CommissionStaffRequiredMixin):
    call: Call
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not self.test_func():
            return self.handle_no_permission()
        self.call = selectors.call_get(pk=kwargs["pk"], user=request.user)
        return super().dispatch(request, *args, **kwargs)


class CallUpdateView(_CallMixin, _StaffFormView):
    template_name = "funding/call_form.html"
    form_class = CallForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"call": self.call}

    def get_initial(self) -> dict[str, Any]:
        return CallForm.initial_for(self.call)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"call": self.call}

    def form_valid(self, form: CallForm) -> HttpResponse:
        try:
            call = services.call_update(call=self.call, by=self.staff, data=form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(call)


class CallDeleteView(_CallMixin, TemplateView):
    template_name = "funding/confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "subject": self.call,
            "cancel_url": self.call.get_absolute_url(),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        title = self.call.title
        services.call_delete(call=self.call, by=cast("User", request.user))
        messages.success(request, _("%(name)s is deleted.") % {"name": title})
        return redirect("funding:call_list")


# --- reminders and the calendar feed ----------------------------------------------------


class CallReminderView(LoginRequiredMixin, View):
    """POST ``action=request`` (the default) or ``action=cancel``; back to ``next`` (a page
    of this site) or the call's page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = cast("User", request.user)
        call = selectors.call_get(pk=pk, user=user)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = call.get_absolute_url()
        try:
            if request.POST.get("action") == "cancel":
                services.call_reminder_cancel(call=call, by=user)
                messages.success(
                    request, _("The reminder for %(title)s is cancelled.") % {"title": call.title}
                )
            else:
                reminder = services.call_reminder_request(call=call, by=user)
                messages.success(request, _reminder_message(reminder.remind_at, call.title))
        except (ValidationError, PermissionDenied) as exc:
            detail = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            messages.error(request, " ".join(detail))
        return redirect(back)


def _reminder_message(remind_at: Any, title: str) -> str:
    if remind_at <= timezone.now():
        return _(
            "We will e-mail you about %(title)s within the hour: its deadline is less than a week away."
        ) % {"title": title}
    return _("We will e-mail you about %(title)s on %(date)s, a week before its deadline.") % {
        "title": title,
        "date": date_format(timezone.localtime(remind_at), "j F Y"),
    }


def calls_ics(request: HttpRequest) -> HttpResponse:
    """The open calls' deadlines as an iCalendar feed to subscribe to: the public's calls
    whoever asks, so the feed can be cached and does not vary by cookie."""
    calls = selectors.open_calls(user=AnonymousUser())
    body = deadline_calendar(calls, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="funding-calls.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response
