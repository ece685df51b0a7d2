import pytest
from django.contrib import admin

from portal.accounts.models import User

ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/accounts/user/?role=authority&is_verified__exact=0",
    "/admin/accounts/user/?q=example",
    "/admin/accounts/organisation/",
    "/admin/accounts/organisation/?q=org",
    "/admin/core/ecosystem/",
    "/admin/core/category/",
    "/admin/core/category/?q=mask",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_superuser_uses_every_admin_page(client, superuser, company_user, path):
    client.force_login(superuser)

    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_superuser_opens_a_user_change_page(client, superuser, company_user):
    client.force_login(superuser)

    response = client.get(f"/admin/accounts/user/{company_user.pk}/change/")

    assert response.status_code == 200
    assert company_user.email in response.content.decode()


@pytest.mark.django_db
def test_admin_adds_a_commission_account(client, superuser):
    client.force_login(superuser)

    client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new.staff@ec.example.eu",
            "role": "commission",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert User.objects.get(email="new.staff@ec.example.eu").role == "commission"


@pytest.mark.django_db
def test_admin_verify_action(client, superuser, unverified_authority):
    client.force_login(superuser)

    client.post(
        "/admin/accounts/user/",
        {"action": "verify_accounts", "_selected_action": [unverified_authority.pk]},
    )

    unverified_authority.refresh_from_db()
    assert unverified_authority.is_verified
    assert unverified_authority.verified_by == superuser


@pytest.mark.django_db
def test_commission_staff_are_not_admins(client, commission_staff):
    commission_staff.is_staff = True  # even if someone ticks "staff status"
    commission_staff.save()
    client.force_login(commission_staff)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_every_portal_model_is_in_the_admin():
    from django.apps import apps

    for model in apps.get_models():
        if model.__module__.startswith(("portal.", "clusters.", "offers.", "alerts.", "funding.")):
            assert admin.site.is_registered(model), model
