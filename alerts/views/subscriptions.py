"""The alert subscription in the browser: any logged-in user chooses which confirmed alerts
reach them by e-mail (by industrial ecosystem, country and type of disruption), one e-mail per
alert or a daily digest, and may pause the e-mails and keep the choices. They are saved by
``alerts.services.subscription_save``, whose ``ValidationError`` goes back onto the form's
fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from alerts import services
from alerts.forms import SubscriptionForm
from alerts.models import Subscription
from portal.core.form_errors import apply_service_errors

if TYPE_CHECKING:
    from portal.accounts.models import User


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


subscription = SubscriptionView.as_view()
