"""Who may do what, decided from the account alone. Views, API and services all ask here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import UserPassesTestMixin
from rest_framework.permissions import BasePermission

from portal.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


def is_commission_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


def can_publish_demand(user: User | AnonymousUser) -> bool:
    """A verified public authority publishes demand; Commission staff may post for one."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_commission_staff(user):
        return True
    return user.role == Role.AUTHORITY and user.is_verified


def can_verify_accounts(user: User | AnonymousUser) -> bool:
    return is_commission_staff(user)


class CommissionStaffRequiredMixin(UserPassesTestMixin):
    """For staff pages: anonymous users are sent to log in, others get 403."""

    def test_func(self) -> bool:
        return is_commission_staff(self.request.user)  # type: ignore[attr-defined]


class IsCommissionStaff(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return is_commission_staff(request.user)


class CanPublishDemand(BasePermission):
    message = "Only a verified public authority or Commission staff can publish demand."

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_publish_demand(request.user)
