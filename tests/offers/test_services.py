"""The offer lifecycle, matching, duplicates and expiry, at the service level every view,
API view and task uses."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from offers import services
from offers.duplicates import likely_duplicates
from offers.models import Match, Offer, OfferStatus, OfferTransition
from offers.tasks import flag_offer_duplicates
from offers.transitions import STAFF, SUBMITTER, SYSTEM, TRANSITIONS
from portal.accounts.roles import Role
from portal.core.models import Category
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_demand, make_offer

S = OfferStatus
ALL = [s.value for s in OfferStatus]


def _offer_in(status, company_user, staff):
    """An offer in ``status``, reached through the real transitions."""
    return make_offer(by=company_user, status=status, staff=staff)


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), sorted(TRANSITIONS), ids=lambda s: str(s))
def test_every_transition_in_the_table_works_and_leaves_history(
    company_user, commission_staff, from_status, to_status, django_capture_on_commit_callbacks
):
    offer = _offer_in(from_status, company_user, commission_staff)
    actors = TRANSITIONS[(from_status, to_status)]
    by = commission_staff if STAFF in actors else company_user if SUBMITTER in actors else None
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.offer_transition(offer=offer, to_status=to_status, by=by, note="checked")

    offer.refresh_from_db()
    assert offer.status == to_status
    last = OfferTransition.objects.filter(offer=offer).last()
    assert (last.from_status, last.to_status, last.by, last.note) == (
        from_status,
        to_status,
        by,
        "checked",
    )
    assert [m.to for m in mail.outbox] == [[company_user.email]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in ALL for t in ALL if (f, t) not in TRANSITIONS],
    ids=lambda s: str(s),
)
def test_every_other_transition_is_refused_and_changes_nothing(
    company_user, commission_staff, from_status, to_status
):
    if from_status == S.EXPIRED:
        offer = make_offer(by=company_user)
        Offer.objects.filter(pk=offer.pk).update(status=S.EXPIRED)
    else:
        offer = _offer_in(from_status, company_user, commission_staff)
    history = OfferTransition.objects.filter(offer=offer).count()

    with pytest.raises(services.TransitionError):
        services.offer_transition(offer=offer, to_status=to_status, by=commission_staff)

    offer.refresh_from_db()
    assert offer.status == from_status
    assert OfferTransition.objects.filter(offer=offer).count() == history


@pytest.mark.django_db
def test_only_staff_move_an_offer_past_submitted(company_user, cluster_manager, authority):
    offer = make_offer(by=company_user, status=S.SUBMITTED)

    for outsider in (company_user, cluster_manager, authority):
        with pytest.raises(PermissionDenied):
            services.offer_transition(offer=offer, to_status=S.UNDER_REVIEW, by=outsider)
    offer.refresh_from_db()
    assert offer.status == S.SUBMITTED


@pytest.mark.django_db
def test_only_the_poster_submits_and_system_steps_are_not_for_people(
    company_user, commission_staff
):
    draft = make_offer(by=company_user)
    with pytest.raises(PermissionDenied):
        services.offer_transition(offer=draft, to_status=S.SUBMITTED, by=commission_staff)
    with pytest.raises(PermissionDenied):
        services.offer_transition(offer=draft, to_status=S.EXPIRED, by=commission_staff)
    assert SYSTEM in TRANSITIONS[(S.DRAFT, S.EXPIRED)]


@pytest.mark.django_db(transaction=True)
def test_no_email_when_the_transaction_rolls_back(company_user):
    offer = make_offer(by=company_user)
    mail.outbox.clear()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.offer_transition(offer=offer, to_status=S.SUBMITTED, by=company_user)
        raise RuntimeError("something after the transition failed")

    offer.refresh_from_db()
    assert offer.status == S.DRAFT
    assert not OfferTransition.objects.filter(offer=offer).exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_only_once_committed(company_user):
    offer = make_offer(by=company_user)
    mail.outbox.clear()

    with transaction.atomic():
        services.offer_transition(offer=offer, to_status=S.SUBMITTED, by=company_user)
        assert mail.outbox == []  # not yet: still inside the transaction

    assert [m.to for m in mail.outbox] == [[company_user.email]]


@pytest.mark.django_db
def test_first_decision_time_is_recorded_once(company_user, commission_staff):
    offer = make_offer(by=company_user, status=S.NEEDS_INFORMATION, staff=commission_staff)
    first = offer.first_decision_at
    services.offer_transition(offer=offer, to_status=S.SUBMITTED, by=company_user)
    services.offer_transition(offer=offer, to_status=S.UNDER_REVIEW, by=commission_staff)
    services.offer_transition(offer=offer, to_status=S.ACCEPTED, by=commission_staff)

    offer.refresh_from_db()
    assert first is not None
    assert offer.first_decision_at == first


@pytest.mark.django_db
def test_expiry_moves_open_offers_past_their_date_and_nothing_else(company_user, commission_staff):
    today = timezone.localdate()
    late_draft = make_offer(by=company_user)
    late_accepted = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    late_routed = make_offer(by=company_user, status=S.ROUTED, staff=commission_staff)
    current = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    Offer.objects.filter(pk__in=[late_draft.pk, late_accepted.pk, late_routed.pk]).update(
        valid_until=today - datetime.timedelta(days=1)
    )

    assert services.offers_expire(today=today) == 2

    statuses = dict(Offer.objects.values_list("pk", "status"))
    assert statuses[late_draft.pk] == S.EXPIRED
    assert statuses[late_accepted.pk] == S.EXPIRED
    assert statuses[late_routed.pk] == S.ROUTED
    assert statuses[current.pk] == S.ACCEPTED
    assert OfferTransition.objects.get(offer=late_draft, to_status=S.EXPIRED).by is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": -1}, "quantity"),
        ({"valid_until": datetime.date(2020, 1, 1)}, "valid_until"),
        ({"company_country": "US"}, "company_country"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_bad_offer_data_is_refused_with_a_field_error(company_user, data, field):
    with pytest.raises(ValidationError) as exc:
        make_offer(by=company_user, **data)

    assert field in exc.value.message_dict
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_a_cluster_manager_channels_only_through_their_own_cluster(
    cluster_manager, other_cluster_manager
):
    theirs = make_cluster(by=other_cluster_manager)

    with pytest.raises(ValidationError) as exc:
        make_offer(by=cluster_manager, cluster=theirs)
    assert "cluster" in exc.value.message_dict
    mine = make_cluster(by=cluster_manager)
    assert make_offer(by=cluster_manager, cluster=mine).cluster == mine


@pytest.mark.django_db
def test_unverified_authority_cannot_publish_demand(unverified_authority, company_user):
    for outsider in (unverified_authority, company_user):
        with pytest.raises(PermissionDenied):
            make_demand(by=outsider)


@pytest.mark.django_db
def test_staff_post_demand_for_an_authority(commission_staff, authority):
    demand = make_demand(by=commission_staff, authority=authority)

    assert demand.authority == authority
    assert demand.posted_by == commission_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": -5}, "quantity"),
        ({"needed_by": datetime.date(2020, 1, 1)}, "needed_by"),
    ],
)
def test_bad_demand_is_refused_with_a_field_error(authority, data, field):
    from offers.models import Demand

    with pytest.raises(ValidationError) as exc:
        make_demand(by=authority, **data)

    assert field in exc.value.message_dict
    assert not Demand.objects.exists()


class TestMatching:
    """The issue's case: 10,000 FFP2 masks for Italy, needed in 10 days."""

    @pytest.fixture
    def offers(self, company_user, commission_staff, django_capture_on_commit_callbacks):
        common = {
            "by": company_user,
            "status": S.ACCEPTED,
            "staff": commission_staff,
            "quantity": 20000,
        }
        with django_capture_on_commit_callbacks(execute=True):
            good = make_offer(
                title="FFP2 to Italy, fast",
                delivery_countries=["IT", "FR"],
                lead_time_days=5,
                **common,
            )
            portugal = make_offer(
                title="FFP2 to Portugal only", delivery_countries=["PT"], lead_time_days=5, **common
            )
            slow = make_offer(
                title="FFP2 to Italy, slow", delivery_countries=["IT"], lead_time_days=30, **common
            )
            gloves = make_offer(
                title="Gloves",
                category=Category.objects.get(slug="ppe-gloves"),
                delivery_countries=["IT"],
                **common,
            )
            draft = make_offer(by=company_user, title="Draft masks", delivery_countries=["IT"])
        return {"good": good, "portugal": portugal, "slow": slow, "gloves": gloves, "draft": draft}

    @pytest.fixture
    def demand(self, authority, offers, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            return make_demand(
                by=authority, quantity=10000, country="IT", certifications=["EN 149"]
            )

    @pytest.mark.django_db
    def test_the_right_offer_ranks_first_with_its_reasons(self, demand, offers):
        ranked = list(Match.objects.filter(demand=demand).order_by("-score"))
        titles = [m.offer.title for m in ranked]

        assert titles[0] == "FFP2 to Italy, fast"
        assert set(titles[1:]) == {"FFP2 to Portugal only", "FFP2 to Italy, slow"}
        best = ranked[0]
        assert best.score == 100
        parts = {p["part"]: p for p in best.parts}
        assert set(parts) == {"category", "quantity", "delivery", "lead_time", "certifications"}
        assert sum(p["max"] for p in best.parts) == 100
        by_title = {m.offer.title: m for m in ranked}
        portugal = {p["part"]: p for p in by_title["FFP2 to Portugal only"].parts}
        assert portugal["delivery"]["points"] == 0
        assert "Does not deliver to Italy" in portugal["delivery"]["reason"]
        slow = {p["part"]: p for p in by_title["FFP2 to Italy, slow"].parts}
        assert 0 < slow["lead_time"]["points"] < slow["lead_time"]["max"]

    @pytest.mark.django_db
    def test_drafts_and_other_categories_are_not_candidates(self, demand, offers):
        titles = set(Match.objects.filter(demand=demand).values_list("offer__title", flat=True))

        assert "Gloves" not in titles
        assert "Draft masks" not in titles

    @pytest.mark.django_db
    def test_matches_follow_a_change_to_the_offer(
        self, demand, offers, commission_staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.offer_transition(offer=offers["good"], to_status=S.ROUTED, by=commission_staff)
        assert Match.objects.filter(demand=demand, offer=offers["good"]).exists()  # still on offer
        with django_capture_on_commit_callbacks(execute=True):
            services.offer_transition(offer=offers["good"], to_status=S.CLOSED, by=commission_staff)

        assert not Match.objects.filter(demand=demand, offer=offers["good"]).exists()

    @pytest.mark.django_db
    def test_interest_opens_the_contact_and_tells_both_sides(
        self, demand, offers, authority, company_user, django_capture_on_commit_callbacks
    ):
        from offers.selectors import contact_visible

        good = offers["good"]
        assert not contact_visible(offer=good, user=authority)
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            services.interest_express(demand=demand, offer=good, by=authority, note="Can you ship?")

        assert contact_visible(offer=good, user=authority)
        recipients = sorted(address for m in mail.outbox for address in m.to)
        assert recipients == sorted([good.contact_email, company_user.email, authority.email])

    @pytest.mark.django_db
    def test_the_authority_keeps_an_offer_it_showed_interest_in_after_it_closes(
        self, demand, offers, authority, commission_staff, django_capture_on_commit_callbacks
    ):
        from offers.selectors import contact_visible

        good = offers["good"]
        services.interest_express(demand=demand, offer=good, by=authority)
        with django_capture_on_commit_callbacks(execute=True):
            services.offer_transition(offer=good, to_status=S.ROUTED, by=commission_staff)
            services.offer_transition(offer=good, to_status=S.CLOSED, by=commission_staff)

        assert good in Offer.objects.visible_to(authority)
        assert contact_visible(offer=good, user=authority)
        assert good not in Offer.objects.visible_to(make_user(Role.AUTHORITY, verified=True))

    @pytest.mark.django_db
    def test_another_authority_cannot_express_interest(self, demand, offers):
        other = make_user(Role.AUTHORITY, verified=True)

        with pytest.raises(PermissionDenied):
            services.interest_express(demand=demand, offer=offers["good"], by=other)


@pytest.mark.django_db
def test_the_same_company_channelled_by_two_clusters_is_flagged(cluster_manager, commission_staff):
    first_cluster = make_cluster(by=cluster_manager)
    second_cluster = make_cluster(by=cluster_manager)
    common = {"company_name": "Tkaniny Medyczne", "registration_number": "PL 526-000-11-11"}
    first = make_offer(
        by=cluster_manager,
        cluster=first_cluster,
        status=S.SUBMITTED,
        title="Surgical masks type IIR",
        **common,
    )
    second = make_offer(
        by=cluster_manager, cluster=second_cluster, status=S.SUBMITTED, title="Type IIR surgical masks",
        **(common | {"registration_number": "PL5260001111"}),
    )  # fmt: skip
    unrelated = make_offer(
        by=cluster_manager, cluster=first_cluster, status=S.SUBMITTED, company_name="Other Co"
    )

    flag_offer_duplicates(second.pk)

    assert set(likely_duplicates(second)) == {first}
    assert set(first.possible_duplicates.all()) == {second}  # symmetrical
    assert unrelated not in second.possible_duplicates.all()


@pytest.mark.django_db
def test_same_company_and_similar_title_without_registration_is_flagged(company_user):
    first = make_offer(
        by=company_user, status=S.SUBMITTED, title="FFP2 respirators EN 149", company_name="Acme"
    )
    second = make_offer(
        by=company_user, status=S.SUBMITTED, title="FFP2 respirator, EN149", company_name="ACME"
    )
    other = make_offer(
        by=company_user, status=S.SUBMITTED, title="Hand sanitiser", company_name="Acme"
    )

    found = set(likely_duplicates(second))

    assert first in found
    assert other not in found


@pytest.mark.django_db
def test_marking_a_duplicate_keeps_every_channelling_cluster_on_the_original(
    cluster_manager, commission_staff
):
    from offers.selectors import offer_channelling_clusters, offer_get

    a, b = make_cluster(by=cluster_manager), make_cluster(by=cluster_manager)
    original = make_offer(by=cluster_manager, cluster=a, status=S.ACCEPTED, staff=commission_staff)
    again = make_offer(by=cluster_manager, cluster=b, status=S.UNDER_REVIEW, staff=commission_staff)

    services.offer_mark_duplicate(offer=again, original=original, by=commission_staff)

    again.refresh_from_db()
    assert again.status == S.DUPLICATE
    assert again.duplicate_of == original
    assert offer_channelling_clusters(offer=offer_get(pk=original.pk, user=commission_staff)) == [
        a,
        b,
    ]
