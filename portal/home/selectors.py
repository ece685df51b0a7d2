"""What the home page and the ecosystem pages show, read from every app's selectors.

The home page sits on top of the apps: it imports their selectors and nothing imports it.
Its key figures are counted from the data and cached briefly, so a busy home page costs the
database a handful of queries a minute, not a handful per visitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.http import Http404

from alerts import selectors as alerts
from clusters import selectors as clusters
from offers import selectors as offers
from portal.core.figures import Figure, figures_by_ecosystem
from portal.core.models import Ecosystem

KEY_FIGURES_CACHE_KEY = "home:key-figures:v1"
KEY_FIGURES_SECONDS = 60  # "live", within a minute
LATEST = 4  # items per block on the home page


@dataclass(frozen=True)
class KeyFigures:
    offers_channelled: int
    open_demands: int
    confirmed_alerts: int
    clusters_on_map: int


def key_figures() -> KeyFigures:
    """The portal's headline counts, from the data, at most a minute old."""
    cached = cache.get(KEY_FIGURES_CACHE_KEY)
    if isinstance(cached, KeyFigures):
        return cached
    figures = KeyFigures(
        offers_channelled=offers.offers_channelled_count(),
        open_demands=offers.open_demand_count(),
        confirmed_alerts=alerts.confirmed_alert_count(),
        clusters_on_map=clusters.clusters_on_map_count(),
    )
    cache.set(KEY_FIGURES_CACHE_KEY, figures, KEY_FIGURES_SECONDS)
    return figures


def home_blocks() -> dict[str, Any]:
    """The lists under the key figures: each a bounded, prefetched query."""
    from funding.selectors import calls_closing_soon
    from portal.forum.selectors import latest_topics
    from portal.updates.selectors import latest_updates

    return {
        "updates": list(latest_updates(limit=LATEST)),
        "solutions": list(offers.newest_solutions(limit=LATEST)),
        "demands": list(offers.open_demands(limit=LATEST)),
        "alerts": alerts.active_alerts(limit=LATEST),
        "calls": list(calls_closing_soon(limit=LATEST)),
        "topics": list(latest_topics(limit=LATEST)),
    }


@dataclass
class EcosystemPage:
    ecosystem: Ecosystem
    figures: list[Figure]
    counts: dict[str, int]
    lists: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def figure_years(self) -> list[int]:
        return sorted({f.year for f in self.figures if f.year is not None})


def ecosystem_list() -> list[tuple[Ecosystem, int]]:
    """The 14 ecosystems, each with how many published figures it has."""
    figures = figures_by_ecosystem()
    return [(e, len(figures.get(e.slug, []))) for e in Ecosystem.objects.all()]


def ecosystem_page(*, slug: str) -> EcosystemPage:
    """An ecosystem's description, its published figures and live counts and lists of what
    the portal holds for it. Unknown slug: 404."""
    from funding.selectors import open_calls_for_ecosystem
    from portal.updates.selectors import updates_for_ecosystem, updates_for_ecosystem_count

    ecosystem = Ecosystem.objects.filter(slug=slug).first()
    if ecosystem is None:
        raise Http404
    counts = {
        "clusters": clusters.published_cluster_count(ecosystem=ecosystem),
        "offers": offers.public_offer_count(ecosystem=ecosystem),
        "demands": offers.open_demand_count(ecosystem=ecosystem),
        "alerts": alerts.confirmed_alert_count(ecosystem=ecosystem),
        "updates": updates_for_ecosystem_count(ecosystem=ecosystem),
    }
    lists: dict[str, list[Any]] = {
        "clusters": list(clusters.newest_clusters(limit=LATEST, ecosystem=ecosystem)),
        "offers": list(offers.newest_solutions(limit=LATEST, ecosystem=ecosystem)),
        "demands": list(offers.open_demands(limit=LATEST, ecosystem=ecosystem)),
        "alerts": alerts.active_alerts(limit=LATEST, ecosystem=ecosystem),
        "updates": list(updates_for_ecosystem(ecosystem=ecosystem, limit=LATEST)),
        "calls": list(open_calls_for_ecosystem(ecosystem=ecosystem, limit=LATEST)),
    }
    return EcosystemPage(
        ecosystem=ecosystem,
        figures=figures_by_ecosystem().get(ecosystem.slug, []),
        counts=counts,
        lists=lists,
    )
