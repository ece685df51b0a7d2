"""Demo EU updates, modelled on the Commission's real actions for industry in spring 2020.

Each names a real act or announcement and links to its official text on ec.europa.eu or
EUR-Lex, but the wording is ours, written for the demo, and says so. No figures: amounts and
counts are left to the official texts. Updates are made through the same services staff use;
one is pinned, one scheduled a week ahead and one left as a draft, so every state shows.
Idempotent: an update is recognised by the slug its title makes, and only the missing
ones are made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from portal.updates.models import Update, UpdateCategory
from portal.updates.services import slug_for_title, update_create, update_pin, update_publish

if TYPE_CHECKING:
    from portal.accounts.models import User

DEMO_NOTE = (
    "\n\n---\n\n*Demo content for the Clusters Response Portal, modelled on a real Commission "
    "action: the official text at the source link is the one that counts.*"
)
SCHEDULED = "scheduled"  # published a week after the demo data is loaded
DRAFT = "draft"


@dataclass(frozen=True)
class DemoUpdate:
    title: str
    summary: str
    body: str
    category: str
    ecosystems: tuple[str, ...]
    source_url: str
    published: str  # an ISO date (published then, at noon Brussels time), SCHEDULED or DRAFT
    pinned: bool = False


C = UpdateCategory
UPDATES = [
    DemoUpdate(
        "State aid: a Temporary Framework to support the economy in the COVID-19 outbreak",
        "The Commission has adopted a Temporary Framework that lets Member States use the full flexibility of State aid rules to keep companies, especially SMEs, supplied with liquidity. Demo content.",
        """The Commission adopted a **Temporary Framework for State aid measures to support the economy in the current COVID-19 outbreak**. It sets out the kinds of national support the Commission considers compatible with the internal market under Article 107(3)(b) of the Treaty, so that such schemes can be approved very quickly once notified.

## What it covers

- direct grants, selective tax advantages and advance payments;
- State guarantees on bank loans to companies;
- subsidised public loans;
- safeguards for banks that channel State aid to the real economy;
- short-term export credit insurance.

## What it means for cluster members

Support is designed by each Member State and granted through national schemes. Companies should turn to their national or regional authorities and promotional banks; cluster organisations can help members find the scheme that applies to them.

