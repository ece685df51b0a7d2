from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, UpdateView

from portal.accounts import services, throttle
from portal.accounts.forms import (
    AccountForm,
    EmailAuthenticationForm,
    QueuedPasswordResetForm,
    RegistrationForm,
)
from portal.accounts.models import User
from portal.accounts.permissions import CommissionStaffRequiredMixin, can_publish_demand


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        lockout = getattr(form, "lockout", None)
        if lockout is not None:  # the throttle refused: say so to browsers and scripts alike
            response.status_code = 429
            response["Retry-After"] = str(lockout.seconds)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm
    success_url = reverse_lazy("accounts:me")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect("accounts:me")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            user = services.account_register(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                role=data["role"],
                organisation_name=data["organisation_name"],
                country=data["country"],
            )
        except ValidationError as exc:
            # A race (the same e-mail registered twice at once) ends here, not in a 500.
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        login(self.request, user, backend="portal.accounts.backends.EmailBackend")
        if user.needs_verification:
            messages.info(
                self.request,
                _(
                    "Welcome! Commission staff will verify your public authority account; "
                    "you can publish demand once they have."
                ),
            )
        else:
            messages.success(self.request, _("Welcome! Your account is ready."))
        return HttpResponseRedirect(self.get_success_url())


class MyAccountView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/me.html"
    form_class = AccountForm
    success_url = reverse_lazy("accounts:me")

    def get_object(self, queryset: Any = None) -> Any:
        return User.objects.select_related("organisation").get(pk=self.request.user.pk or 0)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_publish_demand"] = can_publish_demand(self.object)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your details are saved."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever proved they hold the mailbox may log in with the new password at once,
        # whatever failures locked the account (the client address's count stays).
        throttle.attempt_succeeded(email=form.user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class VerificationQueueView(CommissionStaffRequiredMixin, ListView):
    """Commission staff: public authority accounts waiting to be verified."""

    template_name = "accounts/verification_queue.html"
    context_object_name = "accounts"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return User.objects.awaiting_verification().select_related("organisation")


class VerifyAccountView(CommissionStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = get_object_or_404(User.objects.awaiting_verification(), pk=pk)
        services.account_verify(user=user, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(email)s is verified.") % {"email": user.email})
        return redirect("accounts:verification_queue")
