"""Reads of offers, demand and matches. Each selector owns its prefetching, so its query count
does not grow with the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from clusters.models import ClusterManager
from offers.filters import DemandFilter, OfferFilter
from offers.models import (
    OPEN_DEMAND_STATUSES,
    PUBLIC_OFFER_STATUSES,
    Delivery,
    DeliveryStatus,
    Demand,
    Destination,
    Interest,
    Match,
    Offer,
    OfferStatus,
    OfferTransition,
    RoutingRule,
)
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

STAFF_ONLY_FILTERS = ("assignee", "has_duplicates", "older_than_days")
OFFER_LIST_RELATED = ("category", "category__parent", "cluster", "assignee", "submitted_by")


def _offer_list_queryset(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.select_related(*OFFER_LIST_RELATED).annotate(
        duplicate_count=Count("possible_duplicates", distinct=True)
    )


def offer_filterset(*, data: Any, user: AnyUser, request: HttpRequest | None = None) -> OfferFilter:
    """Offers this user may see, filtered (the triage queue for staff; own offers for others).

    Triage details (who is assigned, which offers look duplicated) are for staff only."""
    filterset = OfferFilter(data=data, queryset=Offer.objects.visible_to(user), request=request)
    if not (user.is_authenticated and user.is_commission_staff):
        for name in STAFF_ONLY_FILTERS:
            filterset.filters.pop(name, None)
    return filterset


def offer_list(*, filterset: OfferFilter) -> QuerySet[Offer]:
    queryset = filterset.qs
    ordering = queryset.query.order_by or ("-submitted_at", "-created_at")
    return _offer_list_queryset(queryset.order_by(*ordering, "-pk"))


def offer_catalogue_filterset(*, data: Any) -> OfferFilter:
    """The public catalogue "Solutions": accepted and routed offers."""
    return OfferFilter(data=data, queryset=Offer.objects.public())


def offer_get(*, pk: int, user: AnyUser) -> Offer:
    """An offer the user may see, with its history, attachments and delivery to the
    Commission (if any); 404 otherwise."""
    queryset = (
        Offer.objects.visible_to(user)
        # "delivery" is a reverse one-to-one: a LEFT JOIN, so an offer without one still loads.
        .select_related(
            *OFFER_LIST_RELATED,
            "duplicate_of",
            "delivery",
            "delivery__destination",
            "delivery__rule",
        )
        .prefetch_related(
            "attachments",
            Prefetch("transitions", queryset=OfferTransition.objects.select_related("by")),
            Prefetch("duplicates", queryset=Offer.objects.select_related("cluster")),
            Prefetch("possible_duplicates", queryset=Offer.objects.select_related("cluster")),
        )
    )
    try:
        return queryset.get(pk=pk)
    except Offer.DoesNotExist:
        raise Http404 from None


def offers_posted_by(*, user: AnyUser) -> QuerySet[Offer]:
    if not user.is_authenticated:
        return Offer.objects.none()
    return _offer_list_queryset(Offer.objects.filter(submitted_by=user)).order_by(
        "-created_at", "-pk"
    )


def offer_channelling_clusters(*, offer: Offer) -> list[Any]:
    """Every cluster that channelled this offer: its own and its duplicates'."""
    clusters = [offer.cluster] if offer.cluster else []
    clusters += [
        d.cluster for d in offer.duplicates.all() if d.cluster and d.cluster not in clusters
    ]
    return clusters


class ConfidentialAccess(NamedTuple):
    """Which offers' confidential fields one user may read (sets of offer ids)."""

    insider: frozenset[int]  # everything: price indication and registration number too
    contact: frozenset[int]  # the contact person (every insider offer, and interest shown)