The framework has been amended several times since its adoption: check the Commission's competition pages for the version in force."""
        + DEMO_NOTE,
        C.STATE_AID,
        (),
        "https://ec.europa.eu/commission/presscorner/detail/en/ip_20_496",
        "2020-03-19",
        pinned=True,
    ),
    DemoUpdate(
        "Guidelines for border management: keeping essential goods moving",
        "Guidelines to Member States on health-related border measures that preserve the free movement of goods, in particular medical and protective equipment, food and other essential supplies. Demo content.",
        """The Commission presented **COVID-19 guidelines for border management measures to protect health and ensure the availability of goods and essential services** (2020/C 86 I/01).

## The principles

- Member States should preserve the free circulation of all goods in the Single Market and guarantee the supply chain of essential products such as **medicines, medical and protective equipment** and perishable food.
- Control measures should not disrupt supply chains or essential services.
- Emergency transport should have priority, for example through **"green lanes"** for freight.
- No additional certification should be imposed on goods legally circulating in the internal market.

If your members' shipments of critical goods are held up at an internal border, report it through the portal's Rapid Alert Function so the Commission hears of it."""
        + DEMO_NOTE,
        C.LEGISLATION_GUIDANCE,
        ("health", "mobility-transport-automotive", "retail", "agri-food"),
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52020XC0316(03)",
        "2020-03-16",
    ),
    DemoUpdate(
        "Recommendation (EU) 2020/403: faster conformity assessment for protective equipment and medical devices",
        "A Commission Recommendation to notified bodies and market surveillance authorities on getting safe personal protective equipment and medical devices to those who need them quickly. Demo content.",
        """**Commission Recommendation (EU) 2020/403** of 13 March 2020 addresses conformity assessment and market surveillance procedures in the context of the COVID-19 threat.

## The main points

1. **Notified bodies** should prioritise and swiftly carry out conformity assessments for personal protective equipment (PPE) such as masks, gloves, coveralls and eye protection.
2. Where products do not follow harmonised standards, other technical solutions — for example those in WHO recommendations — may be used, **provided they ensure an adequate level of health and safety**.
3. **Market surveillance authorities** may, under conditions, allow PPE and medical devices still going through conformity assessment to be made available, for health workers in particular.

## For manufacturers converting a production line

Contact a notified body early and keep your technical documentation complete. The Commission has published questions and answers on conformity assessment for protective equipment alongside the Recommendation."""
        + DEMO_NOTE,
        C.STANDARDS_CERTIFICATION,
        ("health", "textile"),
        "https://eur-lex.europa.eu/eli/reco/2020/403/oj",
        "2020-03-16",
    ),
    DemoUpdate(
        "European standards for masks, gloves and protective clothing made freely available",
        "At the Commission's request, CEN and CENELEC have made a set of European standards for medical devices and protective equipment available free of charge, so that more companies can start production. Demo content.",
        """Upon the Commission's urgent request, the European standardisation organisations **CEN and CENELEC**, with their national members, agreed to make freely available a number of European standards for certain **medical devices and personal protective equipment**.

## Why it matters

The standards cover common filtering face masks, medical gloves and protective clothing. Free access helps companies in and outside the EU that are converting their lines to start production quickly and place safe products on the internal market.

## Where to find them

The standards are downloaded from the websites of the **national standardisation bodies** that are CEN members. This complements Recommendation (EU) 2020/403 on conformity assessment."""
        + DEMO_NOTE,
        C.STANDARDS_CERTIFICATION,
        ("health", "textile"),
        "https://single-market-economy.ec.europa.eu/news/coronavirus-european-standards-medical-supplies-made-freely-available-facilitate-increase-production-2020-03-23_en",
        "2020-03-23",
    ),
    DemoUpdate(
        "Coronavirus Response Investment Initiative: cohesion funds redirected to the crisis",
        "Regulation (EU) 2020/460 lets Member States use cohesion policy funds to strengthen health systems and support SMEs' working capital and short-time work schemes. Demo content.",
        """**Regulation (EU) 2020/460** of 30 March 2020, the **Coronavirus Response Investment Initiative**, amends the rules of the European Regional Development Fund, the European Social Fund, the Cohesion Fund and the European Maritime and Fisheries Fund.

## What changes

- The funds can support investments in the products and services **health services** need to respond to the crisis.
- The European Regional Development Fund can finance **SMEs' working capital** as a temporary crisis measure.
- Expenditure on operations to boost crisis response capacities is eligible from **1 February 2020**.

## Who to contact

Support is managed in each Member State by the managing authorities of the operational programmes. Cluster organisations can point members to their regional managing authority."""
        + DEMO_NOTE,
        C.FUNDING,
        (),
        "https://eur-lex.europa.eu/eli/reg/2020/460/oj",
        "2020-03-31",
    ),
    DemoUpdate(
        "Customs duty and VAT relief on imports of goods needed to fight COVID-19",
        "Commission Decision (EU) 2020/491 grants relief from import duties and VAT for protective equipment, medical devices and other goods imported by or for state organisations and approved bodies. Demo content.",
        """**Commission Decision (EU) 2020/491** of 3 April 2020 grants **relief from import duties and an exemption from VAT** on the importation of goods needed to combat the effects of the COVID-19 outbreak.

## Who benefits

The relief applies to goods imported **by or on behalf of state organisations**, and by disaster-relief agencies and other organisations approved by the Member States, to be distributed or made available **free of charge** to people affected by the outbreak, at risk from it, or involved in fighting it.

## What to check

- Member States decide which goods they admit and which organisations they approve; the Commission published an indicative list of goods.
- The relief applied to imports made from 30 January 2020 and has been extended by later decisions: check the consolidated text.

Companies supplying such goods should confirm with the importing organisation and national customs that the relief applies."""
        + DEMO_NOTE,
        C.TRADE_CUSTOMS,
        ("health",),
        "https://eur-lex.europa.eu/eli/dec/2020/491/oj",
        "2020-04-03",
    ),
    DemoUpdate(
        "Public procurement in the emergency: the flexibility EU rules already allow",
        "Guidance from the Commission on the options public buyers have under EU procurement rules to buy what they need quickly in the COVID-19 crisis. Demo content.",
        """The Commission published **guidance on using the public procurement framework in the emergency situation related to the COVID-19 crisis** (2020/C 108 I/01).

## Options for public buyers

1. In urgent cases, **substantially shorter deadlines** in open or restricted procedures.
2. Where that is not enough, a **negotiated procedure without prior publication**.
3. In cases of extreme urgency, even a **direct award** to a preselected economic operator that alone can deliver within the technical and time constraints.

The guidance also encourages public buyers to look for alternative solutions and to engage with the market, for example companies that could increase or convert their production.

Public authorities can post their needs in the portal's **Demand** section, where they are matched against the solutions companies offer."""
        + DEMO_NOTE,
        C.LEGISLATION_GUIDANCE,
        ("health", "proximity-social-economy"),
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52020XC0401(05)",
        "2020-04-01",
    ),
    DemoUpdate(
        "CRII+: more flexibility in the use of cohesion funds",
        "Regulation (EU) 2020/558 adds exceptional flexibility to the use of cohesion policy funds in response to the COVID-19 outbreak. Demo content, scheduled to show how scheduled updates work.",
        """**Regulation (EU) 2020/558**, the **Coronavirus Response Investment Initiative Plus**, follows Regulation (EU) 2020/460 with exceptional flexibility for the use of the European Structural and Investment Funds in response to the outbreak.

## In short

- Funds can be moved more easily between funds, categories of regions and policy objectives.
- Temporary exemptions ease the use of the funds during the crisis.

As for the first initiative, support is managed by each Member State's managing authorities.

*This demo update is scheduled: only Commission staff see it until its time comes.*"""
        + DEMO_NOTE,
        C.FUNDING,
        (),
        "https://eur-lex.europa.eu/eli/reg/2020/558/oj",
        SCHEDULED,
    ),
    DemoUpdate(
        "Exports of personal protective equipment need an authorisation",
        "Implementing Regulation (EU) 2020/402 makes exports of certain personal protective equipment outside the EU subject to an export authorisation. Demo content, left as a draft.",
        """**Commission Implementing Regulation (EU) 2020/402** of 14 March 2020 makes the **exportation of certain personal protective equipment** outside the Union subject to an export authorisation issued by the Member States.

## To complete before publishing

- Which products the annex lists.
- How long the measure applies and how it was later amended.
- Which national authority grants the authorisation.

*This demo update is a draft: only Commission staff see it.*"""
        + DEMO_NOTE,
        C.TRADE_CUSTOMS,
        ("health", "textile"),
        "https://eur-lex.europa.eu/eli/reg_impl/2020/402/oj",
        DRAFT,
    ),
]


def _published_at(value: str) -> datetime.datetime:
    day = datetime.date.fromisoformat(value)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def seed_updates(*, staff: User) -> int:
    """Make the demo updates that are missing, as ``staff`` wrote them; return how many.

    The 2020 updates carry their real dates. Publication times in the past are set
    directly: the services publish now or schedule ahead, never back in time.
    """
    slugs = {demo.title: slug_for_title(demo.title) for demo in UPDATES}
    existing = set(Update.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    made = 0
    for demo in UPDATES:
        if slugs[demo.title] in existing:
            continue
        update = update_create(
            data={
                "title": demo.title,
                "summary": demo.summary,
                "body": demo.body,
                "category": demo.category,
                "ecosystems": list(demo.ecosystems),
                "source_url": demo.source_url,
            },
            by=staff,
        )
        if demo.published == SCHEDULED:
            update_publish(update=update, at=timezone.now() + datetime.timedelta(days=7), by=staff)
        elif demo.published != DRAFT:
            Update.objects.filter(pk=update.pk).update(published_at=_published_at(demo.published))
        if demo.pinned:
            update_pin(update=update, pinned=True, by=staff)
        made += 1
    return made
