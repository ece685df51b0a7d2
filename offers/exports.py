"""The triage queue as a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads accents) and XLSX.

Both writers take the queue's queryset and walk it with ``.iterator()``: 50,000 offers never
sit in memory at once. The CSV is streamed to the client row by row; the XLSX is built by
openpyxl's write-only workbook (rows go to a temporary file) and sent from a temporary file.

Every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, or a tab or carriage return) is prefixed with a quote: offers are typed by the public,
and a cell like ``=HYPERLINK(...)`` must stay text on a staff member's computer (OWASP "CSV
injection").
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from offers.models import Offer

ITERATOR_CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# All C0 control characters but tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Cell = str | int | Decimal | datetime.datetime | None


def _when(value: datetime.datetime | None) -> datetime.datetime | None:
    # Spreadsheets know no time zones: the portal's local time, as staff read it on the page.
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _countries(offer: Offer) -> str:
    return ", ".join(str(country) for country in offer.delivery_countries)  # the codes


def _certifications(offer: Offer) -> str:
    return "; ".join(str(c) for c in offer.certifications or [])


# (header, value) in the order of the columns. The headers are the field names of the API.
COLUMNS: tuple[tuple[str, Callable[[Offer], Cell]], ...] = (
    ("id", lambda o: o.pk),
    ("title", lambda o: o.title),
    ("company_name", lambda o: o.company_name),
    ("company_country", lambda o: str(o.company_country or "")),  # the code
    ("registration_number", lambda o: o.registration_number),
    ("company_size", lambda o: o.company_size),
    ("cluster", lambda o: o.cluster.name if o.cluster else ""),
    ("category", lambda o: str(o.category)),
    ("quantity", lambda o: o.quantity),
    ("unit", lambda o: o.unit),
    ("lead_time_days", lambda o: o.lead_time_days),
    ("delivery_countries", _countries),
    ("certifications", _certifications),
    ("status", lambda o: o.status),
    ("submitted_at", lambda o: _when(o.submitted_at)),
    ("assignee", lambda o: o.assignee.email if o.assignee else ""),
    ("contact_name", lambda o: o.contact_name),
    ("contact_email", lambda o: o.contact_email),
    ("contact_phone", lambda o: o.contact_phone),
)
HEADERS = [header for header, _value in COLUMNS]


def neutralise(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula becomes plain text (a leading quote).

    Control characters go first (XML 1.0, hence XLSX, cannot hold them, and they could hide
    a leading ``=`` from the check)."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def export_rows(offers: QuerySet[Offer]) -> Iterator[list[Cell]]:
    """One list of cells per offer, in the queryset's order, read in chunks."""
    for offer in offers.iterator(chunk_size=ITERATOR_CHUNK):
        yield [neutralise(value(offer)) for _header, value in COLUMNS]


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, Decimal):
        # 10000.00 → 10000; 12.50 → 12.5: what a person would type.
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(offers: QuerySet[Offer]) -> Iterator[str]:
    """The CSV file as lines, starting with the BOM and the header row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in export_rows(offers):
        yield writer.writerow([_csv_text(value) for value in row])


def write_xlsx(offers: QuerySet[Offer], target: IO[bytes]) -> None:
    """Write the workbook to ``target`` (a binary file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Offers")
    bold = Font(bold=True)
    header: list[Any] = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in export_rows(offers):
        sheet.append(row)
    workbook.save(target)


def xlsx_file(offers: QuerySet[Offer]) -> IO[bytes]:
    """The workbook in a temporary file, rewound, ready to be sent (closed with the response)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  # the response closes it
    write_xlsx(offers, target)
    target.seek(0)
    return target


def chunks(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Group small lines into larger byte chunks: fewer writes to the socket."""
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
