"""The read-only updates API: who sees what, filters and their 400s, sanitised HTML, no
writes for anyone, and a fixed number of queries."""

import pytest

from portal.updates.models import Update, UpdateCategory
from tests.updates.factories import ago, ahead, make_update

pytestmark = pytest.mark.django_db

ROLES = ["company_user", "cluster_manager", "authority", "unverified_authority"]


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def world(commission_staff):
    return {
        "pinned": make_update(
            by=commission_staff, title="Pinned", published=ago(days=9), pinned=True
        ),
        "new": make_update(by=commission_staff, title="New", published=ago(hours=1)),
        "old": make_update(by=commission_staff, title="Old", published=ago(days=5)),
        "draft": make_update(by=commission_staff, title="Draft", published=None),
        "scheduled": make_update(by=commission_staff, title="Later", published=ahead(days=1)),
    }


@pytest.mark.parametrize("role", [None, *ROLES])
def test_everyone_but_staff_reads_published_updates_only(api_client, request, world, role):
    if role:
        api_client.force_authenticate(request.getfixturevalue(role))

    response = api_client.get("/api/v1/updates/")

    assert ids(response) == [world["pinned"].pk, world["new"].pk, world["old"].pk]
    assert response.json()["count"] == 3
    for hidden in ("draft", "scheduled"):
        assert api_client.get(f"/api/v1/updates/{world[hidden].pk}/").status_code == 404
    assert api_client.get(f"/api/v1/updates/{world['new'].pk}/").status_code == 200


def test_staff_read_drafts_and_scheduled_updates_and_filter_by_state(
    api_client, commission_staff, world
):
    api_client.force_authenticate(commission_staff)

    assert set(ids(api_client.get("/api/v1/updates/"))) == {u.pk for u in world.values()}
    assert ids(api_client.get("/api/v1/updates/?state=draft")) == [world["draft"].pk]
    assert ids(api_client.get("/api/v1/updates/?state=scheduled")) == [world["scheduled"].pk]
    assert len(ids(api_client.get("/api/v1/updates/?state=published"))) == 3
    assert api_client.get(f"/api/v1/updates/{world['draft'].pk}/").json()["state"] == "draft"


def test_the_state_filter_is_ignored_for_everyone_else(api_client, world):
    assert len(ids(api_client.get("/api/v1/updates/?state=draft"))) == 3


def test_an_update_in_the_api(api_client):
    update = make_update(
        title="Customs relief",
        summary="Relief from duties.",
        body="## Who\n\n**State** organisations.",
        category=UpdateCategory.TRADE_CUSTOMS,
        ecosystems=["textile", "health"],
        source_url="https://eur-lex.europa.eu/eli/dec/2020/491/oj",
    )

    data = api_client.get(f"/api/v1/updates/{update.pk}/").json()

    assert data["id"] == update.pk
    assert data["url"] == f"http://testserver/api/v1/updates/{update.pk}/"
    assert data["page_url"] == f"http://testserver/updates/{update.slug}/"
    assert data["slug"] == update.slug
    assert data["title"] == "Customs relief" and data["summary"] == "Relief from duties."
    assert data["body"] == "## Who\n\n**State** organisations."
    assert data["body_html"] == "<h2>Who</h2>\n<p><strong>State</strong> organisations.</p>"
    assert data["category"] == "trade_customs" and data["category_label"] == "Trade and customs"
    assert data["ecosystems"] == ["health", "textile"]  # in the ecosystems' own order
    assert data["source_url"] == "https://eur-lex.europa.eu/eli/dec/2020/491/oj"
    assert data["published_at"] is not None and data["pinned"] is False
    assert data["state"] == "published"


def test_body_html_has_no_script_javascript_links_or_event_attributes(api_client):
    update = make_update(
        body="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        ' <b onclick="alert(4)">bold</b>'
    )

    for data in (
        api_client.get(f"/api/v1/updates/{update.pk}/").json(),
        api_client.get("/api/v1/updates/").json()["results"][0],
    ):
        html = data["body_html"].lower()
        assert "<script" not in html and "javascript:" not in html
        assert "onerror" not in html and "onclick" not in html and "<img" not in html
        assert "<b>bold</b>" in html


def test_filters(api_client):
    funding = make_update(title="Funding", category=UpdateCategory.FUNDING, ecosystems=["health"])
    aid = make_update(title="Aid", category=UpdateCategory.STATE_AID, ecosystems=["tourism"])
    both = make_update(
        title="Customs for masks",
        category=UpdateCategory.TRADE_CUSTOMS,
        ecosystems=["tourism", "health"],
    )

    assert ids(api_client.get("/api/v1/updates/?category=funding")) == [funding.pk]
    assert set(ids(api_client.get("/api/v1/updates/?ecosystem=tourism"))) == {aid.pk, both.pk}
    assert ids(api_client.get("/api/v1/updates/?q=masks")) == [both.pk]
    assert ids(api_client.get("/api/v1/updates/?ecosystem=health&category=funding")) == [funding.pk]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("category=gossip", {"category"}),
        ("ecosystem=atlantis", {"ecosystem"}),
        ("category=gossip&ecosystem=atlantis", {"category", "ecosystem"}),
        ("q=" + "x" * 300, {"q"}),
    ],
)
def test_a_bad_filter_is_a_400_with_field_messages(api_client, query, fields):
    response = api_client.get(f"/api/v1/updates/?{query}")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert all(isinstance(messages, list) and messages for messages in response.json().values())


def test_a_page_beyond_the_last_is_a_404(api_client):
    make_update()

    assert api_client.get("/api/v1/updates/?page=9").status_code == 404


def test_pagination_like_the_other_apis(api_client):
    for n in range(52):
        make_update(title=f"U{n}", published=ago(minutes=n + 1))

    first = api_client.get("/api/v1/updates/").json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 52 and len(first["results"]) == 50
    assert len(second["results"]) == 2 and second["next"] is None


@pytest.mark.parametrize("role", [None, *ROLES, "commission_staff"])
def test_nobody_writes_through_the_api(api_client, request, world, role):
    if role:
        api_client.force_authenticate(request.getfixturevalue(role))
    before = sorted(Update.objects.values_list("pk", "title", "published_at", "pinned"))
    payload = {"title": "Written through the API", "summary": "S", "body": "B", "category": "other"}
    target = f"/api/v1/updates/{world['new'].pk}/"

    answers = [
        api_client.post("/api/v1/updates/", payload, format="json").status_code,
        api_client.put(target, payload, format="json").status_code,
        api_client.patch(target, {"pinned": True}, format="json").status_code,
        api_client.delete(target).status_code,
    ]

    assert answers == [405, 405, 405, 405]
    assert sorted(Update.objects.values_list("pk", "title", "published_at", "pinned")) == before


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("staff", [False, True])
def test_the_list_runs_a_fixed_number_of_queries(
    api_client, commission_staff, django_assert_max_num_queries, n, staff
):
    for _ in range(n):
        make_update(ecosystems=["health", "digital", "textile"])
        make_update(published=None, ecosystems=["health"])
    if staff:
        api_client.force_authenticate(commission_staff)

    # the ecosystem filter's lookup, count, rows, their ecosystems
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/updates/?ecosystem=health&q=guidance")

    assert len(response.json()["results"]) == min(n * (2 if staff else 1), 50)
