"""Rapid alerts in the browser: the list, an alert's page, reporting and correcting an alert,
"My alerts", evidence downloads and the subscription.

Reads go through ``alerts.selectors``: an alert the user may not see is a 404, and how much of
one they see (summary, details, the confidential note) is ``alert_access``'s answer. Writes go
through ``alerts.services``; a service's ``ValidationError`` goes back onto the form's fields
and its ``PermissionDenied`` is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from alerts import selectors, services
from alerts.filters import AlertFilter
from alerts.forms import AlertForm, EscalateForm, MergeForm, SubscriptionForm, TransitionForm
from alerts.models import (
    OPEN_ALERT_STATUSES,
    PUBLIC_ALERT_STATUSES,
    Alert,
    AlertAttachment,
    AlertStatus,
    Subscription,
    TransitionKind,
)
from alerts.selectors import (
    Access,
    alert_access,
    alert_filterset,
    alert_get,
    alert_reporters,
    similar_alerts,
)
from alerts.transitions import NEEDS_TARGET, STAFF, allowed_targets
from clusters.forms import DateInput, prepare_filter_form
from clusters.models import Cluster
from clusters.views.profiles import apply_service_errors
from offers.views.offers import filter_data, list_context
from portal.accounts.roles import Role
from portal.core.downloads import stored_file_download

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

# The list's filters, by who sees them (each tuple adds to the one before).
PUBLIC_FILTERS = (
    "q", "ecosystem", "country", "type", "severity", "value_chain_stage", "started_after",
    "started_before",
)  # fmt: skip
DETAIL_FILTERS = ("critical_companies_at_risk",)  # the flag is a detail, not the summary
STATUS_FILTERS = ("status",)
# Escalation is shown to staff only, so it is filtered by staff only.
STAFF_FILTERS = ("escalated", "reported_after", "reported_before")
LIST_PAGE_SIZE = 20
MINE_PAGE_SIZE = 50

# The label of each assessment step's button, from the status it leads to.
TRANSITION_BUTTONS: dict[str, Any] = {
    AlertStatus.UNDER_ASSESSMENT: gettext_lazy("Take under assessment"),
    AlertStatus.CONFIRMED: gettext_lazy("Confirm"),
    AlertStatus.DISMISSED: gettext_lazy("Dismiss"),
    AlertStatus.RESOLVED: gettext_lazy("Mark as resolved"),
}


def _is_staff(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


def sees_unconfirmed_alerts(user: AnyUser) -> bool:
    """Staff, and those who report (their own alerts are listed before confirmation)."""
    if not user.is_authenticated:
        return False
    return _is_staff(user) or user.role in (Role.CLUSTER_MANAGER, Role.AUTHORITY)


def list_filter_names(user: AnyUser) -> tuple[str, ...]:
    names: tuple[str, ...] = PUBLIC_FILTERS
    if user.is_authenticated:
        names += DETAIL_FILTERS
    if sees_unconfirmed_alerts(user):
        names += STATUS_FILTERS
    if _is_staff(user):
        names += STAFF_FILTERS
    return names


def prepare_alert_filter_form(
    form: forms.Form, names: tuple[str, ...], *, statuses: tuple[str, ...] | None = None
) -> forms.Form:
    """Keep only ``names`` on an ``AlertFilter``'s form, with widgets for a side panel."""
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    prepare_filter_form(form)  # ecosystems as checkboxes
    country: Any = form.fields.get("country")
    if country is not None:
        country.widget.attrs.pop("size", None)  # one country: a drop-down, not a list box
        country.help_text = ""
        country.empty_label = _("Any country")
        country.widget.choices = country.choices
    for name in ("type", "severity", "status", "value_chain_stage"):
        field: Any = form.fields.get(name)
        if field is not None:
            choices = field.choices
            if name == "status" and statuses is not None:
                choices = [(value, label) for value, label in choices if value in statuses]
                field.choices = choices
            field.widget = forms.CheckboxSelectMultiple(choices=choices)
    for name in ("started_after", "started_before", "reported_after", "reported_before"):
        if name in form.fields:
            form.fields[name].widget = DateInput()
    for name in ("escalated", "critical_companies_at_risk"):
        if name in form.fields:
            form.fields[name].widget = forms.Select(
                # NullBooleanSelect matches values by substring: "" would match "true" too.
                choices=[("unknown", _("Either")), ("true", _("Yes")), ("false", _("No"))]
            )
    return form


# --- the list ---------------------------------------------------------------------------


class AlertListView(ListView):
    """Confirmed alerts for everyone (their summary); reporters also see their own alerts,
    and staff every alert."""

    template_name = "alerts/alert_list.html"
    context_object_name = "alerts"
    paginate_by = LIST_PAGE_SIZE
    filterset: AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        user = self.request.user
        names = list_filter_names(user)
        self.filterset = alert_filterset(data=filter_data(self.request, names), user=user)
        prepare_alert_filter_form(self.filterset.form, names)
        return selectors.alert_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        user = self.request.user
        context.update(
            access=alert_access(user=user),
            can_report=services.can_report_alert(user),
            filter_invalid=not self.filterset.is_valid(),
            public_statuses=[str(s) for s in PUBLIC_ALERT_STATUSES],
        )
        return context


