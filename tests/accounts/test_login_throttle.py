"""The login throttle (portal/accounts/throttle.py) on the real cache (Redis under make test).

Counts are removed before and after each test by tests/accounts/conftest.py.
"""

import logging
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from portal.accounts import throttle

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
WRONG = "not-the-password"
LOCKED_TEXT = "Too many failed attempts. Try again in 15 minutes."
HOME_IP = "192.0.2.10"  # TEST-NET addresses: only ever a REMOTE_ADDR in the test client
OTHER_IP = "198.51.100.20"


class CountingHasher(MD5PasswordHasher):
    """The tests' MD5 hasher, counting the passwords it checks (no mock: it really checks)."""

    checked = 0

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.checked += 1
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_MAX_FAILURES_PER_IP = 20
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


def log_in(email, password, ip=HOME_IP, **extra):
    """One attempt on the login page, from a browser of its own."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": email, "password": password}, **extra)
    response.logged_in = "_auth_user_id" in client.session
    return response


def get_token(email, password, ip=HOME_IP):
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, {"email": email, "password": password})


def fail(email, times, ip=HOME_IP):
    return [log_in(email, WRONG, ip=ip) for _ in range(times)]


def error_summary(response) -> str:
    html = response.content.decode()
    return html.split('class="portal-error-summary"', 1)[1].split("</div>", 1)[0]


@pytest.mark.django_db
def test_the_attempt_after_the_limit_is_refused_even_with_the_right_password(
    company_user, password, settings
):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    first_four = fail(company_user.email, 4)
    fifth = log_in(company_user.email, WRONG)
    CountingHasher.checked = 0
    right = log_in(company_user.email, password)

    assert [r.status_code for r in first_four] == [200] * 4
    assert all("password is not right" in r.content.decode() for r in first_four)
    # The fifth failure reaches the limit: it says so at once.
    assert fifth.status_code == 429
    assert LOCKED_TEXT in fifth.content.decode()
    assert right.status_code == 429
    assert not right.logged_in
    assert LOCKED_TEXT in right.content.decode()
    assert "password is not right" not in right.content.decode()
    assert int(right["Retry-After"]) in range(14 * 60, 15 * 60 + 1)
    assert CountingHasher.checked == 0  # the right password was never checked


@pytest.mark.django_db
def test_a_wrong_password_while_locked_is_answered_like_a_right_one(company_user, password):
    fail(company_user.email, 5)

    right, wrong = log_in(company_user.email, password), log_in(company_user.email, WRONG)

    assert (right.status_code, wrong.status_code) == (429, 429)
    assert error_summary(right) == error_summary(wrong)
    assert right["Retry-After"] == wrong["Retry-After"]


@pytest.mark.django_db
def test_the_account_is_counted_whatever_the_case_and_spaces_of_its_email(company_user, password):
    fail(company_user.email.upper(), 3)
    fail(f"  {company_user.email}  ", 2)

    assert log_in(company_user.email, password).status_code == 429


@pytest.mark.django_db
def test_the_lock_holds_from_another_address(company_user, password):
    fail(company_user.email, 5, ip=HOME_IP)

    response = log_in(company_user.email, password, ip=OTHER_IP)

    assert response.status_code == 429
    assert not response.logged_in


@pytest.mark.django_db
def test_an_unknown_email_is_locked_like_a_known_one(client):
    responses = fail("nobody@example.eu", 6)

    assert [r.status_code for r in responses] == [200] * 4 + [429] * 2


@pytest.mark.django_db
def test_another_account_from_the_same_address_is_locked_only_at_the_address_limit(
    company_user, cluster_manager, authority, password, settings
):
    settings.LOGIN_MAX_FAILURES_PER_IP = 8
    fail(company_user.email, 5)  # this account is locked; the address has 5 failures

    other = log_in(cluster_manager.email, password)
    fail(cluster_manager.email, 2)  # 7 failures from the address
    before_limit = log_in(authority.email, WRONG)  # the 8th: the address is now locked
    third = log_in(authority.email, password)
    elsewhere = log_in(authority.email, password, ip=OTHER_IP)

    assert other.status_code == 302 and other.logged_in
    assert before_limit.status_code == 429
    assert third.status_code == 429 and not third.logged_in
    assert LOCKED_TEXT in third.content.decode()
    assert elsewhere.status_code == 302 and elsewhere.logged_in


@pytest.mark.django_db
def test_a_successful_login_resets_the_account_count(company_user, password):
    fail(company_user.email, 4)
    assert log_in(company_user.email, password).logged_in

    again = fail(company_user.email, 4)
    last = log_in(company_user.email, password)

    assert [r.status_code for r in again] == [200] * 4
    assert last.status_code == 302 and last.logged_in


@pytest.mark.django_db
def test_the_lock_ends_with_the_window(company_user, password, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 1 / 60  # a one-second window
    fail(company_user.email, 5)
    locked = log_in(company_user.email, password)

    time.sleep(1.2)
    after = log_in(company_user.email, password)

    assert locked.status_code == 429
    assert "Try again in 1 minute." in locked.content.decode()
    assert after.status_code == 302 and after.logged_in


@pytest.mark.django_db
def test_the_address_lock_ends_with_the_window(company_user, password, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 1 / 60
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    fail("a@example.eu", 1)
    fail("b@example.eu", 1)
    fail("c@example.eu", 1)
    assert log_in(company_user.email, password).status_code == 429

    time.sleep(1.2)

    assert log_in(company_user.email, password).logged_in


class TestTokenEndpointSharesTheCounts:
    @pytest.mark.django_db
    def test_failures_on_the_page_lock_the_api(self, company_user, password):
        fail(company_user.email, 5)

        response = get_token(company_user.email, password)

        assert response.status_code == 429
        assert response.json() == {"detail": LOCKED_TEXT}
        assert int(response["Retry-After"]) > 14 * 60

    @pytest.mark.django_db
    def test_failures_on_the_api_lock_the_page(self, company_user, password):
        answers = [get_token(company_user.email, WRONG).status_code for _ in range(5)]

        page = log_in(company_user.email, password)

        assert answers == [400, 400, 400, 400, 429]
        assert page.status_code == 429 and not page.logged_in

    @pytest.mark.django_db
    def test_page_and_api_failures_add_up(self, company_user, password):
        fail(company_user.email, 3)
        get_token(company_user.email, WRONG)
        get_token(company_user.email, WRONG)

        assert get_token(company_user.email, password).status_code == 429

    @pytest.mark.django_db
    def test_a_token_request_resets_the_account_count(self, company_user, password):
        fail(company_user.email, 4)

        assert get_token(company_user.email, password).status_code == 200
        assert [r.status_code for r in fail(company_user.email, 4)] == [200] * 4

    @pytest.mark.django_db
    def test_odd_input_is_a_400_not_a_500(self, company_user):
        long_email = "a" * 5000 + "@example.eu"

        for data in ({"email": "", "password": "x"}, {"email": long_email, "password": "x"}):
            response = APIClient().post(TOKEN, data, format="json")
            assert response.status_code == 400
            assert "email" in response.json()


@pytest.mark.django_db
def test_the_admin_login_is_refused_when_locked(superuser, password):
    fail(superuser.email, 5)
    client = Client(REMOTE_ADDR=HOME_IP)

    response = client.post(ADMIN_LOGIN, {"username": superuser.email, "password": password})

    assert response.status_code == 200  # the admin's own form, with its own error
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_on_the_admin_login_count_too(superuser, password):
    client = Client(REMOTE_ADDR=HOME_IP)
    for _ in range(5):
        client.post(ADMIN_LOGIN, {"username": superuser.email, "password": WRONG})

    assert log_in(superuser.email, password).status_code == 429


@pytest.mark.django_db
def test_the_lockout_is_shown_in_the_login_pages_error_summary(company_user, password):
    fail(company_user.email, 5)

    response = log_in(company_user.email, password)

    html = response.content.decode()
    assert 'role="alert"' in error_summary(response)
    assert f"<li>{LOCKED_TEXT}</li>" in error_summary(response)
    assert 'name="username"' in html  # the form is still there, to try again later


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "not-an-email",
        "a" * 5000 + "@example.eu",
        "ünïcødé@exämple.eu",
        # 250 characters and valid: it reaches the throttle and is counted like any other.
        "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "eu",
    ],
)
def test_odd_emails_get_a_form_error_not_a_500(email):
    responses = [log_in(email, WRONG) for _ in range(6)]

    assert all(r.status_code in (200, 429) for r in responses)
    assert all(r.context["form"].errors for r in responses)


@pytest.mark.django_db
def test_a_long_valid_email_is_locked_like_any_other():
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "eu"

    assert [r.status_code for r in fail(email, 6)] == [200] * 4 + [429] * 2


@pytest.mark.django_db
def test_an_empty_password_is_a_form_error_and_counts_nothing(company_user, password):
    for _ in range(10):
        assert log_in(company_user.email, "").status_code == 200

    assert log_in(company_user.email, password).logged_in


@pytest.mark.django_db
def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(company_user, password):
    for n in range(5):
        log_in(company_user.email, WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    for n in range(15):  # 20 failures from HOME_IP, whatever the header said
        log_in(f"user{n}@example.eu", WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 5}")

    response = log_in("x@example.eu", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_lockout_is_logged_once_as_a_warning_without_the_password(company_user, caplog):
    secret = "a-secret-guess-1234"
    with caplog.at_level(logging.WARNING, logger="portal.accounts.throttle"):
        for _ in range(7):
            log_in(company_user.email, secret)

    lockouts = [r for r in caplog.records if r.name == "portal.accounts.throttle"]
    assert len(lockouts) == 1
    record = lockouts[0]
    assert record.levelno == logging.WARNING
    assert record.lockout_scope == "account"
    assert record.email == company_user.email
    assert record.client_ip == HOME_IP
    assert secret not in record.getMessage()
    assert all(secret not in str(value) for value in vars(record).values())


@pytest.mark.django_db
def test_the_address_lockout_is_logged(caplog, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    with caplog.at_level(logging.WARNING, logger="portal.accounts.throttle"):
        for name in "abcd":
            log_in(f"{name}@example.eu", WRONG)

    scopes = [r.lockout_scope for r in caplog.records if r.name == "portal.accounts.throttle"]
    assert scopes == ["ip"]


@pytest.mark.django_db
def test_a_limit_of_zero_turns_the_throttle_off(company_user, password, settings):
    settings.LOGIN_MAX_FAILURES = 0
    settings.LOGIN_MAX_FAILURES_PER_IP = 0
    fail(company_user.email, 25)

    assert log_in(company_user.email, password).logged_in


class TestClientAddress:
    factory = RequestFactory()

    def ip(self, remote="192.0.2.1", forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return throttle.client_ip(self.factory.post(LOGIN, **extra))

    def test_without_a_proxy_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0

        assert self.ip(forwarded="203.0.113.5") == "192.0.2.1"

    def test_behind_one_proxy_the_last_entry_is_the_client(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        # The client wrote the first entry; the proxy appended what it saw.
        assert self.ip(remote="10.0.0.1", forwarded="203.0.113.5, 198.51.100.7") == ("198.51.100.7")
        assert self.ip(remote="10.0.0.1") == "10.0.0.1"

    def test_behind_two_proxies_the_entry_second_from_the_end(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2

        assert self.ip(forwarded="1.1.1.1, 198.51.100.7, 10.0.0.2") == "198.51.100.7"

    def test_ipv6_clients_count_by_their_64_network(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0

        assert self.ip(remote="2001:db8:1:2::1") == self.ip(remote="2001:db8:1:2:ffff::9")
        assert self.ip(remote="2001:db8:1:2::1") == "2001:db8:1:2::/64"
        assert self.ip(remote="2001:db8:1:3::1") != self.ip(remote="2001:db8:1:2::1")

    def test_a_malformed_address_counts_for_no_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        assert self.ip(forwarded="<script>, not-an-ip") is None

    def test_the_minutes_in_the_message_are_rounded_up(self):
        assert throttle.Lockout("account", 61).message.endswith("in 2 minutes.")
        assert throttle.Lockout("account", 1).message.endswith("in 1 minute.")


@pytest.mark.django_db
def test_a_completed_password_reset_lifts_the_accounts_lock(company_user):
    fail(company_user.email, 5)
    assert log_in(company_user.email, "a new pass phrase 2026").status_code == 429

    client = Client(REMOTE_ADDR=HOME_IP)
    uid = urlsafe_base64_encode(force_bytes(company_user.pk))
    token = default_token_generator.make_token(company_user)
    form_page = client.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "a new pass phrase 2026", "new_password2": "a new pass phrase 2026"},
    )
    assert done.status_code == 302

    after = log_in(company_user.email, "a new pass phrase 2026")
    assert after.logged_in
