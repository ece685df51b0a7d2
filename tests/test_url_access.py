"""Every URL the project defines is public by decision, or refuses an anonymous user.

The test walks the URL configuration, so a new URL is covered the day it is added: it
fails until the URL is either put on the public list below or protected.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Public on purpose. Anything else must redirect an anonymous user to log in (pages) or
# answer 401/403 (API).
PUBLIC = {
    "",
    "healthz",
    "ecosystems/",
    "ecosystems/<slug:slug>/",
    "updates/",
    "solutions/",
    "demand/",
    "alerts/",
    "alerts/<int:pk>/",  # a confirmed alert's summary is public; any other is a 404 to outsiders
    "alerts/dashboard/",  # counts of confirmed alerts; non-public alerts are never counted
    "clusters/map/",
    "clusters/",
    "projects/",
    "funding/",
    "funding/programmes/",
    "funding/programmes/<slug:slug>/",  # an inactive programme is a 404 to outsiders
    "funding/calls/",
    "funding/calls.ics",
    "funding/calls/<int:pk>/",  # a call of an inactive programme is a 404 to outsiders
    "api/v1/funding/programmes/",
    "api/v1/funding/programmes/<slug:slug>/",
    "api/v1/funding/calls/",
    "api/v1/funding/calls/<int:pk>/",
    "forum/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/register/",
    "accounts/password/reset/",
    "accounts/password/reset/sent/",
    "accounts/password/reset/<uidb64>/<token>/",
    "accounts/password/reset/complete/",
    "api/v1/auth/token/",
    "api/v1/ecosystems/",
    "api/v1/categories/",
    "api/v1/countries/",
    "api/v1/schema/",
    "clusters/<int:pk>/",
    "clusters/<int:pk>/logo/",
    "projects/<int:pk>/",
    "offers/<int:pk>/",  # an accepted offer is public; any other is a 404 to outsiders
    "demand/<int:pk>/",  # open demand is public; closed demand is a 404 to outsiders
    "api/v1/clusters/",
    "api/v1/clusters/map/",
    "api/v1/clusters/<int:pk>/",
    "api/v1/projects/",
    "api/v1/projects/<int:pk>/",
    "api/v1/docs/",
    "api/v1/offers/",
    "api/v1/offers/<int:pk>/",
    "api/v1/demands/",
    "api/v1/demands/<int:pk>/",
    "alerts/feed/",  # the public summary of confirmed alerts
    "api/v1/alerts/",  # anonymous: the public summary of confirmed and resolved alerts
    "api/v1/alerts/<int:pk>/",  # a confirmed alert's summary; any other is a 404 to outsiders
    "forum/topics/",
    "forum/<slug:category>/",  # an unknown category is a 404
    "forum/topics/<int:pk>/",  # a topic whose opening post is hidden is a 404 to outsiders
    "forum/posts/<int:pk>/",  # a post's permalink: a redirect to its topic page
    "forum/unfollow/<str:token>/",  # the signed token of a reply e-mail stands for a login
    "api/v1/forum/topics/",
    "api/v1/forum/topics/<int:pk>/",
    "updates/feed/",
    "updates/feed/<slug:ecosystem_slug>/",
    "updates/<slug:slug>/",  # a published update is public; a draft is a 404 to outsiders
    "api/v1/updates/",
    "api/v1/updates/<int:pk>/",
    "admin/login/",
    "admin/logout/",
}
# Parts of the admin that are reached only through its own login.
ADMIN_PREFIX = "admin/"

SAMPLE_VALUES = {
    "isodate": "2020-04-06",  # a weekly report's Monday
    "int": "1",
    "path": "x",
    "slug": "x",
    "str": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete(route: str) -> str:
    # Regex routes (the admin's): fill each named group with a sample value, drop anchors.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route).replace("^", "").replace("$", "")
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], path)
    return "/" + path


ROUTES = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_project_urls():
    assert "accounts/me/" in ROUTES
    assert "api/v1/ecosystems/" in ROUTES
    assert len(ROUTES) > 30


def test_every_public_route_exists():
    assert PUBLIC - set(ROUTES) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r not in PUBLIC])
def test_anonymous_user_is_refused(client, route):
    path = concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code == 302:
            assert "/login/" in response.url, f"{method.upper()} {path} redirects to {response.url}"
        else:
            assert response.status_code in {401, 403, 404, 405}, (
                f"{method.upper()} {path} answered {response.status_code} to an anonymous user"
            )
            if response.status_code == 404:
                # A 404 is fine only from a view that first demands login (the admin's
                # catch-all); an unprotected view must not hide behind a missing object.
                assert route.startswith(ADMIN_PREFIX), f"{path} answered 404 to anonymous"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", sorted(r for r in PUBLIC if "<" not in r and not r.startswith(ADMIN_PREFIX))
)
def test_public_route_answers_an_anonymous_user(client, route):
    response = client.get(concrete(route))

    assert response.status_code in {200, 405}, f"/{route} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/verification/", "/admin/"], ids=["verification-desk", "admin"]
)
def test_wrong_role_is_refused_staff_pages(client, company_user, path):
    client.force_login(company_user)

    response = client.get(path)

    assert response.status_code == 403 or "/login/" in response.url
