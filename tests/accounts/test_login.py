import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_login_by_email_in_any_case(client, company_user, password):
    response = client.post(LOGIN, {"username": company_user.email.upper(), "password": password})

    assert response.status_code == 302
    assert response.url == reverse("accounts:me")
    assert client.session["_auth_user_id"] == str(company_user.pk)


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_error(client, company_user):
    response = client.post(LOGIN, {"username": company_user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_unknown_email_gets_the_same_error_as_a_wrong_password(client):
    response = client.post(LOGIN, {"username": "nobody@example.eu", "password": "whatever"})

    assert "password is not right" in response.content.decode()


@pytest.mark.django_db
def test_inactive_account_cannot_log_in(client, company_user, password):
    company_user.is_active = False
    company_user.save()

    client.post(LOGIN, {"username": company_user.email, "password": password})

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, company_user):
    client.force_login(company_user)

    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_one_mail_with_a_working_link(
    client, company_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": company_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [company_user.email]
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    new = "another-long-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    company_user.refresh_from_db()
    assert company_user.check_password(new)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_sends_nothing_but_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.eu"})

    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_my_account_updates_the_name(client, company_user):
    client.force_login(company_user)

    client.post("/accounts/me/", {"full_name": "Robert Müller"})

    company_user.refresh_from_db()
    assert company_user.full_name == "Robert Müller"


class TestTokenApi:
    url = "/api/v1/auth/token/"

    @pytest.mark.django_db
    def test_email_and_password_give_a_token_that_authenticates(
        self, api_client, company_user, password
    ):
        response = api_client.post(self.url, {"email": company_user.email, "password": password})

        assert response.status_code == 200
        token = response.json()["token"]
        assert Token.objects.get(key=token).user == company_user

    @pytest.mark.django_db
    def test_the_same_token_is_returned_again(self, api_client, company_user, password):
        first = api_client.post(self.url, {"email": company_user.email, "password": password})
        second = api_client.post(self.url, {"email": company_user.email, "password": password})

        assert first.json()["token"] == second.json()["token"]

    @pytest.mark.django_db
    def test_wrong_password_is_a_400_with_a_message(self, api_client, company_user):
        response = api_client.post(self.url, {"email": company_user.email, "password": "nope"})

        assert response.status_code == 400
        assert "not right" in response.json()["non_field_errors"][0]

    @pytest.mark.django_db
    def test_missing_fields_are_400_with_field_messages(self, api_client):
        response = api_client.post(self.url, {"email": "not-an-email"}, format="json")

        assert response.status_code == 400
        body = response.json()
        assert "email" in body
        assert "password" in body
