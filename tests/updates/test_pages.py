"""The EU updates pages: the public list and an update's page, and the staff pages.

The role matrix runs anonymous visitors, company representatives, cluster managers, public
authorities and Commission staff through every staff page and button, and checks both the
answer and that a refusal leaves the database as it was.
"""

import re

import pytest
from django.urls import reverse

from portal.core.models import Ecosystem
from portal.updates.models import Update, UpdateCategory
from tests.updates.factories import ago, ahead, make_update

pytestmark = pytest.mark.django_db

NON_STAFF = ["company_user", "cluster_manager", "authority", "unverified_authority"]
DANGEROUS_BODY = (
    "## Safe heading\n\n"
    "Hello <script>alert('xss')</script> world.\n\n"
    "[click me](javascript:alert(1)) and [JS upper](JaVaScRiPt:alert(2))\n\n"
    '<img src="x" onerror="alert(3)">\n\n'
    '<p onclick="alert(4)">para</p>\n\n'
    '<a href="https://ec.europa.eu/" onmouseover="alert(5)">the Commission</a>\n\n'
    "**still bold**"
)


def page(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


def titles(html):
    return re.findall(r'class="portal-result__title"><a [^>]*>([^<]+)</a>', html)


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_published_updates_pinned_first_then_newest(client):
    make_update(title="Older", published=ago(days=10))
    make_update(title="Newest", published=ago(days=1))
    make_update(title="Pinned but old", published=ago(days=30), pinned=True)
    make_update(title="A draft", published=None)
    make_update(title="Scheduled", published=ahead(days=1))

    response, html = page(client, "/updates/")

    assert response.status_code == 200
    assert titles(html) == ["Pinned but old", "Newest", "Older"]
    assert "3 updates" in html
    assert "Draft" not in html and "Scheduled for" not in html


def test_the_list_shows_category_ecosystems_date_and_summary(client):
    make_update(
        title="Customs relief",
        category=UpdateCategory.TRADE_CUSTOMS,
        ecosystems=["health", "textile"],
        summary="Relief from import duties.",
        published=ago(days=2),
    )

    _, html = page(client, "/updates/")

    assert "Trade and customs" in html
    assert "Health" in html and "Textile" in html
    assert "Relief from import duties." in html
    assert ago(days=2).strftime("%Y") in html


def test_staff_see_drafts_and_scheduled_updates_with_a_badge(client, commission_staff):
    make_update(title="Published one")
    make_update(title="A draft", published=None)
    make_update(title="Scheduled one", published=ahead(days=2))
    client.force_login(commission_staff)

    _, html = page(client, "/updates/")

    assert set(titles(html)) == {"Published one", "A draft", "Scheduled one"}
    assert 'portal-status--draft">Draft<' in html
    assert "Scheduled for " in html
    assert reverse("updates:create") in html and reverse("updates:drafts") in html


@pytest.mark.parametrize("role", NON_STAFF)
def test_other_roles_see_only_published_updates_and_no_staff_links(client, request, role):
    make_update(title="Published one")
    make_update(title="A draft", published=None)
    make_update(title="Scheduled one", published=ahead(days=2))
    client.force_login(request.getfixturevalue(role))

    _, html = page(client, "/updates/")

    assert titles(html) == ["Published one"]
    assert reverse("updates:create") not in html


def test_filter_by_category(client):
    make_update(title="About funding", category=UpdateCategory.FUNDING)
    make_update(title="About State aid", category=UpdateCategory.STATE_AID)

    _, html = page(client, "/updates/", category="funding")

    assert titles(html) == ["About funding"]


def test_filter_by_ecosystem_and_its_feed_is_offered(client):
    make_update(title="For health", ecosystems=["health"])
    make_update(title="For tourism", ecosystems=["tourism"])
    make_update(title="For both", ecosystems=["tourism", "health"])

    _, html = page(client, "/updates/", ecosystem="health")

    assert sorted(titles(html)) == ["For both", "For health"]
    feed = reverse("updates:ecosystem_feed", args=["health"])
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="EU updates for Health (Atom feed)" href="{feed}">'
        in html
    )
    assert f'href="{feed}"' in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customs", ["Import duties"]),  # the title
        ("ventilators", ["Summary match"]),  # the summary
        ("respirators", ["Body match"]),  # the Markdown text
        ("standard", ["Body match"]),  # stemming: "standards"
    ],
)
def test_search_looks_in_title_summary_and_text(client, text, expected):
    make_update(title="Import duties and customs", summary="Relief.", body="Plain.")
    make_update(title="Summary match", summary="Supplies of ventilators.", body="Plain.")
    make_update(title="Body match", summary="Short.", body="Standards for **respirators**.")

    _, html = page(client, "/updates/", q=text)

    assert [t.split(" and ")[0] for t in titles(html)] == expected


