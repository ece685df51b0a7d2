import pytest
from django.core.management import call_command

from portal.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.accounts.models import User
from portal.accounts.roles import Role


@pytest.mark.django_db
def test_seed_demo_makes_one_account_per_role_with_the_documented_password():
    call_command("seed_demo")

    roles = set(User.objects.filter(is_superuser=False).values_list("role", flat=True))
    assert roles == set(Role.values)
    for email, *_ in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.filter(role=Role.AUTHORITY, is_verified=False).exists()


@pytest.mark.django_db
def test_seed_demo_twice_adds_nothing(capsys):
    call_command("seed_demo")
    count = User.objects.count()

    call_command("seed_demo")

    assert User.objects.count() == count
    assert "nothing added" in capsys.readouterr().out


def test_the_readme_documents_the_demo_password_and_accounts():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for email, *_ in DEMO_ACCOUNTS:
        assert email in readme


@pytest.mark.django_db
def test_seed_demo_makes_offers_in_every_state_a_duplicate_and_matched_demand(
    django_capture_on_commit_callbacks,
):
    from offers.models import Demand, Match, Offer, OfferStatus

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--clusters", "12", "--projects", "2")

    statuses = set(Offer.objects.values_list("status", flat=True))
    assert statuses == set(OfferStatus.values)
    duplicate = Offer.objects.get(status=OfferStatus.DUPLICATE)
    assert duplicate.duplicate_of is not None
    assert duplicate.cluster != duplicate.duplicate_of.cluster
    assert duplicate.possible_duplicates.exists()
    # Four open, and one the expiry service closed as its date passed (with no matches left).
    assert Demand.objects.count() == 5
    late = Demand.objects.get(expired_at__isnull=False)
    assert late.status == "closed"
    assert not Match.objects.filter(demand=late).exists()
    assert Demand.objects.open().count() == 4
    assert Match.objects.filter(score=100).exists()
    offers = Offer.objects.count()

    call_command("seed_demo")

    assert Offer.objects.count() == offers
    assert Demand.objects.count() == 5
