import pytest
from django.core import mail

from portal.accounts.models import User
from portal.accounts.permissions import can_publish_demand
from portal.accounts.services import account_verify


@pytest.mark.django_db
def test_only_verified_authorities_and_staff_can_publish_demand(
    authority, unverified_authority, commission_staff, company_user, cluster_manager
):
    assert can_publish_demand(authority)
    assert can_publish_demand(commission_staff)
    assert not can_publish_demand(unverified_authority)
    assert not can_publish_demand(company_user)
    assert not can_publish_demand(cluster_manager)


@pytest.mark.django_db
def test_staff_verify_an_authority_who_is_told_by_email(
    client, commission_staff, unverified_authority, django_capture_on_commit_callbacks
):
    client.force_login(commission_staff)
    queue = client.get("/accounts/verification/")
    assert unverified_authority in queue.context["accounts"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/verification/{unverified_authority.pk}/verify/")

    assert response.status_code == 302
    unverified_authority.refresh_from_db()
    assert unverified_authority.is_verified
    assert unverified_authority.verified_by == commission_staff
    assert unverified_authority.verified_at is not None
    assert can_publish_demand(unverified_authority)
    assert [m.to for m in mail.outbox] == [[unverified_authority.email]]
    assert "verified" in mail.outbox[0].subject


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["company_user", "cluster_manager", "authority"])
def test_other_roles_cannot_see_or_use_the_verification_desk(
    client, request, role_fixture, unverified_authority
):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get("/accounts/verification/").status_code == 403
    assert (
        client.post(f"/accounts/verification/{unverified_authority.pk}/verify/").status_code == 403
    )
    unverified_authority.refresh_from_db()
    assert not unverified_authority.is_verified


@pytest.mark.django_db
def test_verifying_a_verified_account_is_a_404(client, commission_staff, authority):
    client.force_login(commission_staff)

    assert client.post(f"/accounts/verification/{authority.pk}/verify/").status_code == 404


@pytest.mark.django_db
def test_the_service_refuses_a_non_staff_verifier(company_user, unverified_authority):
    with pytest.raises(PermissionError):
        account_verify(user=unverified_authority, by=company_user)
    assert not User.objects.get(pk=unverified_authority.pk).is_verified


@pytest.mark.django_db
def test_verification_queue_has_a_fixed_query_count(
    client, commission_staff, django_assert_max_num_queries
):
    from portal.accounts.roles import Role
    from tests.factories import make_user

    client.force_login(commission_staff)
    for _ in range(3):
        make_user(Role.AUTHORITY, verified=False)
    with django_assert_max_num_queries(8):
        small = client.get("/accounts/verification/")
    for _ in range(20):
        make_user(Role.AUTHORITY, verified=False)
    with django_assert_max_num_queries(8):
        large = client.get("/accounts/verification/")
    assert len(small.context["accounts"]) == 3
    assert len(large.context["accounts"]) == 23
