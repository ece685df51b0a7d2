"""What people do with accounts: register, be created by an operator, be verified, log in."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import throttle
from portal.accounts.models import Organisation, User
from portal.accounts.permissions import can_verify_accounts
from portal.accounts.roles import (
    ORGANISATION_KIND_FOR_ROLE,
    ROLES_NEEDING_VERIFICATION,
    SELF_REGISTRATION_ROLES,
    Role,
)
from portal.core.mail import queue_email


def organisation_get_or_create(*, name: str, role: str, country: str = "") -> Organisation:
    """The organisation of this name for people of this role, made if it is new."""
    kind = ORGANISATION_KIND_FOR_ROLE[Role(role)]
    name = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=name, kind=kind).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=name, kind=kind, country=country)
    return organisation


@transaction.atomic
def account_create(
    *,
    email: str,
    role: str,
    password: str | None,
    full_name: str = "",
    organisation_name: str = "",
    country: str = "",
    verified: bool = False,
    validate: bool = True,
) -> User:
    """Make an account of any role (operators, scripts and registration all come here).

    ``verified`` only matters for roles that need verification; every other account is
    verified from the start. Raises ``ValidationError`` with field messages.
    """
    errors: dict[str, list[str]] = {}
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        errors["role"] = [
            _("“%(role)s” is not a role. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        ]
    if not email:
        errors["email"] = [_("An e-mail address is required.")]
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
    if password is not None and validate and not errors:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    organisation = (
        organisation_get_or_create(name=organisation_name, role=role, country=country)
        if organisation_name.strip()
        else None
    )
    needs_verification = role in ROLES_NEEDING_VERIFICATION and not verified
    user = User.objects.create_user(
        email,
        password,
        role=role,
        full_name=full_name.strip(),
        organisation=organisation,
        is_verified=not needs_verification,
        verified_at=None if needs_verification else timezone.now(),
    )
    return user


def account_register(
    *,
    email: str,
    password: str,
    full_name: str,
    role: str,
    organisation_name: str,
    country: str,
) -> User:
    """Someone signs up in the browser. Never grants a role outside self-registration."""
    if role not in SELF_REGISTRATION_ROLES:
        raise ValidationError({"role": [_("This role cannot be chosen when registering.")]})
    return account_create(
        email=email,
        role=role,
        password=password,
        full_name=full_name,
        organisation_name=organisation_name,
        country=country,
        verified=False,
    )


def account_authenticate(*, request: HttpRequest | None, email: str, password: str) -> User | None:
    """Someone logs in with an e-mail and a password (the login page, the API token).

    The account, or ``None`` when the e-mail or the password is not right. Raises
    ``throttle.LoginLockedOut`` when the account or the client's address has failed too
    often (portal/accounts/throttle.py): the password was then not checked, or this very
    attempt reached the limit.
    """
    user = authenticate(request, username=email, password=password)
    if user is None:
        lockout = throttle.lockout(email=email, ip=throttle.client_ip(request))
        if lockout is not None:
            raise throttle.LoginLockedOut(lockout)
    return user


@transaction.atomic
def account_verify(*, user: User, by: User) -> User:
    """Commission staff confirm a public authority: it may now publish demand.

    The authority is told by e-mail once the change is committed.
    """
    if not can_verify_accounts(by):
        raise PermissionError("Only Commission staff can verify accounts.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_verified:
        return user
    user.is_verified = True
    user.verified_at = timezone.now()
    user.verified_by = by
    user.save(update_fields=["is_verified", "verified_at", "verified_by"])
    queue_email(
        to=[user.email],
        subject=_("Your account on the Clusters Response Portal is verified"),
        template="accounts/email/account_verified.txt",
        context={"user": user},
    )
    return user
