from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.accounts.models import User
from portal.accounts.roles import SELF_REGISTRATION_ROLES, Role
from portal.accounts.services import account_authenticate
from portal.accounts.throttle import Lockout, LoginLockedOut
from portal.core.mail import queue_email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not right. Check both and try again, "
            "or reset your password."
        ),
    }
    # Set when the login throttle refused: the view answers 429 with Retry-After.
    lockout: Lockout | None = None

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = account_authenticate(
                    request=self.request, email=email, password=password
                )
            except LoginLockedOut as exc:
                self.lockout = exc.lockout
                raise forms.ValidationError(exc.lockout.message, code="locked_out") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class RegistrationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I register as"),
        choices=[(role.value, role.label) for role in SELF_REGISTRATION_ROLES],
        widget=forms.RadioSelect,
        help_text=_(
            "Public authority accounts can publish demand once Commission staff have verified "
            "them. Commission staff accounts are made by the portal's administrators."
        ),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Your company, cluster organisation or public authority."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=[])
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this e-mail address already exists. Log in or reset your password."
                )
            )
        return email

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        if role == Role.COMMISSION:  # ChoiceField already refuses it: belt and braces.
            raise forms.ValidationError(_("This role cannot be chosen when registering."))
        return role

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail sent by a worker after commit."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        queue_email(
            to=[to_email],
            subject=str(_("Reset your password on the Clusters Response Portal")),
            template=email_template_name,
            context=context,
        )