# --- one alert --------------------------------------------------------------------------


def staff_actions(alert: Alert) -> dict[str, Any]:
    """What staff may do to the alert now, from the assessment table."""
    targets = [to for to in allowed_targets(alert.status, {STAFF}) if to not in NEEDS_TARGET]
    similar = similar_alerts(alert=alert) if alert.status in OPEN_ALERT_STATUSES else []
    can_merge = AlertStatus.MERGED in allowed_targets(alert.status, {STAFF})
    transition_form = TransitionForm()
    if AlertStatus.DISMISSED not in targets:
        transition_form.fields["note"].help_text = _(
            "Kept in the alert’s history and e-mailed to the reporter."
        )
    return {
        "transition_buttons": [
            (to, TRANSITION_BUTTONS.get(to, AlertStatus(to).label)) for to in targets
        ],
        "transition_form": transition_form,
        "similar": similar,
        "can_merge": can_merge,
        "merge_form": MergeForm(candidates=similar) if can_merge else None,
        "can_escalate": alert.status == AlertStatus.CONFIRMED and not alert.escalated,
        "escalate_form": EscalateForm(),
        "merged_alerts": list(alert.merged_alerts.all()),
    }


class AlertDetailView(TemplateView):
    template_name = "alerts/alert_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        alert = alert_get(pk=self.kwargs["pk"], user=user)
        access = alert_access(user=user)
        is_staff = access >= Access.STAFF
        # As the lists' ``group_size``: the alert and the reports merged into it.
        alert.group_size = len(alert.merged_alerts.all()) + 1  # type: ignore[attr-defined]
        context.update(
            alert=alert,
            access=access,
            show_details=access >= Access.DETAILS,
            is_staff=is_staff,
            is_reporter=bool(user.is_authenticated and alert.reported_by_id == user.pk),
            is_public=alert.status in PUBLIC_ALERT_STATUSES,
            is_open=alert.status in OPEN_ALERT_STATUSES,
            ecosystems=list(alert.ecosystems.all()),
        )
        if access >= Access.DETAILS:
            transitions = list(alert.transitions.all())
            if not is_staff:
                # Escalation is for the Commission's senior management: staff only.
                transitions = [t for t in transitions if t.kind != TransitionKind.ESCALATION]
            context.update(
                reporters=alert_reporters(alert=alert),
                attachments=list(alert.attachments.all()),
                transitions=transitions,
                offer_links=[
                    link for link in alert.offer_links.all() if is_staff or link.offer.is_public
                ],
                cluster_links=[
                    link
                    for link in alert.cluster_links.all()
                    if is_staff or link.cluster.status == "published"
                ],
                can_edit=Alert.objects.editable_by(user).filter(pk=alert.pk).exists(),
                can_link=services.can_link_solutions(user) and alert.status in OPEN_ALERT_STATUSES,
                merged_into_visible=alert.merged_into is not None
                and (is_staff or alert.merged_into.status in PUBLIC_ALERT_STATUSES),
            )
        if is_staff:
            context.update(staff_actions(alert))
        return context


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An evidence file, for logged-in users who may see the alert.

    Always a download, never shown inline: a PDF is served as the reporter sent it."""
    alert = alert_get(pk=pk, user=request.user)
    attachment: AlertAttachment | None = next(
        (a for a in alert.attachments.all() if a.pk == attachment_pk), None
    )
    if attachment is None:
        raise Http404
    return stored_file_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- reporting and correcting -----------------------------------------------------------


class _AlertFormView(LoginRequiredMixin, FormView):
    template_name = "alerts/alert_form.html"
    form_class = AlertForm
    request: HttpRequest
    alert: Alert | None = None

    @property
    def user(self) -> User:
        return cast("User", self.request.user)

    def refusal(self) -> HttpResponse | None:
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        refused = self.refusal()
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.user
        kwargs["alert"] = self.alert
        kwargs["existing_attachments"] = len(self.alert.attachments.all()) if self.alert else 0
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["alert"] = self.alert
        context["is_cluster_manager"] = self.user.role == Role.CLUSTER_MANAGER
        context["no_cluster"] = "cluster" in form.fields and not form.fields["cluster"].queryset
        return context

    def save(self, form: AlertForm) -> Alert:
        raise NotImplementedError

    def form_valid(self, form: AlertForm) -> HttpResponse:
        try:
            alert = self.save(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You cannot make this change."))
            return self.form_invalid(form)
        return redirect(alert)


def _refused(request: HttpRequest, user: User) -> HttpResponse:
    """Who may not report is told why, with a 403."""
    return TemplateResponse(
        request,
        "alerts/alert_refused.html",
        {
            "is_authority": user.role == Role.AUTHORITY,
            "is_staff": user.is_commission_staff,
        },
        status=403,
    )


class AlertReportView(_AlertFormView):
    def refusal(self) -> HttpResponse | None:
        if services.can_report_alert(self.user):
            return None
        return _refused(self.request, self.user)

    def get_initial(self) -> dict[str, Any]:
        clusters = Cluster.objects.managed_by(self.user).order_by("name", "pk")
        only = list(clusters.values_list("pk", flat=True)[:2])
        # One cluster managed: it is the reporting cluster, nothing to choose.
        return {"cluster": only[0]} if len(only) == 1 else {}

    def save(self, form: AlertForm) -> Alert:
        # The files were checked by the form already, so the service stores them all or the
        # report fails before any is stored.
        alert = services.alert_report(
            by=self.user,
            data=form.service_data(),
            ecosystems=list(form.cleaned_data["ecosystems"]),
            attachments=form.cleaned_data["attachments"],
        )
        messages.success(
            self.request,
            _(
                "Your alert is reported. Commission staff will assess it; you will be told by "
                "e-mail. You can correct it until they start."
            ),
        )
        return alert


class AlertEditView(_AlertFormView):
    def refusal(self) -> HttpResponse | None:
        # Only the reporter, and only until staff start assessing it: 404 otherwise.
        self.alert = get_object_or_404(
            Alert.objects.editable_by(self.user)
            .select_related("cluster")
            .prefetch_related("ecosystems", "attachments"),
            pk=self.kwargs["pk"],
        )
        return None

    def get_initial(self) -> dict[str, Any]:
        assert self.alert is not None
        return AlertForm.initial_for(self.alert)

    def save(self, form: AlertForm) -> Alert:
        assert self.alert is not None
        stored: list[AlertAttachment] = []
        try:
            # The corrections and the new files stand or fall together.
            with transaction.atomic():
                alert = services.alert_update(
                    alert=self.alert,
                    by=self.user,
                    data=form.service_data(),
                    ecosystems=list(form.cleaned_data["ecosystems"]),
                )
                for upload in form.cleaned_data["attachments"]:
                    stored.append(
                        services.alert_attachment_add(alert=alert, upload=upload, by=self.user)
                    )
        except ValidationError:
            for attachment in stored:  # rolled back: the files must not stay behind
                attachment.file.delete(save=False)
            raise
        messages.success(self.request, _("Your alert is saved."))
        return alert


# --- "My alerts" ------------------------------------------------------------------------


class MyAlertsView(LoginRequiredMixin, ListView):
    """The alerts the user reported and those reported for a cluster they manage."""

    template_name = "alerts/my_alerts.html"
    context_object_name = "alerts"
    paginate_by = MINE_PAGE_SIZE
    filterset: AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        user = cast("User", self.request.user)
        mine = Alert.objects.visible_to(user).filter(
            Q(reported_by=user) | Q(cluster__in=Cluster.objects.managed_by(user))
        )
        self.filterset = AlertFilter(data=filter_data(self.request, STATUS_FILTERS), queryset=mine)
        prepare_alert_filter_form(self.filterset.form, STATUS_FILTERS)
        return selectors.alert_list(filterset=self.filterset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        list_context(self.request, self.filterset, context)
        user = cast("User", self.request.user)
        context.update(
            can_report=services.can_report_alert(user),
            is_cluster_manager=user.role == Role.CLUSTER_MANAGER,
            reported_status=AlertStatus.REPORTED,
        )
        return context


# --- the subscription -------------------------------------------------------------------


class SubscriptionView(LoginRequiredMixin, FormView):
    """Any logged-in user chooses which confirmed alerts reach them by e-mail, and how."""

    template_name = "alerts/subscription.html"
    form_class = SubscriptionForm
    subscription: Subscription | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.subscription = (
                Subscription.objects.filter(user=request.user)
                .prefetch_related("ecosystems")
                .first()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return SubscriptionForm.initial_for(self.subscription)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subscription"] = self.subscription
        return context

    def form_valid(self, form: SubscriptionForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            subscription = services.subscription_save(
                user=cast("User", self.request.user),
                ecosystems=list(data["ecosystems"]),
                countries=data["countries"],
                types=data["types"],
                frequency=data["frequency"],
                active=data["active"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if not subscription.active:
            messages.success(
                self.request, _("Your choices are saved; no alert e-mail is sent while paused.")
            )
        elif subscription.frequency == "daily":
            messages.success(
                self.request,
                _(
                    "Saved: you will get one e-mail a day listing the new confirmed alerts you chose."
                ),
            )
        else:
            messages.success(
                self.request,
                _("Saved: you will get an e-mail for each new confirmed alert you chose."),
            )
        return redirect("alerts:subscription")


alert_list = AlertListView.as_view()
alert_detail = AlertDetailView.as_view()
alert_report = AlertReportView.as_view()
alert_edit = AlertEditView.as_view()
my_alerts = MyAlertsView.as_view()
subscription = SubscriptionView.as_view()