def confidential_access(*, offers: Iterable[Offer], user: AnyUser) -> ConfidentialAccess:
    """The one rule for confidential fields, for any number of offers in at most two queries.

    Insiders (the poster, the channelling cluster's managers, staff) see everything. An
    authority sees the contact details once it has expressed interest in the offer, never the
    price indication or registration number. Everybody else sees none of them."""
    offers = list(offers)
    if not user.is_authenticated:
        return ConfidentialAccess(frozenset(), frozenset())
    if user.is_commission_staff:
        every = frozenset(offer.pk for offer in offers)
        return ConfidentialAccess(every, every)
    cluster_ids = {offer.cluster_id for offer in offers if offer.cluster_id is not None}
    managed = (
        set(
            ClusterManager.objects.filter(user=user, cluster_id__in=cluster_ids).values_list(
                "cluster_id", flat=True
            )
        )
        if cluster_ids
        else set()
    )
    insider = frozenset(
        offer.pk
        for offer in offers
        if offer.submitted_by_id == user.pk or offer.cluster_id in managed
    )
    others = [offer.pk for offer in offers if offer.pk not in insider]
    interested = (
        set(
            Interest.objects.filter(offer_id__in=others, demand__authority=user).values_list(
                "offer_id", flat=True
            )
        )
        if others
        else set()
    )
    return ConfidentialAccess(insider, insider | interested)


def contact_visible(*, offer: Offer, user: AnyUser) -> bool:
    """The company's contact details: to its poster, the channelling cluster's managers and
    staff always; to an authority only once it has expressed interest in the offer."""
    return offer.pk in confidential_access(offers=[offer], user=user).contact


def demand_filterset(*, data: Any, user: AnyUser) -> DemandFilter:
    return DemandFilter(data=data, queryset=Demand.objects.visible_to(user))


def demand_list(*, filterset: DemandFilter) -> QuerySet[Demand]:
    queryset = filterset.qs
    ordering = queryset.query.order_by or ("needed_by",)
    return queryset.select_related(
        "category", "category__parent", "authority__organisation"
    ).order_by(*ordering, "-pk")


def demand_get(*, pk: int, user: AnyUser) -> Demand:
    try:
        return (
            Demand.objects.visible_to(user)
            .select_related("category", "authority__organisation", "posted_by")
            .get(pk=pk)
        )
    except Demand.DoesNotExist:
        raise Http404 from None


def demand_matches(*, demand: Demand, user: AnyUser) -> QuerySet[Match]:
    """The ranked candidate offers for a demand: for its authority and staff only."""
    if not (user.is_authenticated and (user.is_commission_staff or demand.authority_id == user.pk)):
        return Match.objects.none()
    return (
        Match.objects.filter(demand=demand)
        .select_related("offer__category", "offer__cluster")
        .annotate(
            interest_expressed=Exists(
                Interest.objects.filter(demand=demand, offer=OuterRef("offer"))
            )
        )
        .order_by("-score", "offer_id")
    )


def offer_matches(*, offer: Offer, user: AnyUser) -> QuerySet[Match]:
    """The open demands an offer could meet: for staff and the offer's poster."""
    if not (
        user.is_authenticated and (user.is_commission_staff or offer.submitted_by_id == user.pk)
    ):
        return Match.objects.none()
    return (
        # Matches of a demand closed meanwhile go with it; a recompute for the offer that
        # read the demand open just before may still write one back, so filter here too.
        Match.objects.filter(offer=offer, demand__status__in=OPEN_DEMAND_STATUSES)
        .select_related("demand__category", "demand__authority__organisation")
        .order_by("-score", "demand_id")
    )


def interests_of(*, user: AnyUser) -> set[tuple[int, int]]:
    """(demand id, offer id) pairs in which this authority expressed interest."""
    if not user.is_authenticated:
        return set()
    return set(Interest.objects.filter(demand__authority=user).values_list("demand_id", "offer_id"))


def triage_dashboard() -> dict[str, Any]:
    """Counts by status, category, country and channelling cluster, and the median time from
    submission to first decision (in hours), over all submitted offers."""
    submitted = Offer.objects.exclude(submitted_at__isnull=True)

    def by(*fields: str) -> list[dict[str, Any]]:
        return list(submitted.values(*fields).annotate(n=Count("pk")).order_by("-n", *fields))

    durations = [
        (decided - sent).total_seconds() / 3600
        for sent, decided in submitted.exclude(first_decision_at__isnull=True).values_list(
            "submitted_at", "first_decision_at"
        )
        if sent and decided
    ]
    return {
        "total": submitted.count(),
        "by_status": by("status"),
        "by_category": by("category__parent__name", "category__name"),
        "by_country": by("company_country"),
        "by_cluster": by("cluster__name"),
        "median_hours_to_decision": round(median(durations), 1) if durations else None,
        "public_count": Offer.objects.filter(status__in=PUBLIC_OFFER_STATUSES).count(),
    }


