"""The Atom feeds: valid Atom 1.0 (read back with feedparser), published updates only, one
feed per ecosystem, sanitised full text, and a fixed number of queries."""

import feedparser
import pytest

from portal.updates.models import UpdateCategory
from tests.updates.factories import ago, ahead, make_update

pytestmark = pytest.mark.django_db


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_is_valid_atom_with_the_published_updates_newest_first(client):
    make_update(title="Older", published=ago(days=3), pinned=True)
    newer = make_update(
        title="Newer & <better>",
        summary="Relief <b>from</b> duties & VAT.",
        published=ago(hours=1),
        category=UpdateCategory.TRADE_CUSTOMS,
        ecosystems=["health", "textile"],
    )
    make_update(title="A draft", published=None)
    make_update(title="Scheduled", published=ahead(hours=1))

    feed = read(client, "/updates/feed/")

    assert feed.feed.title == "EU updates · Clusters Response Portal"
    assert feed.feed.link.endswith("/updates/")
    assert feed.feed.author == "European Commission"
    # Pinned or not, a feed is in date order: readers sort by date anyway.
    assert [entry.title for entry in feed.entries] == ["Newer & <better>", "Older"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/updates/{newer.slug}/"
    assert entry.id == entry.link
    assert entry.published_parsed is not None and entry.updated_parsed is not None
    # The plain-text summary stays text: its "<b>" is not markup.
    assert entry.summary == "Relief &lt;b&gt;from&lt;/b&gt; duties &amp; VAT."
    assert [tag.term for tag in entry.tags] == ["Trade and customs", "Health", "Textile"]
    assert "<strong>guidance</strong>" in entry.content[0].value


def test_an_empty_feed_is_still_valid(client):
    feed = read(client, "/updates/feed/")

    assert feed.entries == []


def test_the_ecosystem_feed_holds_only_that_ecosystems_updates(client):
    make_update(title="Health only", ecosystems=["health"])
    make_update(title="Health and tourism", ecosystems=["tourism", "health"])
    make_update(title="Tourism only", ecosystems=["tourism"])
    make_update(title="Everyone", ecosystems=[])
    make_update(title="Health draft", ecosystems=["health"], published=None)
    make_update(title="Health later", ecosystems=["health"], published=ahead(days=1))

    feed = read(client, "/updates/feed/health/")

    assert feed.feed.title == "EU updates for Health · Clusters Response Portal"
    assert feed.feed.link.endswith("/updates/?ecosystem=health")
    assert sorted(entry.title for entry in feed.entries) == ["Health and tourism", "Health only"]
    assert all("Health" in [tag.term for tag in entry.tags] for entry in feed.entries)


def test_an_unknown_ecosystem_feed_is_a_404(client):
    assert client.get("/updates/feed/atlantis/").status_code == 404


def test_staff_get_the_same_public_feed(client, commission_staff):
    make_update(title="Published")
    make_update(title="A draft", published=None)
    client.force_login(commission_staff)

    feed = read(client, "/updates/feed/")

    assert [entry.title for entry in feed.entries] == ["Published"]


def test_the_feeds_full_text_is_sanitised(client):
    make_update(
        body="Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        ' <a href="https://ec.europa.eu/" onclick="alert(4)">EC</a>'
    )

    response = client.get("/updates/feed/")
    content = feedparser.parse(response.content).entries[0].content[0].value.lower()

    assert "<script" not in content and "javascript:" not in content
    assert "onerror" not in content and "onclick" not in content and "<img" not in content
    assert 'href="https://ec.europa.eu/"' in content
    raw = response.content.decode().lower()
    assert "&lt;script" not in raw and "javascript:" not in raw


def test_the_feed_holds_the_newest_fifty(client):
    for n in range(52):
        make_update(title=f"Update {n:02}", published=ago(hours=n + 1))

    feed = read(client, "/updates/feed/")

    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Update 00" and feed.entries[-1].title == "Update 49"


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("url", ["/updates/feed/", "/updates/feed/health/"])
def test_the_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, n, url):
    for _ in range(n):
        make_update(ecosystems=["health", "digital", "textile"])

    # (the ecosystem,) the entries, their ecosystems
    with django_assert_max_num_queries(3):
        response = client.get(url)

    assert len(feedparser.parse(response.content).entries) == n