def test_an_unknown_filter_value_is_a_form_error_not_a_500(client):
    make_update(title="Still listed")

    response, html = page(client, "/updates/", category="gossip", ecosystem="atlantis")

    assert response.status_code == 200
    assert html.count('class="ecl-feedback-message"') == 2
    assert titles(html) == ["Still listed"]


def test_a_long_search_is_a_form_error(client):
    response, html = page(client, "/updates/", q="x" * 500)

    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in html


def test_the_list_pages(client):
    for n in range(23):
        make_update(title=f"Update number {n:02}", published=ago(hours=n + 1))

    _, first = page(client, "/updates/")
    _, second = page(client, "/updates/", page=2)

    assert len(titles(first)) == 20 and len(titles(second)) == 3
    assert "Page 1 of 2" in first
    assert titles(second)[-1] == "Update number 22"


def test_the_list_links_the_atom_feed_in_the_head_and_on_the_page(client):
    _, html = page(client, "/updates/")

    head, body = html.split("</head>", 1)
    feed = reverse("updates:feed")
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="EU updates (Atom feed)" href="{feed}">'
        in head
    )
    assert f'href="{feed}"' in body


@pytest.mark.parametrize("user", [None, "company_user", "commission_staff"])
@pytest.mark.parametrize("n", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client, request, django_assert_max_num_queries, user, n
):
    for i in range(n):
        make_update(ecosystems=["health", "textile", "digital"], pinned=i % 5 == 0)
        make_update(published=None)
    if user:
        client.force_login(request.getfixturevalue(user))

    # session and user (when logged in), the ecosystem filter's lookup, count, rows, their
    # ecosystems, the filter form's ecosystem choices
    with django_assert_max_num_queries(7):
        response = client.get("/updates/", {"ecosystem": "health", "q": "guidance"})

    # The drafts concern no ecosystem, so the filter leaves them out for staff too.
    assert len(titles(response.content.decode())) == min(n, 20)


# --- an update's page --------------------------------------------------------------------


def test_the_detail_page_shows_the_update(client):
    update = make_update(
        title="Recommendation on conformity assessment",
        summary="Faster conformity assessment for PPE.",
        body="## What it says\n\n- notified bodies *prioritise* PPE\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        category=UpdateCategory.STANDARDS_CERTIFICATION,
        source_url="https://eur-lex.europa.eu/eli/reco/2020/403/oj",
        ecosystems=["health", "textile"],
    )

    response, html = page(client, f"/updates/{update.slug}/")

    assert response.status_code == 200
    assert "<h1" in html and "Recommendation on conformity assessment" in html
    assert "Faster conformity assessment for PPE." in html
    assert "<h2>What it says</h2>" in html
    assert "<em>prioritise</em>" in html and "<table>" in html
    assert 'href="https://eur-lex.europa.eu/eli/reco/2020/403/oj"' in html
    assert 'href="/updates/?ecosystem=health"' in html
    assert "Standards and certification" in html
    assert "Publication" not in html  # the staff panel


def test_markdown_with_script_javascript_links_and_event_attributes_renders_without_them(client):
    update = make_update(body=DANGEROUS_BODY)

    _, html = page(client, f"/updates/{update.slug}/")

    body = html.split('class="portal-prose updates-body">', 1)[1].split("</div>", 1)[0]
    lowered = body.lower()
    assert "<script" not in lowered and "alert('xss')" not in lowered
    assert "javascript:" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered and "onmouseover" not in lowered
    assert "<img" not in lowered
    assert "<h2>Safe heading</h2>" in body and "<strong>still bold</strong>" in body
    assert 'href="https://ec.europa.eu/"' in body
    # And nowhere else on the page either (the base template's own scripts aside).
    assert "alert(" not in html


