import pytest
from django.contrib.auth.models import AnonymousUser

from portal.home.sections import SECTIONS, Section
from portal.home.views import ComingSoonView


@pytest.mark.django_db
def test_a_section_not_built_yet_says_so_honestly(rf):
    # Every section is built today; the next one added starts as "coming soon".
    section = Section("next", "Next section", "What comes next.", "next/")
    request = rf.get("/next/")
    request.user = AnonymousUser()
    response = ComingSoonView.as_view(section=section)(request)
    response.render()

    assert response.status_code == 200
    assert "Coming soon" in response.content.decode()
    assert "Next section" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("section", [s for s in SECTIONS if s.ready], ids=lambda s: s.slug)
def test_a_built_section_is_no_longer_coming_soon(admin_client, section):
    response = admin_client.get(f"/{section.path}")

    assert response.status_code == 200
    assert "Coming soon" not in response.content.decode()
