"""Accounts: people log in by e-mail, have one role, and belong to one organisation."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.accounts.roles import ROLES_NEEDING_VERIFICATION, OrganisationKind, Role
from portal.core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    """A company, cluster organisation, public authority or Commission service."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # Registration reuses an organisation by name: one row per name and kind.
            models.UniqueConstraint(
                Lower("name"), "kind", name="organisation_unique_name_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet["User"]):
    def awaiting_verification(self) -> UserQuerySet:
        return self.filter(
            role__in=ROLES_NEEDING_VERIFICATION, is_verified=False, is_active=True
        ).order_by("date_joined")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def awaiting_verification(self) -> UserQuerySet:
        return self.get_queryset().awaiting_verification()

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are unique whatever their case.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.COMMISSION)
        extra.setdefault("is_verified", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person using the portal. Superusers administer; the role says what else they do."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        related_name="members",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Public authorities can publish demand only once Commission staff verify them."
        ),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "self",
        verbose_name=_("verified by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]
        indexes = [
            # Serves the staff page of accounts awaiting verification.
            models.Index(fields=["role", "is_verified"], name="user_role_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_commission_staff(self) -> bool:
        """Commission staff, or a superuser (who may do anything staff do)."""
        return self.is_active and (self.role == Role.COMMISSION or self.is_superuser)

    @property
    def needs_verification(self) -> bool:
        return self.role in ROLES_NEEDING_VERIFICATION and not self.is_verified