def test_a_draft_or_scheduled_update_is_a_404_to_everyone_but_staff(
    client, company_user, commission_staff
):
    draft = make_update(published=None)
    scheduled = make_update(published=ahead(hours=2))

    for user in (None, company_user):
        if user:
            client.force_login(user)
        for update in (draft, scheduled):
            assert client.get(f"/updates/{update.slug}/").status_code == 404

    client.force_login(commission_staff)
    _, html = page(client, f"/updates/{draft.slug}/")
    assert "This update is a draft" in html and "Publish now" in html
    _, html = page(client, f"/updates/{scheduled.slug}/")
    assert "This update is scheduled for" in html and "Back to draft" in html


def test_an_unknown_update_is_a_404(client):
    assert client.get("/updates/no-such-update/").status_code == 404


def test_the_detail_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    update = make_update(ecosystems=["health", "textile", "digital", "tourism"])

    with django_assert_max_num_queries(2):  # the update, its ecosystems
        assert client.get(f"/updates/{update.slug}/").status_code == 200


# --- staff pages: the role matrix --------------------------------------------------------


def _snapshot():
    return sorted(
        Update.objects.values_list("pk", "title", "summary", "published_at", "pinned", "slug")
    )


@pytest.fixture
def updates(commission_staff):
    return {
        "draft": make_update(by=commission_staff, published=None, title="Staff draft"),
        "published": make_update(by=commission_staff, title="Staff published"),
    }


def _staff_requests(updates):
    draft, published = updates["draft"].slug, updates["published"].slug
    form = {
        "title": "Written by an outsider",
        "summary": "No.",
        "body": "No.",
        "category": "other",
        "action": "publish",
    }
    return [
        ("get", "/updates/new/", {}),
        ("post", "/updates/new/", form),
        ("get", "/updates/drafts/", {}),
        ("get", f"/updates/{draft}/edit/", {}),
        ("post", f"/updates/{published}/edit/", form),
        ("post", f"/updates/{draft}/publish/", {}),
        ("get", f"/updates/{draft}/schedule/", {}),
        ("post", f"/updates/{draft}/schedule/", {"published_at": "2099-01-01T09:00"}),
        ("post", f"/updates/{published}/unpublish/", {}),
        ("post", f"/updates/{published}/pin/", {"pinned": "on"}),
    ]


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(client, updates):
    before = _snapshot()

    for method, url, data in _staff_requests(updates):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url

    assert _snapshot() == before


@pytest.mark.parametrize("role", NON_STAFF)
def test_other_roles_are_refused_and_nothing_changes(client, request, updates, role):
    client.force_login(request.getfixturevalue(role))
    before = _snapshot()

    for method, url, data in _staff_requests(updates):
        assert getattr(client, method)(url, data).status_code == 403, url

    assert _snapshot() == before


def test_staff_create_a_draft(client, commission_staff):
    client.force_login(commission_staff)
    assert client.get("/updates/new/").status_code == 200

    response = client.post(
        "/updates/new/",
        {
            "title": "Green lanes for freight",
            "summary": "Border crossings for freight within 15 minutes.",
            "body": "## Green lanes\n\nKeep **goods** moving.",
            "category": "trade_customs",
            "ecosystems": [Ecosystem.objects.get(slug="mobility-transport-automotive").pk],
            "source_url": "https://ec.europa.eu/transport/",
            "action": "draft",
        },
    )

    update = Update.objects.get()
    assert response.status_code == 302 and response.url == f"/updates/{update.slug}/"
    assert update.published_at is None
    assert update.author == commission_staff
    assert [e.slug for e in update.ecosystems.all()] == ["mobility-transport-automotive"]


