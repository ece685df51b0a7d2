"""Reporting an alert and correcting it, in the browser, with ``alerts.forms.AlertForm``.
Cluster managers report for a cluster they manage and verified public authorities in their
own name; anyone else who tries is told why, with a 403. Only the reporter may correct an
alert, and only until staff start assessing it (a 404 otherwise). Writes go through
``alerts.services``: a service's ``ValidationError`` goes back onto the form's fields and its
``PermissionDenied`` onto the form as a whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from alerts import services
from alerts.forms import AlertForm
from alerts.models import Alert, AlertAttachment
from clusters.models import Cluster
from portal.accounts.roles import Role
from portal.core.form_errors import apply_service_errors
from portal.core.views import RefusableFormView

if TYPE_CHECKING:
    from portal.accounts.models import User


class _AlertFormView(RefusableFormView):
    template_name = "alerts/alert_form.html"
    form_class = AlertForm
    alert: Alert | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
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


alert_report = AlertReportView.as_view()
alert_edit = AlertEditView.as_view()
