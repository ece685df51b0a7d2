"""The offers API under ``/api/v1/``: offers and their lifecycle, demand, matches, interest.

Serializers check only the shape of a request; ``offers.services`` decide what is allowed
and valid, ``Offer.objects.visible_to`` / ``Demand.objects.visible_to`` (through the
selectors) who sees what. The answers:

- reading: what ``visible_to`` allows (staff: everything; a company its own offers and the
  public catalogue; a cluster manager also the offers its clusters channel; an authority also
  the offers matched to its demand; everyone open demand). Anything else is 404, for
  reading and for writing, so drafts do not leak;
- confidential fields (``contact_*``, ``price_indication``, ``registration_number``) are
  ``null`` unless ``selectors.confidential_access`` lets the caller read them;
- changing something the caller can see but not change is 403, and so is creating without
  the role (offers: company representatives and cluster managers; demand: verified public
  authorities and staff). Without credentials a write is 401 (token) or 403 (session);
- a service's ``ValidationError`` (an illegal transition too) is 400 with per-field messages.

Offers are never deleted through the API: there is no service for it, a draft nobody
submits simply expires with its "valid until" date, and a submitted offer is part of the
Commission's record. ``DELETE`` is therefore 405.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Manager, QuerySet
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from clusters.api import SelectorFilterDocs, VisibleClusterField
from offers import selectors, services
from offers.filters import DemandFilter, OfferFilter
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
from offers.services.offers import can_post_offer
from portal.accounts.models import User
from portal.accounts.permissions import can_publish_demand
from portal.accounts.roles import Role
from portal.core.api_errors import service_errors, valid_filterset
from portal.core.models import Category

if TYPE_CHECKING:
    from collections.abc import Iterable


def _user(request: Request) -> User:
    """The caller, once a permission class has let only signed-in people through."""
    return cast("User", request.user)


class ListPagination(PageNumberPagination):
    page_size = 50


# --- choice sets, named once in the schema ----------------------------------------------


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


def _revealed(context: Any, offer: Offer) -> tuple[bool, bool]:
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
        insider, contact = _revealed(self.context, instance)
        for name in () if contact else CONTACT_FIELDS:
            data[name] = None
        for name in () if insider else INSIDER_FIELDS:
            data[name] = None
        return cast("dict[str, Any]", data)


class OfferListView(generics.ListCreateAPIView):
    """Offers the caller may see, filtered like the triage queue (50 a page): staff see all,
    others their own, those their clusters channel, those matched to their demand, and the
    public catalogue. POST posts a new offer as a draft (company representatives for their
    company; cluster managers for a member company, naming the ``cluster``)."""

    serializer_class = OfferSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ListPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = OfferFilter

    def get_queryset(self) -> QuerySet[Offer]:
        filterset = selectors.offer_filterset(
            data=self.request.query_params, user=self.request.user, request=self.request
        )
        # The API shows each offer's attachments; the pages' lists do not need them.
        return selectors.offer_list(filterset=valid_filterset(filterset)).prefetch_related(
            "attachments"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not can_post_offer(user):
            raise exceptions.PermissionDenied(
                _("Only company representatives and cluster managers post offers.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            offer = services.offer_create(by=user, data=dict(serializer.validated_data))
        offer = selectors.offer_get(pk=offer.pk, user=user)
        return Response(self.get_serializer(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailView(generics.RetrieveUpdateAPIView):
    """One offer the caller may see (else 404). PUT/PATCH: its poster, while it is a draft
    or needs information (else 403). Offers are not deleted through the API."""

    serializer_class = OfferSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Offer]:
        return Offer.objects.visible_to(self.request.user)

    def get_object(self) -> Offer:
        return selectors.offer_get(pk=self.kwargs["pk"], user=self.request.user)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        offer = self.get_object()  # 404 before 403: an invisible draft does not leak
        if not Offer.objects.editable_by(user).filter(pk=offer.pk).exists():
            raise exceptions.PermissionDenied(_("This offer cannot be changed now."))
        serializer = self.get_serializer(
            offer, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.offer_update(offer=offer, by=user, data=dict(serializer.validated_data))
        offer = selectors.offer_get(pk=offer.pk, user=user)
        return Response(self.get_serializer(offer).data)


# --- the lifecycle ----------------------------------------------------------------------


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


class OfferTransitionsView(generics.GenericAPIView):
    """An offer's history, and moving it along its lifecycle.

    GET: the history, for the poster, the channelling cluster's managers and staff (others
    who can see the offer: 403). POST ``{"to": ..., "note": ...}``: the poster submits a
    draft and answers "needs information" (``submitted``); only staff move it further. A
    change the lifecycle does not allow is 400 on ``to``; one not allowed to the caller 403.
    """

    serializer_class = TransitionSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self) -> QuerySet[OfferTransition]:
        return OfferTransition.objects.none()  # for the schema; the offer's own are read

    @extend_schema(responses=TransitionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        offer = selectors.offer_get(pk=pk, user=request.user)
        insider, _contact = _revealed(self.get_serializer_context(), offer)
        if not insider:
            raise exceptions.PermissionDenied(
                _("Only the poster, its cluster and Commission staff see an offer's history.")
            )
        return Response(TransitionSerializer(offer.transitions.all(), many=True).data)

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            201: TransitionSerializer,
            400: OpenApiResponse(description="Not a change the lifecycle allows now."),
            403: OpenApiResponse(description="Not a change this caller may make."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        offer = selectors.offer_get(pk=pk, user=user)
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.offer_transition(
                offer=offer,
                to_status=serializer.validated_data["to"],
                by=user,
                note=serializer.validated_data["note"],
            )
        *_earlier, step = selectors.offer_get(pk=pk, user=user).transitions.all()
        return Response(TransitionSerializer(step).data, status=status.HTTP_201_CREATED)


# --- demand -----------------------------------------------------------------------------


class DemandSerializer(serializers.ModelSerializer):
    """A public authority's demand; ``authority`` is the authority's organisation."""

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
            "authority", "created_at",
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


class DemandListView(generics.ListCreateAPIView):
    """Demand the caller may see (open demand is public; an authority also sees its own
    met and closed demand; staff all), 50 a page. POST publishes a demand: verified public
    authorities for themselves, Commission staff for the ``authority`` they name."""

    serializer_class = DemandSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ListPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = DemandFilter

    def get_queryset(self) -> QuerySet[Demand]:
        filterset = selectors.demand_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.demand_list(filterset=valid_filterset(filterset))

    @extend_schema(request=DemandWriteSerializer, responses={201: DemandSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not can_publish_demand(user):
            raise exceptions.PermissionDenied(
                _("Only a verified public authority (or Commission staff) can publish demand.")
            )
        serializer = DemandWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        authority = data.pop("authority", None)
        data.pop("status", None)  # a new demand is open
        with service_errors():
            demand = services.demand_create(by=user, data=data, authority=authority)
        demand = selectors.demand_get(pk=demand.pk, user=user)
        return Response(self.get_serializer(demand).data, status=status.HTTP_201_CREATED)


class DemandDetailView(generics.RetrieveUpdateAPIView):
    """One demand the caller may see (else 404). PATCH: its authority (verified) and staff
    change it; ``{"status": ...}`` marks it partially met, met or closed (else 403)."""

    serializer_class = DemandSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Demand]:
        return Demand.objects.visible_to(self.request.user)

    def get_object(self) -> Demand:
        return selectors.demand_get(pk=self.kwargs["pk"], user=self.request.user)

    @extend_schema(request=DemandWriteSerializer, responses=DemandSerializer)
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        demand = self.get_object()  # 404 before 403
        if not Demand.objects.editable_by(user).filter(pk=demand.pk).exists():
            raise exceptions.PermissionDenied(_("You cannot change this demand."))
        serializer = DemandWriteSerializer(demand, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("authority", None)  # a demand stays with its authority
        to_status = data.pop("status", None)
        # Both or neither: a field change and a status change in one request.
        with service_errors(), transaction.atomic():
            if data:
                demand = services.demand_update(demand=demand, by=user, data=data)
            if to_status is not None and to_status != demand.status:
                demand = services.demand_set_status(demand=demand, to_status=to_status, by=user)
        demand = selectors.demand_get(pk=demand.pk, user=user)
        return Response(self.get_serializer(demand).data)


# --- matches and interest ---------------------------------------------------------------


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
        _insider, contact = _revealed(self.context, offer)
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


class DemandMatchesView(generics.ListAPIView):
    """The ranked candidate offers for a demand (best first, 50 a page), each with its score
    and the parts that make it. Only the demand's authority and Commission staff get them;
    anyone else who can see the demand gets an empty list."""

    serializer_class = DemandMatchSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ListPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        demand = selectors.demand_get(pk=self.kwargs["pk"], user=self.request.user)
        return selectors.demand_matches(demand=demand, user=self.request.user)


class OfferMatchesView(generics.ListAPIView):
    """The open demands an offer could meet (best first, 50 a page), with score and parts:
    for the offer's poster and staff; anyone else who can see the offer gets an empty list."""

    serializer_class = OfferMatchSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ListPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        offer = selectors.offer_get(pk=self.kwargs["pk"], user=self.request.user)
        return selectors.offer_matches(offer=offer, user=self.request.user)


class InterestRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InterestSerializer(serializers.ModelSerializer):
    """The interest, with the offer's contact details now shown to the authority."""

    offer = MatchedOfferSerializer(read_only=True)

    class Meta:
        model = Interest
        fields = ["demand", "offer", "note", "expressed_at"]
        read_only_fields = fields


class InterestView(generics.GenericAPIView):
    """The demand's authority (or staff for it) expresses interest in a matched offer: both
    sides are told by e-mail, and the company's contact details are shown from now on.
    Anyone else 403; an offer that is not among the demand's matches 400."""

    serializer_class = InterestSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Interest]:
        return Interest.objects.none()  # for the schema; the service writes the row

    @extend_schema(request=InterestRequestSerializer, responses={201: InterestSerializer})
    def post(self, request: Request, pk: int, offer_pk: int) -> Response:
        user = _user(request)
        demand = selectors.demand_get(pk=pk, user=user)
        offer = selectors.offer_get(pk=offer_pk, user=user)
        serializer = InterestRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            interest = services.interest_express(
                demand=demand, offer=offer, by=user, note=serializer.validated_data["note"]
            )
        return Response(self.get_serializer(interest).data, status=status.HTTP_201_CREATED)


api_urlpatterns: list[URLPattern] = [
    path("offers/", OfferListView.as_view(), name="offer-list"),
    path("offers/<int:pk>/", OfferDetailView.as_view(), name="offer-detail"),
    path("offers/<int:pk>/transitions/", OfferTransitionsView.as_view(), name="offer-transitions"),
    path("offers/<int:pk>/matches/", OfferMatchesView.as_view(), name="offer-matches"),
    path("demands/", DemandListView.as_view(), name="demand-list"),
    path("demands/<int:pk>/", DemandDetailView.as_view(), name="demand-detail"),
    path("demands/<int:pk>/matches/", DemandMatchesView.as_view(), name="demand-matches"),
    path(
        "demands/<int:pk>/matches/<int:offer_pk>/interest/",
        InterestView.as_view(),
        name="demand-interest",
    ),
]
