"""Out-of-range numbers in filters are refused (API 400) or ignored (pages), never a 500."""

import pytest

HUGE = "1" + "0" * 24


@pytest.mark.django_db
def test_a_huge_partner_cluster_id_is_not_a_server_error(client, api_client):
    assert client.get(f"/projects/?cluster={HUGE}").status_code == 200
    assert api_client.get(f"/api/v1/projects/?cluster={HUGE}").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("days", [HUGE, "-5"])
def test_a_huge_or_negative_age_on_the_triage_desk_is_not_a_server_error(
    client, api_client, commission_staff, days
):
    client.force_login(commission_staff)
    api_client.force_authenticate(commission_staff)

    assert client.get(f"/triage/?older_than_days={days}").status_code == 200
    assert client.get(f"/triage/export.csv?older_than_days={days}").status_code == 200
    assert api_client.get(f"/api/v1/offers/?older_than_days={days}").status_code == 400
