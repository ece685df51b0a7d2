"""Serializers of the offers and demand API: the shape of requests and what each caller may
read (see ``offers.api``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Manager, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.api import VisibleClusterField
from offers import selectors
from offers.models import (
    Demand,
    DemandStatus,
    Interest,
    Match,
    Offer,
    OfferAttachment,
    OfferStatus,
    OfferTransition,
)
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.models import Category

if TYPE_CHECKING:
    from collections.abc import Iterable


@extend_schema_field({"type": "string", "enum": OfferStatus.values}, component_name="OfferStatus")
class OfferStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OfferStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": DemandStatus.values}, component_name="DemandStatus")
class DemandStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DemandStatus.choices, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "enum": [code for code, _name in countries],
        "description": "ISO 3166 alpha-2 code (see /api/v1/countries/).",
    },
    component_name="CountryCode",
)
class CountryCodeField(CountryField):
    """A country the portal serves, as its ISO 3166 alpha-2 code."""


# --- confidential fields ----------------------------------------------------------------

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
INSIDER_FIELDS = ("price_indication", "registration_number")
_REVEAL = "confidential_access"  # serializer context key: offer id → (insider, contact)


def _reveal(context: Any, offers: Iterable[Offer]) -> None:
    """Work out, once per response, which of these offers' confidential fields the caller
    may read (``selectors.confidential_access``: two queries whatever the number)."""
    known: dict[int, tuple[bool, bool]] = context.setdefault(_REVEAL, {})
    missing = [offer for offer in offers if offer.pk not in known]
    if not missing:
        return
    access = selectors.confidential_access(offers=missing, user=context["request"].user)
    for offer in missing:
        known[offer.pk] = (offer.pk in access.insider, offer.pk in access.contact)


def revealed(context: Any, offer: Offer) -> tuple[bool, bool]:
    """``(insider, contact)`` for one offer: may the caller read its price and registration
    number, and its contact details."""
    _reveal(context, [offer])
    return cast("tuple[bool, bool]", context[_REVEAL][offer.pk])


class RevealingListSerializer(serializers.ListSerializer):
    """A list of offers (or of matches, each with an offer) whose confidential fields are
    decided for the whole page at once, so a list costs the same queries for 5 rows or 50."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, Manager | QuerySet) else data)
        _reveal(self.context, (getattr(item, "offer", item) for item in items))
        return super().to_representation(items)


# --- offers -----------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = OfferAttachment
        fields = ["name", "url", "content_type", "size"]
        read_only_fields = fields

    def get_url(self, attachment: OfferAttachment) -> str:
        link = reverse("offers:attachment", kwargs={"pk": attachment.pk})
        return self.context["request"].build_absolute_uri(link)


class OfferSerializer(serializers.ModelSerializer):
    """An offer. ``contact_*`` are null unless the caller is the poster, a manager of the
    channelling cluster, Commission staff, or an authority that has expressed interest in
    it; ``price_indication`` and ``registration_number`` only for the first three."""

    url = serializers.HyperlinkedIdentityField(view_name="api:offer-detail")
    page_url = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    cluster = VisibleClusterField(
        allow_null=True,
        required=False,
        help_text=_("The channelling cluster (cluster managers: one they manage)."),
    )
    delivery_countries = serializers.ListField(
        child=CountryCodeField(), required=False, help_text=_("ISO 3166 alpha-2 codes.")
    )
    certifications = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text=_("E.g. “CE”, “EN 149”, “EN 14683”."),
    )
    company_country = CountryCodeField(required=False)
    status = OfferStatusField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Offer
        list_serializer_class = RevealingListSerializer
        fields = [
            "id", "url", "page_url", "title", "description", "company_name",
            "company_country", "registration_number", "company_size", "cluster", "category",
            "product_details", "quantity", "unit", "capacity_per_week", "lead_time_days",
            "delivery_countries", "certifications", "price_indication", "valid_until",
            "contact_name", "contact_email", "contact_phone", "status", "submitted_at",
            "created_at", "updated_at", "duplicate_of", "attachments",
        ]  # fmt: skip
        read_only_fields = ["submitted_at", "duplicate_of"]
        extra_kwargs = {
            # A company representative's own organisation is the default (the service).
            "company_name": {"required": False},
            "quantity": {"coerce_to_string": False},
            "capacity_per_week": {"coerce_to_string": False},
            **{name: {"allow_null": True} for name in CONTACT_FIELDS + INSIDER_FIELDS},
        }

    def get_page_url(self, offer: Offer) -> str:
        return self.context["request"].build_absolute_uri(offer.get_absolute_url())

    def to_representation(self, instance: Offer) -> dict[str, Any]:
        data = super().to_representation(instance)
        insider, contact = revealed(self.context, instance)
        for name in () if contact else CONTACT_FIELDS:
            data[name] = None
        for name in () if insider else INSIDER_FIELDS:
            data[name] = None
        return cast("dict[str, Any]", data)


