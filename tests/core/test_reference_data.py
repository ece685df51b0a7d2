import pytest

from portal.core.countries import EU_MEMBER_STATES, PORTAL_COUNTRIES
from portal.core.models import Category, Ecosystem

ECOSYSTEM_SLUGS = [
    "aerospace-defence", "agri-food", "construction", "cultural-creative", "digital",
    "electronics", "energy-intensive", "renewable-energy", "health",
    "mobility-transport-automotive", "proximity-social-economy", "retail", "textile", "tourism",
]  # fmt: skip


@pytest.mark.django_db
def test_the_fourteen_ecosystems_exist_after_migrate():
    assert list(Ecosystem.objects.values_list("slug", flat=True)) == ECOSYSTEM_SLUGS
    assert Ecosystem.objects.get(slug="health").name == "Health"


@pytest.mark.django_db
def test_the_category_taxonomy_exists_after_migrate():
    for slug in [
        "ppe",
        "ppe-masks",
        "medical-devices",
        "testing",
        "disinfection",
        "medicines",
        "manufacturing",
        "logistics",
        "digital-solutions",
        "services",
        "other",
    ]:
        assert Category.objects.filter(slug=slug).exists(), slug
    assert Category.objects.get(slug="ppe-masks").parent.slug == "ppe"
    # Two levels, no deeper.
    assert not Category.objects.filter(parent__parent__isnull=False).exists()


@pytest.mark.django_db
def test_ecosystems_api_lists_slugs_and_names(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/ecosystems/")

    assert response.status_code == 200
    assert [e["slug"] for e in response.json()] == ECOSYSTEM_SLUGS
    assert {"slug", "name"} <= set(response.json()[0])


@pytest.mark.django_db
def test_categories_api_gives_the_parent_slug(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/categories/")

    by_slug = {c["slug"]: c for c in response.json()}
    assert by_slug["ppe"]["parent"] is None
    assert by_slug["ppe-masks"]["parent"] == "ppe"
    assert len(by_slug) == Category.objects.count()
    # A parent comes before its children.
    slugs = list(by_slug)
    assert slugs.index("ppe") < slugs.index("ppe-masks")


def test_portal_countries_are_eu_eea_and_candidates(client):
    assert len(EU_MEMBER_STATES) == 27
    response = client.get("/api/v1/countries/")
    codes = {c["code"]: c["group"] for c in response.json()}
    assert set(codes) == set(PORTAL_COUNTRIES)
    assert codes["FR"] == "eu"
    assert codes["NO"] == "eea"
    assert codes["UA"] == "candidate"
    assert "US" not in codes
