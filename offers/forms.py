"""The forms of the offer and demand pages.

Forms check the shape of the input (types, ranges, the uploads); the rules between fields and
who may do what stay in ``offers.services``, whose ``ValidationError`` the views put back on
these forms' fields.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.forms import DateInput, TagsField
from clusters.models import Cluster
from offers.models import CompanySize, Demand, Offer, Urgency
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.models import Category
from portal.core.selectors import category_list
from portal.core.uploads import MAX_DOCUMENT_BYTES, check_document_uploads

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

MAX_ATTACHMENTS = 10
_OFFER_SPECIAL_FIELDS = {"attachments", "company_country", "delivery_countries", "certifications"}


def not_in_the_past(value: datetime.date | None) -> datetime.date | None:
    """The services refuse a past date too; checking here shows it with the form's other
    errors instead of after them."""
    if value is not None and value < timezone.localdate():
        raise ValidationError(_("This date has passed."))
    return value


def country_choices() -> list[tuple[str, str]]:
    """The portal's countries (``COUNTRIES_ONLY``), by name in the current language."""
    return [(code, str(name)) for code, name in countries]


class CategoryField(forms.ModelChoiceField):
    """One category of the reference taxonomy, offered as a select grouped by parent.

    A parent is a choice too (“all of it”), listed first in its group. The value is the
    category's slug, as in the API.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("Choose a category"))
        super().__init__(queryset=category_list(), to_field_name="slug", **kwargs)

    def grouped_choices(self) -> list[tuple[Any, Any]]:
        categories: list[Category] = list(self.queryset)  # type: ignore[arg-type]
        children: dict[int, list[Category]] = {}
        for category in categories:
            if category.parent_id is not None:
                children.setdefault(category.parent_id, []).append(category)
        groups: list[tuple[Any, Any]] = [("", self.empty_label)]
        for category in categories:
            if category.parent_id is not None:
                continue
            kids = children.get(category.pk, [])
            if not kids:
                groups.append((category.slug, category.name))
                continue
            options = [(category.slug, _("%(name)s (any)") % {"name": category.name})]
            options += [(child.slug, child.name) for child in kids]
            groups.append((category.name, options))
        return groups


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; ``clean`` gives a list (empty when none was chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _with_grouped_categories(field: forms.Field) -> None:
    assert isinstance(field, CategoryField)
    field.choices = field.grouped_choices()


class OfferForm(forms.Form):
    """An offer. ``service_data()`` is the ``data`` of ``offer_create``/``offer_update``;
    ``cleaned_data["attachments"]`` the uploads, each already checked by content."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What you offer, in a few words (for example “FFP2 respirators, EN 149”)."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    company_country = forms.ChoiceField(label=_("Company country"), choices=[])
    registration_number = forms.CharField(
        label=_("Registration or VAT number"),
        max_length=40,
        required=False,
        help_text=_("Seen only by Commission staff and the channelling cluster."),
    )
    company_size = forms.ChoiceField(
        label=_("Company size"), choices=CompanySize.choices, widget=forms.RadioSelect
    )
    cluster = forms.ModelChoiceField(
        label=_("Channelling cluster"),
        queryset=Cluster.objects.none(),
        empty_label=_("Choose a cluster"),
        help_text=_("The cluster you manage that channels this member company’s offer."),
    )
    category = CategoryField(label=_("Solution category"))
    product_details = forms.CharField(
        label=_("Product details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Models, sizes, materials, standards met: what a buyer needs to know."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity available"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": "0", "step": "any", "inputmode": "decimal"}),
        error_messages={"min_value": _("A quantity cannot be negative.")},
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=40, help_text=_("For example pieces, litres, boxes of 50.")
    )
    capacity_per_week = forms.DecimalField(
        label=_("Production capacity per week"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": "0", "step": "any", "inputmode": "decimal"}),
        error_messages={"min_value": _("A capacity cannot be negative.")},
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("Days from order to delivery."),
    )
    delivery_countries = forms.MultipleChoiceField(
        label=_("Delivery countries"),
        choices=[],
        required=False,
        help_text=_("Where you can deliver. Authorities see first the offers that reach them."),
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = TagsField(
        label=_("Certifications"),
        help_text=_("For example CE marking, EN 149, EN 14683. Separate them with commas."),
    )
    price_indication = forms.CharField(
        label=_("Price indication"),
        max_length=200,
        required=False,
        help_text=_("Seen only by Commission staff and the channelling cluster."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        help_text=_("The offer expires after this date."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    attachments = MultipleFileField(
        label=_("Datasheets"),
        widget=MultipleFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/gif,image/webp"}
        ),
        help_text=_(
            "PDF files or images (PNG, JPEG, GIF, WebP), at most %(size)s MB each and "
            "%(count)s in all. You can choose several at once."
        )
        % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024), "count": MAX_ATTACHMENTS},
    )

    def __init__(
        self, *args: Any, user: User | AnonymousUser, existing_attachments: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing_attachments = existing_attachments
        self.fields["company_country"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a country")),
            *country_choices(),
        ]
        self.fields["delivery_countries"].choices = country_choices()  # type: ignore[attr-defined]
        _with_grouped_categories(self.fields["category"])
        if getattr(user, "role", None) == Role.CLUSTER_MANAGER:
            clusters = Cluster.objects.managed_by(user).order_by("name", "pk")
            self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        else:
            # A company representative offers for their own company, never through a cluster.
            del self.fields["cluster"]

    @staticmethod
    def initial_for_user(user: User) -> dict[str, Any]:
        """A company representative's company and contact details, to start from."""
        if user.role != Role.COMPANY:
            return {}
        initial: dict[str, Any] = {
            "contact_name": user.full_name,
            "contact_email": user.email,
        }
        if user.organisation is not None:
            initial["company_name"] = user.organisation.name
            initial["company_country"] = str(user.organisation.country or "")
        return initial

    @classmethod
    def initial_for(cls, offer: Offer) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(offer, name)
            for name in cls.base_fields
            if name not in _OFFER_SPECIAL_FIELDS
        }
        initial["company_country"] = str(offer.company_country)
        initial["delivery_countries"] = [str(c) for c in offer.delivery_countries]
        initial["certifications"] = ", ".join(offer.certifications or [])
        return initial

    def clean_valid_until(self) -> datetime.date | None:
        return not_in_the_past(self.cleaned_data.get("valid_until"))

    def clean_attachments(self) -> list[UploadedFile]:
        """Every file is checked here, before anything is saved: one bad file refuses all."""
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        check_document_uploads(
            uploads,
            existing=self.existing_attachments,
            maximum=MAX_ATTACHMENTS,
            too_many=_("An offer has at most %(count)s datasheets."),
        )
        return uploads

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("attachments", None)
        return data


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation.name if obj.organisation_id else ""
        return f"{organisation} — {obj.email}" if organisation else str(obj.email)


class DemandForm(forms.Form):
    """A demand. ``service_data()`` is the ``data`` of ``demand_create``/``demand_update``."""

    authority = AuthorityChoiceField(
        label=_("Public authority"),
        queryset=User.objects.none(),
        empty_label=_("Choose a verified public authority"),
        help_text=_("The demand is published in this authority’s name and it sees the matches."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What is needed, in a few words (for example “FFP2 masks for hospitals”)."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    category = CategoryField(label=_("Category"))
    quantity = forms.DecimalField(
        label=_("Quantity needed"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": "0", "step": "any", "inputmode": "decimal"}),
        error_messages={"min_value": _("Give a quantity above zero.")},
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=40, help_text=_("For example pieces, litres, boxes of 50.")
    )
    needed_by = forms.DateField(label=_("Needed by"), widget=DateInput())
    country = forms.ChoiceField(label=_("Delivery country"), choices=[])
    region = forms.CharField(label=_("Delivery region"), max_length=120, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.URGENT,
        widget=forms.RadioSelect,
    )
    certifications = TagsField(
        label=_("Certifications required"),
        help_text=_("For example CE marking, EN 149. Separate them with commas."),
    )

    def __init__(
        self, *args: Any, user: User | AnonymousUser, new: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a country")),
            *country_choices(),
        ]
        _with_grouped_categories(self.fields["category"])
        if new and getattr(user, "is_commission_staff", False):
            field = self.fields["authority"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = (
                User.objects.filter(role=Role.AUTHORITY, is_verified=True, is_active=True)
                .select_related("organisation")
                .order_by("organisation__name", "email")
            )
        else:
            # An authority publishes in its own name; a demand never changes hands.
            del self.fields["authority"]

    def clean_needed_by(self) -> datetime.date | None:
        value = self.cleaned_data.get("needed_by")
        if value is not None and value == self.initial.get("needed_by"):
            return value  # an older demand keeps its date when other fields are edited
        return not_in_the_past(value)

    @classmethod
    def initial_for(cls, demand: Demand) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(demand, name)
            for name in cls.base_fields
            if name not in {"authority", "country", "certifications"}
        }
        initial["country"] = str(demand.country)
        initial["certifications"] = ", ".join(demand.certifications or [])
        return initial

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("authority", None)
        if "needed_by" in self.initial and data.get("needed_by") == self.initial["needed_by"]:
            # Unchanged: the service checks only a date given anew.
            data.pop("needed_by", None)
        return data


class InterestForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the company"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
