import pytest
from django.urls import reverse

from portal.accounts.models import Organisation, User
from portal.accounts.permissions import can_publish_demand
from portal.accounts.roles import OrganisationKind, Role

REGISTER = "/accounts/register/"


def form_data(**overrides):
    data = {
        "role": Role.COMPANY,
        "full_name": "Ana Silva",
        "email": "Ana.Silva@Example.EU",
        "organisation_name": "Silva Têxteis Lda",
        "country": "PT",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.COMPANY, OrganisationKind.COMPANY),
        (Role.CLUSTER_MANAGER, OrganisationKind.CLUSTER_ORGANISATION),
    ],
)
def test_registering_makes_a_logged_in_account_of_the_chosen_role(client, role, kind):
    response = client.post(REGISTER, form_data(role=role))

    assert response.status_code == 302
    assert response.url == reverse("accounts:me")
    user = User.objects.get(email="ana.silva@example.eu")
    assert user.role == role
    assert user.is_verified
    assert user.organisation.kind == kind
    assert user.organisation.country == "PT"
    assert client.get(reverse("accounts:me")).context["user"] == user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["commission", "COMMISSION", "superuser", ""])
def test_registering_cannot_grant_commission_staff_whatever_is_sent(client, role):
    response = client.post(
        REGISTER, form_data(role=role, is_superuser="on", is_staff="on", is_verified="on")
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_extra_fields_sent_with_registration_are_ignored(client):
    client.post(REGISTER, form_data(is_superuser="on", is_staff="on", is_verified="on"))

    user = User.objects.get()
    assert not user.is_superuser
    assert not user.is_staff
    assert user.role == Role.COMPANY


@pytest.mark.django_db
def test_authority_registers_unverified_and_cannot_publish_demand(client):
    client.post(
        REGISTER, form_data(role=Role.AUTHORITY, organisation_name="Ville de Lyon", country="FR")
    )

    user = User.objects.get()
    assert user.role == Role.AUTHORITY
    assert not user.is_verified
    assert not can_publish_demand(user)
    page = client.get(reverse("accounts:me"))
    assert b"Awaiting verification" in page.content


@pytest.mark.django_db
def test_duplicate_email_is_refused_whatever_its_case(client, company_user):
    response = client.post(REGISTER, form_data(email=company_user.email.upper()))

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password2": "something-else-entirely"}, "password2"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"email": "not-an-email"}, "email"),
        ({"country": "US"}, "country"),
        ({"organisation_name": ""}, "organisation_name"),
    ],
)
def test_bad_registration_gets_a_field_error_and_saves_nothing(client, overrides, field):
    response = client.post(REGISTER, form_data(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_registering_reuses_an_existing_organisation_of_the_same_kind(client, company_user):
    name = company_user.organisation.name.upper()
    client.post(REGISTER, form_data(organisation_name=name))

    assert Organisation.objects.filter(kind=OrganisationKind.COMPANY).count() == 1


@pytest.mark.django_db
def test_logged_in_user_is_sent_from_register_to_their_account(client, company_user):
    client.force_login(company_user)

    assert client.get(REGISTER).url == reverse("accounts:me")
