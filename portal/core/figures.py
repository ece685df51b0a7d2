"""Published key figures on the industrial ecosystems, from ``data/ecosystem-figures.csv``.

Copied from the Commission's European Monitor of Industrial Ecosystems: one figure a row,
each with its year (empty when the source gives none) and its source. Only figures read in a
source are in the file; an ecosystem without a row has no published figure yet, and the
portal says so instead of showing a number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

FIGURES_FILE = Path(__file__).resolve().parent / "data" / "ecosystem-figures.csv"
COLUMNS = ["ecosystem", "figure", "value", "unit", "year", "source"]


@dataclass(frozen=True)
class Figure:
    ecosystem: str  # the ecosystem's slug
    label: str
    value: Decimal
    unit: str
    year: int | None
    source: str

    @property
    def display(self) -> str:
        """The value with its unit as people write it: "7 %", "20.3 million", "EUR 906
        billion" (the file's units are English words; the portal is English for now)."""
        value = format(self.value.normalize(), "f")
        if self.unit == "percent":
            return f"{value} %"
        if self.unit.startswith("EUR "):
            return f"EUR {value} {self.unit[4:]}"
        return f"{value} {self.unit}".strip()


def read_figures(path: Path = FIGURES_FILE) -> list[Figure]:
    """Every figure in the file, in its order. A malformed row is an error, not a guess."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path.name}: columns must be {COLUMNS}, not {reader.fieldnames}")
        return [
            Figure(
                ecosystem=row["ecosystem"].strip(),
                label=row["figure"].strip(),
                value=Decimal(row["value"]),
                unit=row["unit"].strip(),
                year=int(row["year"]) if row["year"].strip() else None,
                source=row["source"].strip(),
            )
            for row in reader
        ]


@cache
def figures_by_ecosystem() -> dict[str, list[Figure]]:
    """The published figures, grouped by ecosystem slug (read once per process)."""
    grouped: dict[str, list[Figure]] = {}
    for figure in read_figures():
        grouped.setdefault(figure.ecosystem, []).append(figure)
    return grouped
