"""The selectors other apps call (the home page, the ecosystem pages): published updates
only, pinned first then newest, in a fixed number of queries."""

import pytest

from portal.core.models import Ecosystem
from portal.updates import selectors
from tests.updates.factories import ago, ahead, make_update

pytestmark = pytest.mark.django_db


def test_latest_updates_pinned_first_then_newest_published_only():
    old_pinned = make_update(title="Old pinned", published=ago(days=20), pinned=True)
    newest = make_update(title="Newest", published=ago(hours=1))
    older = make_update(title="Older", published=ago(days=2))
    make_update(title="Oldest", published=ago(days=3))
    make_update(title="Draft", published=None, pinned=True)
    make_update(title="Scheduled", published=ahead(days=1), pinned=True)

    assert selectors.latest_updates(limit=3) == [old_pinned, newest, older]


def test_updates_for_an_ecosystem_and_their_count():
    health = Ecosystem.objects.get(slug="health")
    first = make_update(title="Health", ecosystems=["health"], published=ago(days=1))
    pinned = make_update(
        title="Pinned", ecosystems=["health", "digital"], published=ago(days=9), pinned=True
    )
    make_update(title="Digital", ecosystems=["digital"])
    make_update(title="Everyone", ecosystems=[])
    make_update(title="Health draft", ecosystems=["health"], published=None)

    assert selectors.updates_for_ecosystem(ecosystem=health) == [pinned, first]
    assert selectors.updates_for_ecosystem(ecosystem=health, limit=1) == [pinned]
    assert selectors.updates_for_ecosystem_count(ecosystem=health) == 2
    digital = Ecosystem.objects.get(slug="digital")
    assert selectors.update_counts_by_ecosystem() == {health.pk: 2, digital.pk: 2}


@pytest.mark.parametrize("n", [3, 20])
def test_the_home_page_selectors_run_a_fixed_number_of_queries(django_assert_num_queries, n):
    health = Ecosystem.objects.get(slug="health")
    for _ in range(n):
        make_update(ecosystems=["health", "digital", "tourism"])

    with django_assert_num_queries(2):
        updates = selectors.latest_updates(limit=10)
        names = [[e.name for e in u.ecosystems.all()] for u in updates]
    assert len(names) == min(n, 10) and all(len(row) == 3 for row in names)

    with django_assert_num_queries(2):
        updates = selectors.updates_for_ecosystem(ecosystem=health, limit=10)
        assert all(len(u.ecosystems.all()) == 3 for u in updates)

    with django_assert_num_queries(1):
        assert selectors.updates_for_ecosystem_count(ecosystem=health) == n

    with django_assert_num_queries(1):
        assert selectors.update_counts_by_ecosystem()[health.pk] == n
