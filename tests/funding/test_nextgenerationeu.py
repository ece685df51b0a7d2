"""NextGenerationEU's figures: the data file adds up, and the page draws them from it."""

import csv
import re
from decimal import Decimal

import pytest

from funding import nextgenerationeu
from funding.nextgenerationeu import DATA_FILE, parse

HEADER = "key,name,amount_eur_billion,parent,kind\n"


def file_rows() -> list[dict[str, str]]:
    """The committed file, read without the module under test."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_the_components_add_up_to_the_total_of_750_billion():
    rows = file_rows()
    total = next(Decimal(r["amount_eur_billion"]) for r in rows if r["kind"] == "total")
    components = [Decimal(r["amount_eur_billion"]) for r in rows if r["kind"] == "component"]

    assert total == Decimal("750")
    assert sum(components) == total


def test_rrf_loans_and_grants_add_up_to_the_facility():
    rows = {r["key"]: r for r in file_rows()}
    parts = [Decimal(r["amount_eur_billion"]) for r in rows.values() if r["parent"] == "rrf"]

    assert Decimal(rows["rrf"]["amount_eur_billion"]) == Decimal("672.5")
    assert sorted(parts) == [Decimal("312.5"), Decimal("360")]
    assert sum(parts) == Decimal("672.5")


def test_the_file_holds_the_figures_of_the_seed():
    figures = {c.key: c.amount for c in nextgenerationeu.load().components}

    assert figures == {
        "rrf": Decimal("672.5"),
        "react-eu": Decimal("47.5"),
        "horizon-europe": Decimal("5"),
        "investeu": Decimal("5.6"),
        "rural-development": Decimal("7.5"),
        "just-transition-fund": Decimal("10"),
        "resceu": Decimal("1.9"),
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "t,Total,100,,total\na,A,60,,component\nb,B,30,,component\n",
            "do not add up to the total",
        ),
        (
            "t,Total,100,,total\na,A,100,,component\na1,A1,50,a,part\na2,A2,40,a,part\n",
            "parts of a",
        ),
        ("t,Total,100,,total\na,A,x,,component\n", "not a number"),
        ("a,A,100,,component\n", "exactly one row"),
        ("t,Total,10,,total\na,A,10,,component\nz,Z,1,nowhere,part\n", "unknown components"),
    ],
    ids=["components", "parts", "number", "total", "orphan"],
)
def test_a_file_that_does_not_add_up_is_refused(tmp_path, rows, message):
    path = tmp_path / "ngeu.csv"
    path.write_text("# a comment\n" + HEADER + rows, encoding="utf-8")

    with pytest.raises(ValueError, match=message):
        parse(path)


def test_the_chart_has_one_bar_per_component_and_splits_the_facility():
    ngeu = nextgenerationeu.load()
    chart = nextgenerationeu.chart(ngeu)

    assert [bar.amount for bar in chart.bars] == [c.amount for c in ngeu.components]
    rrf = chart.bars[0]
    assert [s.amount for s in rrf.segments] == [Decimal("360"), Decimal("312.5")]
    # Widths are proportional: loans against the largest bar's full width.
    full = sum(s.width for s in rrf.segments)
    assert rrf.segments[0].width / full == pytest.approx(360 / 672.5, abs=0.01)
    assert all(bar.segments[-1].x + bar.segments[-1].width <= chart.width for bar in chart.bars)


@pytest.mark.django_db
def test_the_funding_page_shows_the_chart_and_a_table_that_adds_up(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/funding/")

    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r'<svg class="funding-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "style=" not in svg
    assert svg.count("<rect") == 2 + 8  # two legend keys; 6 components and the RRF's 2 parts
    table = re.search(r'<table[^>]*data-table="nextgenerationeu".*?</table>', html, re.S).group(0)
    amounts = dict(re.findall(r'data-key="([\w-]+)".*?data-amount="([\d.]+)"', table, re.S))
    total = Decimal(re.search(r'data-total="([\d.]+)"', table).group(1))
    components = {k: Decimal(v) for k, v in amounts.items() if k not in ("rrf-loans", "rrf-grants")}
    assert total == Decimal("750")
    assert sum(components.values()) == total
    assert Decimal(amounts["rrf-loans"]) + Decimal(amounts["rrf-grants"]) == components["rrf"]
    assert "repaid until 2058" in html
