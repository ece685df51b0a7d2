"""Clusters and projects for tests, made through the same services people use."""

import itertools
from typing import Any

from clusters.models import Cluster, PartnerRole, Project
from clusters.services import cluster_create, project_create
from funding.models import Programme
from portal.core.models import Ecosystem

_numbers = itertools.count(1)


def make_cluster(*, by, **overrides: Any) -> Cluster:
    """A published cluster managed by ``by`` (a cluster manager or staff)."""
    n = next(_numbers)
    data: dict[str, Any] = {
        "name": f"Test Cluster {n}",
        "acronym": f"TC{n}",
        "description": "A cluster of companies working together.",
        "country": "BE",
        "region": "Flanders",
        "city": "Ghent",
        "latitude": 51.05,
        "longitude": 3.72,
        "ecosystems": list(Ecosystem.objects.filter(slug="health")),
        "status": "published",
    }
    data.update(overrides)
    return cluster_create(by=by, data=data)


def make_project(*, by, coordinator: Cluster, partners=(), **overrides: Any) -> Project:
    """A published project coordinated by ``coordinator``, with ``partners`` as partners."""
    n = next(_numbers)
    data: dict[str, Any] = {
        "title": f"Test Project {n}",
        "acronym": f"TP{n}",
        "description": "Clusters working on a shared value chain.",
        # A reference programme (funding's data migration); absent after a flush.
        "programme": Programme.objects.filter(slug="euroclusters").first(),
        "status": "published",
        "ecosystems": list(Ecosystem.objects.filter(slug="health")),
    }
    data.update(overrides)
    links = [(coordinator, PartnerRole.COORDINATOR)] + [(c, PartnerRole.PARTNER) for c in partners]
    return project_create(by=by, data=data, partners=links)