class TransitionSerializer(serializers.ModelSerializer):
    """One step of an offer's life; ``by`` is null when the portal itself acted (expiry)."""

    from_status = OfferStatusField(read_only=True)
    to_status = OfferStatusField(read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = OfferTransition
        fields = ["from_status", "to_status", "by", "at", "note"]
        read_only_fields = fields

    def get_by(self, transition: OfferTransition) -> str | None:
        return transition.by.get_full_name() if transition.by else None


class TransitionRequestSerializer(serializers.Serializer):
    to = OfferStatusField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandSerializer(serializers.ModelSerializer):
    """A public authority's demand; ``authority`` is the authority's organisation;
    ``expired_at`` is when the portal closed it because its needed-by date had passed (null
    for any other demand)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:demand-detail")
    page_url = serializers.SerializerMethodField()
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    country = CountryCodeField(read_only=True)
    certifications = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = DemandStatusField(read_only=True)
    authority = serializers.SerializerMethodField()

    class Meta:
        model = Demand
        fields = [
            "id", "url", "page_url", "title", "description", "category", "quantity", "unit",
            "needed_by", "country", "region", "urgency", "certifications", "status",
            "expired_at", "authority", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"quantity": {"coerce_to_string": False}}

    def get_page_url(self, demand: Demand) -> str:
        return self.context["request"].build_absolute_uri(demand.get_absolute_url())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_authority(self, demand: Demand) -> str | None:
        organisation = demand.authority.organisation
        return organisation.name if organisation else demand.authority.get_full_name()


class DemandWriteSerializer(serializers.ModelSerializer):
    """What a demand is made of. ``authority`` (staff only) is the id of the public
    authority's account it is posted for; ``status`` (changes only) is partially met, met or
    closed."""

    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    certifications = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False
    )
    authority = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.AUTHORITY),
        required=False,
        write_only=True,
        help_text=_("Staff only: the public authority's account id."),
    )
    country = CountryCodeField()
    status = DemandStatusField(required=False)

    class Meta:
        model = Demand
        fields = [
            "title", "description", "category", "quantity", "unit", "needed_by", "country",
            "region", "urgency", "certifications", "authority", "status",
        ]  # fmt: skip
        extra_kwargs = {"quantity": {"coerce_to_string": False}}


class PartSerializer(serializers.Serializer):
    """One reason in a match's score."""

    part = serializers.CharField(help_text=_("category, quantity, delivery, lead_time, …"))
    points = serializers.IntegerField()
    max = serializers.IntegerField()
    reason = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    email = serializers.EmailField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")


class MatchedOfferSerializer(serializers.ModelSerializer):
    """A matched offer in brief. ``contact`` is null until the authority has expressed
    interest in it (the poster, its cluster and staff always see it)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:offer-detail")
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    delivery_countries = serializers.ListField(child=CountryCodeField(), read_only=True)
    status = OfferStatusField(read_only=True)
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id", "url", "title", "company_name", "category", "quantity", "unit",
            "lead_time_days", "delivery_countries", "status", "contact",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"quantity": {"coerce_to_string": False}}

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, offer: Offer) -> dict[str, Any] | None:
        _insider, contact = revealed(self.context, offer)
        return dict(ContactSerializer(offer).data) if contact else None


class DemandMatchSerializer(serializers.ModelSerializer):
    offer = MatchedOfferSerializer(read_only=True)
    parts = PartSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        list_serializer_class = RevealingListSerializer
        fields = ["offer", "score", "parts"]
        read_only_fields = fields


class MatchedDemandSerializer(DemandSerializer):
    class Meta(DemandSerializer.Meta):
        fields = [
            "id", "url", "title", "category", "quantity", "unit", "needed_by", "country",
            "region", "urgency", "status", "authority",
        ]  # fmt: skip
        read_only_fields = fields


class OfferMatchSerializer(serializers.ModelSerializer):
    demand = MatchedDemandSerializer(read_only=True)
    parts = PartSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = ["demand", "score", "parts"]
        read_only_fields = fields


class InterestRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InterestSerializer(serializers.ModelSerializer):
    """The interest, with the offer's contact details now shown to the authority."""

    offer = MatchedOfferSerializer(read_only=True)

    class Meta:
        model = Interest
        fields = ["demand", "offer", "note", "expressed_at"]
        read_only_fields = fields
