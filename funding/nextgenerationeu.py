"""NextGenerationEU's figures, read from ``funding/data/nextgenerationeu.csv``.

The file is the single source of the figures: the page's chart and table are drawn from it,
and ``load`` refuses a file whose components do not add up to its total (or whose parts do
not add up to their component), so a typo cannot reach the page.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "nextgenerationeu.csv"
SOURCE_URL = "https://ec.europa.eu/info/strategy/recovery-plan-europe_en"
REPAID_UNTIL = 2058

# The names as people read them, translatable; the file's own name is the fallback.
LABELS: dict[str, str | Promise] = {
    "ngeu": _("NextGenerationEU"),
    "rrf": _("Recovery and Resilience Facility"),
    "rrf-loans": _("Loans"),
    "rrf-grants": _("Grants"),
    "react-eu": _("REACT-EU"),
    "horizon-europe": _("Horizon Europe"),
    "investeu": _("InvestEU"),
    "rural-development": _("Rural Development"),
    "just-transition-fund": _("Just Transition Fund"),
    "resceu": _("RescEU"),
}


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    amount: Decimal  # EUR billion
    parts: tuple[Component, ...] = field(default=())

    @property
    def label(self) -> str | Promise:
        return LABELS.get(self.key, self.name)


@dataclass(frozen=True)
class NextGenerationEU:
    total: Decimal
    components: tuple[Component, ...]

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _amount(row: dict[str, str]) -> Decimal:
    try:
        amount = Decimal(row["amount_eur_billion"].strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{row.get('key')}: the amount is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{row.get('key')}: the amount must be a positive number")
    return amount


def parse(path: Path = DATA_FILE) -> NextGenerationEU:
    """Read the file and check that it adds up; ``ValueError`` says what is wrong."""
    rows = _rows(path)
    totals = [row for row in rows if row["kind"] == "total"]
    if len(totals) != 1:
        raise ValueError("the file needs exactly one row of kind 'total'")
    parts: dict[str, list[Component]] = {}
    for row in rows:
        if row["kind"] == "part":
            parts.setdefault(row["parent"], []).append(
                Component(row["key"], row["name"], _amount(row))
            )
    components = tuple(
        Component(row["key"], row["name"], _amount(row), tuple(parts.pop(row["key"], ())))
        for row in rows
        if row["kind"] == "component"
    )
    if parts:
        raise ValueError(f"parts of unknown components: {', '.join(sorted(parts))}")
    if unknown := {row["kind"] for row in rows} - {"total", "component", "part"}:
        raise ValueError(f"unknown kinds: {', '.join(sorted(unknown))}")
    total = _amount(totals[0])
    if sum((c.amount for c in components), Decimal(0)) != total:
        raise ValueError("the components do not add up to the total")
    for component in components:
        if (
            component.parts
            and sum((p.amount for p in component.parts), Decimal(0)) != component.amount
        ):
            raise ValueError(f"the parts of {component.key} do not add up to it")
    return NextGenerationEU(total=total, components=components)


@lru_cache(maxsize=1)
def load() -> NextGenerationEU:
    """The figures of the committed file (read once per process)."""
    return parse(DATA_FILE)


# --- the chart: horizontal bars, drawn by the template as SVG ---------------------------

CHART_WIDTH = 720
LABEL_WIDTH = 270
VALUE_WIDTH = 70
ROW_HEIGHT = 36
BAR_HEIGHT = 22
LEGEND_HEIGHT = 34
# ECL blues; a part's shade differs by lightness and the legend names it.
FILLS = ("#0036a8", "#8aa6dc")
SINGLE_FILL = "#0036a8"


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    fill: str
    label: str | Promise
    amount: Decimal


@dataclass(frozen=True)
class Bar:
    label: str | Promise
    amount: Decimal
    y: float
    text_y: float
    value_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class LegendItem:
    x: float
    fill: str
    label: str | Promise
    parent: str | Promise


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_x: int
    bars: tuple[Bar, ...]
    legend: tuple[LegendItem, ...]


def chart(ngeu: NextGenerationEU) -> Chart:
    """Bar geometry in SVG units: one bar per component, split into its parts if any."""
    largest = max(c.amount for c in ngeu.components)
    scale = (CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH) / float(largest)
    legend: list[LegendItem] = []
    bars = []
    for index, component in enumerate(ngeu.components):
        y = LEGEND_HEIGHT + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        segments = []
        x = float(LABEL_WIDTH)
        for n, part in enumerate(component.parts or (component,)):
            # At least a visible sliver: the smallest component is under 0.3% of the largest.
            width = max(round(float(part.amount) * scale, 1), 2.0)
            fill = FILLS[n % len(FILLS)] if component.parts else SINGLE_FILL
            segment = Segment(x, width, fill, part.label, part.amount)
            segments.append(segment)
            if component.parts:
                legend.append(
                    LegendItem(LABEL_WIDTH + len(legend) * 100, fill, part.label, component.label)
                )
            x += width
        bars.append(
            Bar(
                label=component.label,
                amount=component.amount,
                y=y,
                text_y=y + BAR_HEIGHT / 2 + 5,
                value_x=x + 8,
                segments=tuple(segments),
            )
        )
    height = LEGEND_HEIGHT + len(bars) * ROW_HEIGHT + 8
    return Chart(CHART_WIDTH, height, LABEL_WIDTH - 10, tuple(bars), tuple(legend))


@dataclass(frozen=True)
class Row:
    key: str
    label: str | Promise
    amount: Decimal
    share: Decimal  # per cent of the total, one decimal
    is_part: bool


def table(ngeu: NextGenerationEU) -> list[Row]:
    """The table beside the chart: each component, its parts under it, with its share."""
    rows = []
    for component in ngeu.components:
        for item in (component, *component.parts):
            share = (item.amount * 100 / ngeu.total).quantize(Decimal("0.1"))
            rows.append(Row(item.key, item.label, item.amount, share, item is not component))
    return rows