def test_staff_create_and_publish_at_once(client, commission_staff):
    client.force_login(commission_staff)

    client.post(
        "/updates/new/",
        {
            "title": "Out now",
            "summary": "S.",
            "body": "B.",
            "category": "other",
            "action": "publish",
        },
    )

    assert Update.objects.published().get().title == "Out now"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"source_url": "ftp://files.example.eu/x.pdf"}, "source_url", "http:// or https://"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL."),
        ({"category": "gossip"}, "category", "Select a valid choice."),
        ({"summary": "x" * 401}, "summary", "at most 400 characters"),
    ],
)
def test_bad_input_gives_form_errors(client, commission_staff, data, field, message):
    client.force_login(commission_staff)
    form = {"title": "T", "summary": "S.", "body": "B.", "category": "other", **data}

    response = client.post("/updates/new/", form)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not Update.objects.exists()


def test_staff_edit_an_update(client, commission_staff, updates):
    client.force_login(commission_staff)
    update = updates["published"]

    form = client.get(f"/updates/{update.slug}/edit/").content.decode()
    assert 'value="Staff published"' in form
    response = client.post(
        f"/updates/{update.slug}/edit/",
        {"title": "Renamed", "summary": "New summary.", "body": "New body.", "category": "funding"},
    )

    update.refresh_from_db()
    assert response.status_code == 302
    assert (update.title, update.category) == ("Renamed", "funding")
    assert update.published_at is not None


def test_an_edit_with_a_bad_link_is_refused_on_the_field(client, commission_staff, updates):
    client.force_login(commission_staff)
    update = updates["published"]

    response = client.post(
        f"/updates/{update.slug}/edit/",
        {
            "title": "T",
            "summary": "S.",
            "body": "B.",
            "category": "other",
            "source_url": "ftp://x.eu/y",
        },
    )

    assert response.status_code == 200
    assert 'id="id_source_url-error"' in response.content.decode()
    update.refresh_from_db()
    assert update.title == "Staff published"


def test_staff_publish_unpublish_and_pin_from_the_page(client, commission_staff, updates):
    client.force_login(commission_staff)
    draft = updates["draft"]

    response = client.post(f"/updates/{draft.slug}/publish/", follow=True)
    assert "The update is published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published

    client.post(f"/updates/{draft.slug}/pin/", {"pinned": "on"})
    draft.refresh_from_db()
    assert draft.pinned
    client.post(f"/updates/{draft.slug}/pin/", {})
    draft.refresh_from_db()
    assert not draft.pinned

    response = client.post(f"/updates/{draft.slug}/unpublish/", follow=True)
    assert "back to draft" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None

    # Unpublishing a draft is refused with a message, not an error page.
    response = client.post(f"/updates/{draft.slug}/unpublish/", follow=True)
    assert response.status_code == 200
    assert "already a draft" in response.content.decode()


def test_staff_schedule_an_update_in_brussels_time(client, commission_staff, updates):
    from django.utils import timezone

    client.force_login(commission_staff)
    draft = updates["draft"]
    when = (timezone.localtime() + timezone.timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )

    response = client.post(
        f"/updates/{draft.slug}/schedule/",
        {"published_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.published_at == when
    assert draft.is_scheduled
    assert "scheduled for" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("yesterday", "Enter a valid date/time."),
        ("2001-01-01T09:00", "in the future"),
    ],
)
def test_a_bad_schedule_is_a_form_error(client, commission_staff, updates, value, message):
    client.force_login(commission_staff)
    draft = updates["draft"]

    response = client.post(f"/updates/{draft.slug}/schedule/", {"published_at": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None


def test_staff_see_their_work_in_progress(client, commission_staff, django_assert_max_num_queries):
    make_update(title="Published", published=ago(days=1))
    make_update(title="Draft one", published=None)
    make_update(title="Later", published=ahead(days=9))
    make_update(title="Sooner", published=ahead(days=2))
    client.force_login(commission_staff)

    # session, user, count, rows with their authors, ecosystems
    with django_assert_max_num_queries(5):
        response = client.get("/updates/drafts/")

    html = response.content.decode()
    found = re.findall(r'<th class="ecl-table__cell" scope="row"><a [^>]*>([^<]+)</a>', html)
    assert found == ["Sooner", "Later", "Draft one"]
