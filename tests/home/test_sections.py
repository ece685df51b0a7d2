import pytest

from portal.home.sections import SECTIONS


@pytest.mark.django_db
@pytest.mark.parametrize("section", [s for s in SECTIONS if not s.ready], ids=lambda s: s.slug)
def test_a_section_not_built_yet_says_so_honestly(client, section):
    response = client.get(f"/{section.path}")

    assert response.status_code == 200
    assert "Coming soon" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("section", [s for s in SECTIONS if s.ready], ids=lambda s: s.slug)
def test_a_built_section_is_no_longer_coming_soon(admin_client, section):
    response = admin_client.get(f"/{section.path}")

    assert response.status_code == 200
    assert "Coming soon" not in response.content.decode()
