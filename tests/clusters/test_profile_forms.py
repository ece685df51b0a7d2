"""Bad input through the HTML forms is refused with a field error and nothing is saved;
logos are stored re-encoded and served as images; profile text is shown escaped."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clusters.models import Cluster, ProfileChange, Project
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster, make_project


@pytest.fixture(autouse=True)
def fast_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager_client(client, cluster_manager):
    client.force_login(cluster_manager)
    return client


def cluster_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Form Cluster",
        "acronym": "FC",
        "description": "A cluster made through the form.",
        "country": "IT",
        "region": "Lombardy",
        "city": "Milan",
        "latitude": "45.46427",
        "longitude": "9.18951",
        "ecosystems": [Ecosystem.objects.get(slug="textile").pk],
        "label": "none",
        "status": "published",
    }
    data.update(overrides)
    return data


def image_upload(image_format="PNG", name="logo.png", size=(64, 48)) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", size, (0, 80, 160)).save(output, format=image_format)
    return SimpleUploadedFile(name, output.getvalue(), content_type=f"image/{image_format.lower()}")


def post_cluster(client, **overrides: Any):
    return client.post(reverse("clusters:create"), cluster_data(**overrides))


def assert_field_error(response, field: str) -> None:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    assert field in form.errors, form.errors
    page = response.content.decode()
    # The error is tied to its field, and listed in the summary at the top.
    assert f'id="id_{field}-error"' in page
    assert f'href="#id_{field}"' in page


# --- clusters: bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", "91"), ("latitude", "-90.5"), ("longitude", "-181"), ("longitude", "180.1")],
)
def test_a_coordinate_out_of_range_is_refused(manager_client, field, value):
    response = post_cluster(manager_client, **{field: value})

    assert_field_error(response, field)
    assert not Cluster.objects.exists()


def test_half_a_location_is_refused(manager_client):
    response = post_cluster(manager_client, longitude="")

    assert_field_error(response, "longitude")
    assert not Cluster.objects.exists()


def test_coordinates_are_rounded_to_what_the_model_keeps(manager_client):
    post_cluster(manager_client, latitude="45.464271234", longitude="9.189512345")

    cluster = Cluster.objects.get()
    assert str(cluster.latitude) == "45.46427"
    assert str(cluster.longitude) == "9.18951"


def test_no_location_at_all_is_fine(manager_client):
    response = post_cluster(manager_client, latitude="", longitude="")

    assert response.status_code == 302
    assert not Cluster.objects.get().has_location


def test_more_smes_than_members_is_refused(manager_client):
    response = post_cluster(manager_client, members_total="10", members_sme="11")

    assert_field_error(response, "members_sme")
    assert not Cluster.objects.exists()


def test_a_label_needs_its_date(manager_client):
    response = post_cluster(manager_client, label="gold", label_date="")

    assert_field_error(response, "label_date")
    assert not Cluster.objects.exists()


def test_at_least_one_ecosystem_is_needed(manager_client):
    response = post_cluster(manager_client, ecosystems=[])

    assert_field_error(response, "ecosystems")


def test_a_country_outside_the_portal_is_refused(manager_client):
    response = post_cluster(manager_client, country="US")

    assert_field_error(response, "country")


def test_a_bad_edit_changes_nothing(manager_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager, name="Unchanged", members_total=5, members_sme=2)

    response = manager_client.post(
        reverse("clusters:edit", kwargs={"pk": cluster.pk}),
        cluster_data(name="Changed", members_total="5", members_sme="6"),
    )

    assert_field_error(response, "members_sme")
    cluster.refresh_from_db()
    assert cluster.name == "Unchanged"
    assert cluster.members_sme == 2
    assert not ProfileChange.objects.filter(cluster=cluster, action="updated").exists()


# --- clusters: logos ------------------------------------------------------------------------


def test_a_20_mb_logo_is_refused(manager_client):
    big = SimpleUploadedFile(
        "logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024), content_type="image/png"
    )

    response = post_cluster(manager_client, logo=big)

    assert_field_error(response, "logo")
    assert "20.0\xa0MB" in str(response.context["form"].errors["logo"])
    assert not Cluster.objects.exists()


def test_a_text_file_renamed_png_is_refused(manager_client):
    fake = SimpleUploadedFile("logo.png", b"I am not a picture.\n" * 20, content_type="image/png")

    response = post_cluster(manager_client, logo=fake)

    assert_field_error(response, "logo")
    assert not Cluster.objects.exists()


def test_an_svg_with_a_script_is_refused(manager_client):
    svg = SimpleUploadedFile(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )

    response = post_cluster(manager_client, logo=svg)

    assert_field_error(response, "logo")
    assert not Cluster.objects.exists()


@pytest.mark.parametrize(("image_format", "name"), [("PNG", "logo.png"), ("JPEG", "photo.jpg")])
def test_a_logo_is_stored_as_png_and_served_as_an_image(manager_client, client, image_format, name):
    response = post_cluster(manager_client, logo=image_upload(image_format, name))

    assert response.status_code == 302
    cluster = Cluster.objects.get()
    assert cluster.logo.name.endswith(".png")
    with cluster.logo.open("rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"

    client.logout()
    served = client.get(reverse("clusters:logo", kwargs={"pk": cluster.pk}))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == f'inline; filename="cluster-{cluster.pk}-logo.png"'
    assert "max-age" in served["Cache-Control"]
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    detail = client.get(cluster.get_absolute_url()).content.decode()
    assert reverse("clusters:logo", kwargs={"pk": cluster.pk}) in detail


def test_a_draft_clusters_logo_is_hidden_like_the_cluster(manager_client, client):
    post_cluster(manager_client, status="draft", logo=image_upload())
    cluster = Cluster.objects.get()
    url = reverse("clusters:logo", kwargs={"pk": cluster.pk})

    assert manager_client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_a_logo_can_be_replaced_and_removed(manager_client):
    post_cluster(manager_client, logo=image_upload())
    cluster = Cluster.objects.get()
    edit = reverse("clusters:edit", kwargs={"pk": cluster.pk})
    first = cluster.logo.name

    manager_client.post(edit, cluster_data(logo=image_upload("GIF", "new.gif")))
    cluster.refresh_from_db()
    assert cluster.logo.name != first
    assert "Remove the current logo" in manager_client.get(edit).content.decode()

    manager_client.post(edit, cluster_data(logo_clear="on"))
    cluster.refresh_from_db()
    assert not cluster.logo
    assert (
        manager_client.get(reverse("clusters:logo", kwargs={"pk": cluster.pk})).status_code == 404
    )


def test_an_edit_without_a_new_file_keeps_the_logo(manager_client):
    post_cluster(manager_client, logo=image_upload())
    cluster = Cluster.objects.get()
    logo = cluster.logo.name

    manager_client.post(
        reverse("clusters:edit", kwargs={"pk": cluster.pk}), cluster_data(name="Renamed")
    )

    cluster.refresh_from_db()
    assert cluster.name == "Renamed"
    assert cluster.logo.name == logo


# --- escaping ---------------------------------------------------------------------------------


def test_html_in_a_description_is_shown_escaped(manager_client, client):
    post_cluster(
        manager_client,
        name="<b>Bold</b> Cluster",
        description="Line one\n<script>alert(1)</script>",
        response_text="<img src=x onerror=alert(2)>",
    )
    cluster = Cluster.objects.get()

    page = client.get(cluster.get_absolute_url()).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Cluster" in page
    assert "<b>Bold</b>" not in page
    listing = client.get(reverse("clusters:list")).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; Cluster" in listing


def test_html_in_a_project_description_is_shown_escaped(client, cluster_manager):
    cluster = make_cluster(by=cluster_manager)
    project = make_project(
        by=cluster_manager, coordinator=cluster, description="<script>alert(1)</script>"
    )

    page = client.get(project.get_absolute_url()).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


# --- the form itself --------------------------------------------------------------------------


def test_the_cluster_form_is_accessible_and_strict_csp_ready(manager_client):
    page = manager_client.get(reverse("clusters:create")).content.decode()

    assert "csrfmiddlewaretoken" in page
    assert "novalidate" in page
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="ecl-form-label" for="id_latitude">' in page
    assert 'id="location-map"' in page
    assert "data-tiles-url=" in page
    assert "leaflet/leaflet.js" in page
    assert "portal/js/location-picker.js" in page
    assert "<script>" not in page  # no inline script: only <script src=...>
    assert 'style="' not in page
    assert " onclick=" not in page
    assert " onload=" not in page


def test_the_edit_form_is_filled_in(manager_client, cluster_manager):
    masks = Category.objects.get(slug="ppe-masks")
    cluster = make_cluster(
        by=cluster_manager,
        name="Filled",
        sectors=["Aviation", "Space"],
        response_categories=[masks],
    )

    response = manager_client.get(reverse("clusters:edit", kwargs={"pk": cluster.pk}))

    page = response.content.decode()
    assert 'value="Filled"' in page
    assert 'value="Aviation, Space"' in page
    assert f'value="{masks.pk}" checked' in page
    assert 'value="51.05000"' in page


def test_a_response_category_can_be_chosen(manager_client):
    masks = Category.objects.get(slug="ppe-masks")
    ppe = Category.objects.get(slug="ppe")

    post_cluster(manager_client, response_categories=[masks.pk, ppe.pk])

    assert set(Cluster.objects.get().response_categories.all()) == {masks, ppe}


# --- projects -----------------------------------------------------------------------------------


def project_data(coordinator, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Form Project",
        "description": "Made through the form.",
        "start_date": "2025-03-01",
        "end_date": "2025-12-31",
        "coordinator": coordinator.pk,
        "status": "published",
    }
    data.update(overrides)
    return data


def test_an_end_date_before_the_start_is_refused(manager_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager)

    response = manager_client.post(
        reverse("clusters:project_create"),
        project_data(cluster, start_date="2025-06-01", end_date="2025-05-31"),
    )

    assert_field_error(response, "end_date")
    assert not Project.objects.exists()


def test_a_negative_budget_is_refused(manager_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager)

    response = manager_client.post(
        reverse("clusters:project_create"), project_data(cluster, budget="-1")
    )

    assert_field_error(response, "budget")
    assert not Project.objects.exists()


def test_a_project_with_partners_is_created(manager_client, cluster_manager, other_cluster_manager):
    mine = make_cluster(by=cluster_manager, name="Mine")
    theirs = make_cluster(by=other_cluster_manager, name="Theirs")

    response = manager_client.post(
        reverse("clusters:project_create"),
        # Choosing the coordinator as a partner too is forgiven.
        project_data(mine, partners=[theirs.pk, mine.pk]),
    )

    assert response.status_code == 302
    project = Project.objects.get()
    assert {(p.cluster.name, p.role) for p in project.partnerships.all()} == {
        ("Mine", "coordinator"),
        ("Theirs", "partner"),
    }


def test_a_draft_cluster_of_someone_else_cannot_be_a_partner(
    manager_client, cluster_manager, other_cluster_manager
):
    mine = make_cluster(by=cluster_manager)
    hidden = make_cluster(by=other_cluster_manager, status="draft")

    response = manager_client.post(
        reverse("clusters:project_create"), project_data(mine, partners=[hidden.pk])
    )

    assert_field_error(response, "partners")
    assert not Project.objects.exists()


def test_the_coordinator_choice_lists_only_my_clusters(
    manager_client, cluster_manager, other_cluster_manager
):
    make_cluster(by=cluster_manager, name="Mine")
    make_cluster(by=other_cluster_manager, name="Theirs")

    form = manager_client.get(reverse("clusters:project_create")).context["form"]

    assert [c.name for c in form.fields["coordinator"].queryset] == ["Mine"]
    assert {c.name for c in form.fields["partners"].queryset} == {"Mine", "Theirs"}


def test_a_manager_without_a_cluster_is_told_to_create_one_first(client, other_cluster_manager):
    client.force_login(other_cluster_manager)

    response = client.get(reverse("clusters:project_create"))

    assert response.status_code == 200
    assert "Create your cluster’s profile first" in response.content.decode()


def test_several_ecosystems_can_be_ticked_and_one_status_chosen(manager_client):
    page = manager_client.get(reverse("clusters:create")).content.decode()

    assert (
        'type="checkbox" class="ecl-checkbox__input" id="id_ecosystems_0" name="ecosystems"' in page
    )
    assert 'type="checkbox" class="ecl-checkbox__input" id="id_response_categories_0"' in page
    assert 'type="radio" class="ecl-radio__input" id="id_status_0" name="status"' in page


def test_the_history_shows_values_as_people_read_them(manager_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager, country="BE")

    manager_client.post(
        reverse("clusters:edit", kwargs={"pk": cluster.pk}),
        cluster_data(country="FR", label="gold", label_date="2024-01-02", status="draft"),
    )
    page = manager_client.get(reverse("clusters:history", kwargs={"pk": cluster.pk})).content
    page = page.decode()

    assert "Belgium" in page
    assert "France" in page
    assert "ESCA Gold" in page
    assert "No label" in page
    assert "Draft" in page