# --- Routing to the Commission ---------------------------------------------------------------

# The order staff read deliveries in: what needs them first.
DELIVERY_STATUS_ORDER = (
    DeliveryStatus.FAILED,
    DeliveryStatus.DEAD,
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.DELIVERED,
)


def delivery_counts() -> dict[str, int]:
    """How many deliveries are in each status (every status, zero included), in the order
    staff read them."""
    rows = Delivery.objects.order_by().values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in rows}
    return {str(status): found.get(status, 0) for status in DELIVERY_STATUS_ORDER}


def delivery_list(*, statuses: Iterable[str]) -> QuerySet[Delivery]:
    """Deliveries in these statuses, failed and dead first, then the most recently changed."""
    rank = Case(
        *(When(status=status, then=i) for i, status in enumerate(DELIVERY_STATUS_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Delivery.objects.filter(status__in=list(statuses))
        # The page shows the destination's name as recorded on the delivery: no join for it.
        .select_related("offer")
        .annotate(status_rank=rank)
        .order_by("status_rank", "-updated_at", "-pk")
    )


def routing_rule_list() -> QuerySet[RoutingRule]:
    """Every routing rule, active or not, in the order they are tried."""
    return RoutingRule.objects.select_related(
        "category", "category__parent", "ecosystem", "destination"
    ).order_by("priority", "pk")


def destination_list() -> QuerySet[Destination]:
    """Every Commission service offers can be routed to, with how many rules name it and
    whether its secret is set. The secret itself is not loaded: no page shows it."""
    return (
        Destination.objects.defer("secret")
        .annotate(
            rule_count=Count("rules"),
            has_secret=Case(
                When(secret="", then=Value(False)), default=Value(True), output_field=BooleanField()
            ),
        )
        .order_by("name")
    )


# --- for the home and ecosystem pages ----------------------------------------------------

# An offer "channelled to the Commission" has been delivered to a Commission service: it is
# routed, or was routed and is now closed.
CHANNELLED_STATUSES = (OfferStatus.ROUTED, OfferStatus.CLOSED)


def offers_channelled_count(*, ecosystem: Ecosystem | None = None) -> int:
    """How many offers reached a Commission service (of clusters in ``ecosystem``, if given)."""
    queryset = Offer.objects.filter(status__in=CHANNELLED_STATUSES)
    if ecosystem is not None:
        queryset = queryset.filter(cluster__ecosystems=ecosystem)
    return queryset.count()


def newest_solutions(*, limit: int, ecosystem: Ecosystem | None = None) -> QuerySet[Offer]:
    """The newest offers in the public catalogue (channelled by clusters of ``ecosystem``),
    in the catalogue's default order (an index serves it)."""
    queryset = Offer.objects.public()
    if ecosystem is not None:
        queryset = queryset.filter(cluster__ecosystems=ecosystem).distinct()
    return queryset.select_related("category", "cluster").order_by(
        "-submitted_at", "-created_at", "-pk"
    )[:limit]


def public_offer_count(*, ecosystem: Ecosystem | None = None) -> int:
    queryset = Offer.objects.public()
    if ecosystem is not None:
        queryset = queryset.filter(cluster__ecosystems=ecosystem).distinct()
    return queryset.count()


def open_demands(*, limit: int, ecosystem: Ecosystem | None = None) -> QuerySet[Demand]:
    """Open demand, most urgent and newest first. With ``ecosystem``: the open demands that
    match an offer channelled by a cluster of that ecosystem (demand has no ecosystem)."""
    return (
        _open_demand_queryset(ecosystem)
        .select_related("category", "authority__organisation")
        .order_by(
            Case(
                When(urgency="critical", then=Value(0)),
                When(urgency="urgent", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "-created_at",
            "-pk",
        )[:limit]
    )


def open_demand_count(*, ecosystem: Ecosystem | None = None) -> int:
    return _open_demand_queryset(ecosystem).count()


def _open_demand_queryset(ecosystem: Ecosystem | None) -> QuerySet[Demand]:
    queryset = Demand.objects.open()
    if ecosystem is not None:
        queryset = queryset.filter(
            Exists(
                Match.objects.filter(
                    demand=OuterRef("pk"),
                    offer__status__in=PUBLIC_OFFER_STATUSES,
                    offer__cluster__ecosystems=ecosystem,
                )
            )
        )
    return queryset
