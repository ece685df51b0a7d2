"""Demo clusters and projects, so a newcomer sees a populated directory and map.

Everything here is demo data. The names sound like Europe's clusters and the cities and their
coordinates are real, but the member numbers, founding years, labels, contacts (all on
``example.eu``), capabilities and projects are invented by a seeded random generator: none of
it states a fact about a real organisation.

Profiles are made through ``clusters.services`` like any other, so each has its history. The
demo cluster manager manages a few clusters (two of them drafts); Commission staff entered
the others on the clusters' behalf. Running it again adds only what is missing, found by name.
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from clusters.models import Cluster, ClusterLabel, PartnerRole, ProfileStatus, Project
from clusters.services import cluster_create, project_create
from funding.models import Programme
from portal.core.models import Category, Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User


@dataclass(frozen=True)
class DemoCluster:
    name: str
    acronym: str
    country: str
    region: str
    city: str
    latitude: float
    longitude: float
    ecosystems: tuple[str, ...]
    sectors: tuple[str, ...]
    technologies: tuple[str, ...]
    categories: tuple[str, ...]
    managed: bool = False  # by the demo cluster manager
    draft: bool = False


def _c(
    name: str,
    acronym: str,
    place: tuple[str, str, str, float, float],
    ecosystems: str,
    sectors: str,
    technologies: str,
    categories: str,
    **flags: bool,
) -> DemoCluster:
    country, region, city, latitude, longitude = place
    return DemoCluster(
        name,
        acronym,
        country,
        region,
        city,
        latitude,
        longitude,
        tuple(ecosystems.split()),
        tuple(s.strip() for s in sectors.split(",")),
        tuple(s.strip() for s in technologies.split(",")),
        tuple(categories.split()),
        **flags,
    )


# In the order they are made: the first few dozen already span the EU's regions and the 14
# ecosystems. Coordinates are the city's.
CATALOGUE: tuple[DemoCluster, ...] = (
    _c("Lodz Medical Textiles Cluster", "LMTC", ("PL", "Łódzkie", "Łódź", 51.7592, 19.4560),
       "textile health", "medical textiles, nonwovens, protective clothing",
       "meltblown nonwovens, antimicrobial finishing", "ppe-masks ppe-gowns manufacturing-textile",
       managed=True),
    _c("Basque Advanced Manufacturing Cluster", "BAMC", ("ES", "País Vasco", "Bilbao", 43.2630, -2.9350),
       "energy-intensive mobility-transport-automotive", "machine tools, metalworking",
       "additive manufacturing, industrial robotics", "manufacturing-3d-printing services-engineering manufacturing-contract"),
    _c("Silicon Saxony", "", ("DE", "Saxony", "Dresden", 51.0504, 13.7373),
       "electronics digital", "semiconductors, microelectronics",
       "chip design, sensors, software", "medical-devices-monitoring digital-data-ai"),
    _c("Lombardy Life Sciences Cluster", "LLSC", ("IT", "Lombardy", "Milan", 45.4642, 9.1900),
       "health", "pharmaceuticals, biotechnology, medical devices",
       "biologics, clinical research", "medicines-finished medicines-active-ingredients testing-kits"),
    _c("Brainport Photonics Cluster", "BPC", ("NL", "North Brabant", "Eindhoven", 51.4416, 5.4697),
       "electronics", "photonics, high-tech systems", "integrated photonics, precision optics",
       "testing-lab-equipment disinfection-equipment"),
    _c("Lyon Biotech and Diagnostics Cluster", "LBDC", ("FR", "Auvergne-Rhône-Alpes", "Lyon", 45.7640, 4.8357),
       "health", "in-vitro diagnostics, vaccines", "immunoassays, molecular diagnostics",
       "testing-kits testing-reagents medicines-finished"),
    _c("Toulouse Aerospace Valley Cluster", "TAVC", ("FR", "Occitanie", "Toulouse", 43.6047, 1.4442),
       "aerospace-defence", "aeronautics, space, embedded systems", "composites, satellite data",
       "manufacturing-contract services-engineering logistics-transport"),
    _c("Catalonia Packaging Cluster", "CPC", ("ES", "Catalonia", "Barcelona", 41.3874, 2.1686),
       "retail energy-intensive", "packaging, plastics, paper", "recyclable materials, smart labels",
       "logistics-warehousing manufacturing-chemical"),
    _c("Upper Austria Plastics Cluster", "UAPC", ("AT", "Upper Austria", "Linz", 48.3069, 14.2858),
       "energy-intensive", "plastics, polymers", "injection moulding, recycling",
       "manufacturing-chemical ppe-eye-face"),
    _c("Transylvania Digital Cluster", "TDC", ("RO", "Cluj", "Cluj-Napoca", 46.7712, 23.6236),
       "digital", "software, IT services", "cloud platforms, artificial intelligence",
       "digital-remote-work digital-data-ai digital-telemedicine"),
    _c("Moravian-Silesian Engineering Cluster", "MSEC", ("CZ", "Moravian-Silesian", "Ostrava", 49.8209, 18.2625),
       "energy-intensive construction", "steel, heavy engineering", "welding, industrial automation",
       "manufacturing-contract services-engineering"),
    _c("Pomeranian ICT Cluster", "PICT", ("PL", "Pomorskie", "Gdańsk", 54.3520, 18.6466),
       "digital electronics", "software, telecommunications", "cybersecurity, IoT",
       "digital-remote-work digital-telemedicine", managed=True),
    _c("Thessaloniki Agri-food Cluster", "TAFC", ("GR", "Central Macedonia", "Thessaloniki", 40.6401, 22.9444),
       "agri-food", "food processing, olive oil, dairy", "food safety testing, cold storage",
       "logistics-cold-chain other"),
    _c("Porto Footwear and Leather Cluster", "PFLC", ("PT", "Norte", "São João da Madeira", 40.8998, -8.4907),
       "textile retail", "footwear, leather goods", "automated cutting, sustainable leather",
       "ppe-other manufacturing-textile"),
    _c("Irish MedTech Cluster", "IMTC", ("IE", "West", "Galway", 53.2707, -9.0568),
       "health electronics", "medical devices, diagnostics", "catheters, connected devices",
       "medical-devices-ventilators medical-devices-monitoring services-certification"),
    _c("Lodz Creative Industries Cluster", "LCIC", ("PL", "Łódzkie", "Łódź", 51.7700, 19.4700),
       "cultural-creative textile", "fashion design, film", "digital design, textile printing",
       "manufacturing-textile", managed=True, draft=True),
    _c("West Sweden Mobility Cluster", "WSMC", ("SE", "Västra Götaland", "Gothenburg", 57.7089, 11.9746),
       "mobility-transport-automotive", "automotive, logistics", "electric vehicles, autonomous driving",
       "logistics-transport services-engineering"),
    _c("Estonian ICT Cluster", "EICT", ("EE", "Harju", "Tallinn", 59.4370, 24.7536),
       "digital", "e-government, software", "digital identity, data exchange",
       "digital-remote-work digital-data-ai"),
    _c("Styrian Automotive Cluster", "SAC", ("AT", "Styria", "Graz", 47.0707, 15.4395),
       "mobility-transport-automotive", "automotive suppliers, rail", "lightweight design, testing",
       "manufacturing-contract medical-devices-ventilators"),
    _c("Valencia Ceramics Cluster", "VCC", ("ES", "Valencian Community", "Castellón de la Plana", 39.9864, -0.0513),
       "construction energy-intensive", "ceramic tiles, glazes", "kiln efficiency, digital printing",
       "disinfection-surface other"),
    _c("Emilia-Romagna Biomedical Cluster", "ERBC", ("IT", "Emilia-Romagna", "Mirandola", 44.8867, 11.0660),
       "health", "biomedical devices, disposables", "dialysis, blood processing",
       "medical-devices-hospital medical-devices-oxygen"),
    _c("Slovenian Wood and Construction Cluster", "SWCC", ("SI", "Central Slovenia", "Ljubljana", 46.0569, 14.5058),
       "construction", "timber construction, furniture", "prefabrication, BIM",
       "medical-devices-hospital services-engineering"),
    _c("Latvian Green Energy Cluster", "LGEC", ("LV", "Riga", "Riga", 56.9496, 24.1052),
       "renewable-energy", "biomass, solar, energy efficiency", "district heating, smart grids",
       "services-engineering"),
    _c("Vilnius Laser and Light Cluster", "VLLC", ("LT", "Vilnius County", "Vilnius", 54.6872, 25.2797),
       "electronics", "lasers, optics", "ultrafast lasers, spectroscopy",
       "testing-lab-equipment disinfection-equipment"),
    _c("Croatian Maritime Cluster", "CMC", ("HR", "Primorje-Gorski Kotar", "Rijeka", 45.3271, 14.4422),
       "mobility-transport-automotive tourism", "shipbuilding, ports", "ship repair, port logistics",
       "logistics-transport logistics-warehousing"),
    _c("Plovdiv Food Processing Cluster", "PFPC", ("BG", "Plovdiv", "Plovdiv", 42.1354, 24.7453),
       "agri-food", "vegetables, canned food, wine", "food preservation, packaging",
       "logistics-cold-chain"),
    _c("Budapest Digital Health Cluster", "BDHC", ("HU", "Central Hungary", "Budapest", 47.4979, 19.0402),
       "health digital", "health IT, telemedicine", "remote monitoring, medical imaging software",
       "digital-telemedicine medical-devices-monitoring"),
    _c("Slovak Automotive Cluster", "SKAC", ("SK", "Trnava", "Trnava", 48.3774, 17.5872),
       "mobility-transport-automotive", "car assembly, components", "lean production, robotics",
       "manufacturing-contract ppe-eye-face"),
    _c("Finnish Bioeconomy Cluster", "FBC", ("FI", "Uusimaa", "Helsinki", 60.1699, 24.9384),
       "energy-intensive agri-food", "forest products, biomaterials", "cellulose fibres, biochemicals",
       "ppe-masks disinfection-hand"),
    _c("Luxembourg Space and ICT Cluster", "LSIC", ("LU", "Luxembourg", "Luxembourg", 49.6116, 6.1319),
       "aerospace-defence digital", "space resources, satellite services", "earth observation, data centres",
       "digital-data-ai"),
    _c("Malta Maritime and Logistics Cluster", "MMLC", ("MT", "South Eastern", "Valletta", 35.8989, 14.5146),
       "mobility-transport-automotive", "shipping, logistics", "yacht services, freight forwarding",
       "logistics-transport"),
    _c("Cyprus Tourism and Hospitality Cluster", "CTHC", ("CY", "Limassol", "Limassol", 34.7071, 33.0226),
       "tourism", "hotels, travel services", "booking platforms, hospitality training",
       "services-training services-cleaning"),
    _c("Danish Wind Power Cluster", "DWPC", ("DK", "Southern Denmark", "Esbjerg", 55.4765, 8.4594),
       "renewable-energy", "offshore wind, installation", "wind turbine service, port operations",
       "services-engineering logistics-transport"),
    _c("Brittany Food Cluster", "BFC", ("FR", "Brittany", "Rennes", 48.1173, -1.6778),
       "agri-food", "seafood, dairy, vegetables", "food safety, traceability",
       "logistics-cold-chain"),
    _c("Wallonia Biotech Cluster", "WBC", ("BE", "Wallonia", "Charleroi", 50.4108, 4.4446),
       "health", "biotechnology, vaccines", "cell therapy, bioprocessing",
       "medicines-active-ingredients testing-reagents"),
    _c("Flanders Food Innovation Cluster", "FFIC", ("BE", "Flanders", "Leuven", 50.8798, 4.7005),
       "agri-food", "food ingredients, beverages", "fermentation, alternative proteins",
       "disinfection-hand other"),
    _c("Athens Tourism Innovation Cluster", "ATIC", ("GR", "Attica", "Athens", 37.9838, 23.7275),
       "tourism cultural-creative", "tourism, heritage", "virtual tours, destination data",
       "digital-remote-work"),
    _c("Piedmont Aerospace Cluster", "PAC", ("IT", "Piedmont", "Turin", 45.0703, 7.6869),
       "aerospace-defence", "aerostructures, space systems", "composites, avionics",
       "manufacturing-contract services-engineering"),
    _c("Galician Automotive Cluster", "GAC", ("ES", "Galicia", "Vigo", 42.2406, -8.7207),
       "mobility-transport-automotive", "car components, plastics", "industry 4.0, logistics",
       "ppe-eye-face manufacturing-3d-printing"),
    _c("Silesian Clean Energy Cluster", "SCEC", ("PL", "Śląskie", "Katowice", 50.2649, 19.0238),
       "renewable-energy energy-intensive", "energy transition, mining regions", "heat pumps, hydrogen",
       "services-engineering", managed=True, draft=True),
    _c("Brno Health Technologies Cluster", "BHTC", ("CZ", "South Moravia", "Brno", 49.1951, 16.6068),
       "health electronics", "medical devices, electron microscopy", "imaging, nanotechnology",
       "testing-lab-equipment medical-devices-monitoring"),
    _c("Sofia Pharma and Biotech Cluster", "SPBC", ("BG", "Sofia City", "Sofia", 42.6977, 23.3219),
       "health", "generic medicines, biotech", "formulation, quality control",
       "medicines-finished medicines-raw-materials"),
    _c("Hamburg Aviation Cluster", "HAC", ("DE", "Hamburg", "Hamburg", 53.5511, 9.9937),
       "aerospace-defence", "aircraft cabins, maintenance", "cabin systems, MRO",
       "manufacturing-contract ppe-other"),
    _c("Tuttlingen Medical Technology Cluster", "TMTC", ("DE", "Baden-Württemberg", "Tuttlingen", 47.9846, 8.8170),
       "health", "surgical instruments, medical devices", "precision machining, sterilisation",
       "medical-devices-hospital services-certification"),
    _c("Bavarian Environmental Technology Cluster", "BETC", ("DE", "Bavaria", "Augsburg", 48.3705, 10.8978),
       "energy-intensive renewable-energy", "environmental technology, recycling", "water treatment, circular economy",
       "disinfection-equipment"),
    _c("Pannon Mechatronics Cluster", "PMC", ("HU", "Győr-Moson-Sopron", "Győr", 47.6875, 17.6504),
       "mobility-transport-automotive electronics", "mechatronics, automotive", "automation, vocational training",
       "manufacturing-contract services-training"),
    _c("Norwegian Ocean Technology Cluster", "NOTC", ("NO", "Vestland", "Bergen", 60.3913, 5.3221),
       "mobility-transport-automotive renewable-energy", "ocean technology, aquaculture", "subsea robotics, sensors",
       "logistics-cold-chain"),
    _c("Uppsala Life Science Cluster", "ULSC", ("SE", "Uppsala", "Uppsala", 59.8586, 17.6389),
       "health", "life science tools, pharmaceuticals", "bioprocess equipment, diagnostics",
       "testing-lab-equipment testing-reagents"),
    _c("Proximity and Social Economy Cluster Lisbon", "PSEL", ("PT", "Lisbon", "Lisbon", 38.7223, -9.1393),
       "proximity-social-economy tourism", "social enterprises, local services", "community platforms",
       "services-cleaning other"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoProject:
    title: str
    acronym: str
    programme: str  # a funding programme's slug, or the name of another programme
    start: datetime.date
    months: int
    budget: int
    ecosystems: tuple[str, ...]
    coordinator: str
    partners: tuple[str, ...]


PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        "Protective Textiles for Europe",
        "PROTEX-EU",
        "euroclusters",
        datetime.date(2022, 9, 1),
        30,
        1_200_000,
        ("textile", "health"),
        "Lodz Medical Textiles Cluster",
        (
            "Porto Footwear and Leather Cluster",
            "Finnish Bioeconomy Cluster",
            "Upper Austria Plastics Cluster",
        ),
    ),
    DemoProject(
        "Digital Care Across Borders",
        "DICARE",
        "Interreg Baltic Sea Region",
        datetime.date(2021, 3, 1),
        36,
        850_000,
        ("digital", "health"),
        "Pomeranian ICT Cluster",
        ("Estonian ICT Cluster", "Budapest Digital Health Cluster"),
    ),
    DemoProject(
        "Resilient Medical Supply Chains",
        "RESUPPLY",
        "cluster-excellence-programme",
        datetime.date(2020, 10, 1),
        24,
        640_000,
        ("health",),
        "Lombardy Life Sciences Cluster",
        (
            "Lyon Biotech and Diagnostics Cluster",
            "Irish MedTech Cluster",
            "Emilia-Romagna Biomedical Cluster",
        ),
    ),
    DemoProject(
        "Additive Manufacturing for Emergency Parts",
        "AM-RESCUE",
        "Horizon Europe",
        datetime.date(2021, 6, 1),
        36,
        2_400_000,
        ("energy-intensive", "health"),
        "Basque Advanced Manufacturing Cluster",
        ("Styrian Automotive Cluster", "Slovak Automotive Cluster"),
    ),
    DemoProject(
        "Cold Chain for Food and Vaccines",
        "COLDLINK",
        "Interreg Europe",
        datetime.date(2022, 1, 1),
        48,
        1_750_000,
        ("agri-food", "mobility-transport-automotive"),
        "Thessaloniki Agri-food Cluster",
        ("Plovdiv Food Processing Cluster", "Croatian Maritime Cluster"),
    ),
    DemoProject(
        "Aerospace Skills Exchange",
        "AEROX",
        "clusterxchange",
        datetime.date(2023, 2, 1),
        18,
        300_000,
        ("aerospace-defence",),
        "Toulouse Aerospace Valley Cluster",
        ("Hamburg Aviation Cluster", "Piedmont Aerospace Cluster"),
    ),
)

# Titles of the projects made beyond the catalogue, among whichever clusters were made.
PROJECT_THEMES = (
    "Green Transition Alliance",
    "Skills for Industrial Resilience",
    "Supply Chain Observatory",
    "Circular Materials Network",
    "Emergency Manufacturing Network",
    "SME Internationalisation Partnership",
)

LABEL_WEIGHTS = (
    (ClusterLabel.NONE, 5),
    (ClusterLabel.BRONZE, 3),
    (ClusterLabel.SILVER, 2),
    (ClusterLabel.GOLD, 1),
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().encode("ascii", "ignore").decode()).strip("-")


def _catalogue(n: int, rng: random.Random) -> list[DemoCluster]:
    """``n`` demo clusters: the catalogue first, then variations around its cities."""
    chosen = list(CATALOGUE[:n])
    round_ = 2
    while len(chosen) < n:
        for base in CATALOGUE:
            if len(chosen) == n:
                break
            # A second (third, …) cluster in the same city, a few kilometres away.
            chosen.append(
                DemoCluster(
                    f"{base.name} {round_}",
                    f"{base.acronym or _slug(base.name)[:4].upper()}{round_}",
                    base.country,
                    base.region,
                    base.city,
                    round(base.latitude + rng.uniform(-0.15, 0.15), 5),
                    round(base.longitude + rng.uniform(-0.15, 0.15), 5),
                    base.ecosystems,
                    base.sectors,
                    base.technologies,
                    base.categories,
                )
            )
        round_ += 1
    return chosen


def _cluster_data(
    entry: DemoCluster,
    rng: random.Random,
    ecosystems: dict[str, Ecosystem],
    categories: dict[str, Category],
) -> dict[str, Any]:
    total = rng.randint(25, 420)
    sme = round(total * rng.uniform(0.6, 0.85))
    large = round(total * rng.uniform(0.03, 0.12))
    research = rng.randint(0, total - sme - large)
    label = rng.choices([w[0] for w in LABEL_WEIGHTS], [w[1] for w in LABEL_WEIGHTS])[0]
    slug = _slug(entry.name)
    return {
        "name": entry.name,
        "acronym": entry.acronym,
        "description": (
            f"{entry.name} brings together companies, research organisations and public "
            f"partners around {entry.city} working in {', '.join(entry.sectors)}. "
            f"Its members share expertise in {', '.join(entry.technologies)} and take part "
            "in joint projects across Europe. (Demo profile: the figures are invented.)"
        ),
        "website": f"https://{slug}.example.eu/",
        "country": entry.country,
        "region": entry.region,
        "city": entry.city,
        "latitude": Decimal(str(entry.latitude)).quantize(Decimal("0.00001")),
        "longitude": Decimal(str(entry.longitude)).quantize(Decimal("0.00001")),
        "ecosystems": [ecosystems[s] for s in entry.ecosystems if s in ecosystems],
        "sectors": list(entry.sectors),
        "technologies": list(entry.technologies),
        "value_chains": [entry.sectors[0]],
        "members_total": total,
        "members_sme": sme,
        "members_large": large,
        "members_research": research,
        "year_founded": rng.randint(1995, 2018),
        "management_organisation": f"{entry.name} management office",
        "label": label,
        "label_date": (
            None
            if label == ClusterLabel.NONE
            else datetime.date(rng.randint(2019, 2024), rng.randint(1, 12), 1)
        ),
        "contact_email": f"contact@{slug}.example.eu",
        "response_categories": [categories[s] for s in entry.categories if s in categories],
        "response_text": (
            f"Members can supply or help produce: {', '.join(entry.technologies)}. "
            "Contact the cluster office to be put in touch."
        ),
        "status": ProfileStatus.DRAFT if entry.draft else ProfileStatus.PUBLISHED,
    }


def _project_plan(
    n: int, clusters: dict[str, Cluster], rng: random.Random
) -> list[tuple[DemoProject, Cluster, list[Cluster]]]:
    """``n`` projects: the catalogue's where its coordinator was made, then generated ones."""
    published = sorted(
        (c for c in clusters.values() if c.status == ProfileStatus.PUBLISHED), key=lambda c: c.pk
    )
    plan: list[tuple[DemoProject, Cluster, list[Cluster]]] = []
    for project in PROJECTS:
        if len(plan) == n:
            return plan
        coordinator = clusters.get(project.coordinator)
        if coordinator is None or coordinator.status != ProfileStatus.PUBLISHED:
            continue
        partners = [clusters[p] for p in project.partners if p in clusters]
        plan.append((project, coordinator, [p for p in partners if p.status == "published"]))
    number = 1
    while len(plan) < n and len(published) >= 2:
        coordinator, *partners = rng.sample(published, min(len(published), rng.randint(2, 4)))
        ecosystem_slugs = tuple(e.slug for e in coordinator.ecosystems.all()[:2])
        theme = PROJECT_THEMES[(number - 1) % len(PROJECT_THEMES)]
        round_ = (number - 1) // len(PROJECT_THEMES) + 1
        # The title does not depend on the draw, so a run with other options finds it again.
        title = f"European {theme}" + (f" {round_}" if round_ > 1 else "")
        plan.append(
            (
                DemoProject(
                    title,
                    "".join(word[0] for word in theme.split()).upper() + str(number),
                    "euroclusters",
                    datetime.date(2022 + number % 3, 1 + number % 12, 1),
                    24,
                    400_000 + 50_000 * (number % 10),
                    ecosystem_slugs,
                    coordinator.name,
                    tuple(p.name for p in partners),
                ),
                coordinator,
                partners,
            )
        )
        number += 1
    return plan


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1) - datetime.timedelta(
        days=1
    )


def seed_clusters(
    *,
    clusters: int,
    projects: int,
    by_manager: User,
    by_staff: User | None = None,
    rng_seed: int = 2020,
) -> tuple[int, int]:
    """Make the demo clusters and projects that do not exist yet; returns how many of each.

    ``by_manager`` (a cluster manager) makes and manages the catalogue's few "managed"
    clusters and coordinates their projects; ``by_staff`` (Commission staff) enters the rest,
    as staff do on a cluster's behalf. Without ``by_staff`` the manager makes them all.
    """
    rng = random.Random(rng_seed)  # noqa: S311  # demo data, nothing secret
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    categories = {c.slug: c for c in Category.objects.all()}
    entries = _catalogue(clusters, rng)
    # Every entry's data is drawn, made or not, so a second run draws the same numbers.
    planned = [(entry, _cluster_data(entry, rng, ecosystems, categories)) for entry in entries]
    names = [entry.name for entry in entries]
    existing = {c.name: c for c in Cluster.objects.filter(name__in=names)}
    made_clusters = 0
    for entry, data in planned:
        if entry.name in existing:
            continue
        author = by_manager if entry.managed or by_staff is None else by_staff
        existing[entry.name] = cluster_create(by=author, data=data)
        made_clusters += 1

    made_projects = 0
    titles = set(Project.objects.values_list("title", flat=True))
    programmes = {p.slug: p for p in Programme.objects.all()}
    for project, coordinator, partners in _project_plan(projects, existing, rng):
        if project.title in titles:
            continue
        managed = coordinator.managerships.filter(user=by_manager).exists()
        author = by_manager if managed or by_staff is None else by_staff
        project_create(
            by=author,
            data={
                "title": project.title,
                "acronym": project.acronym,
                "description": (
                    f"{project.title} ({project.acronym}) brings {len(partners) + 1} clusters "
                    "together to share capacity and expertise across borders. "
                    "(Demo profile: dates and budget are invented.)"
                ),
                "programme": programmes.get(project.programme),
                "programme_other": "" if project.programme in programmes else project.programme,
                "start_date": project.start,
                "end_date": _add_months(project.start, project.months),
                "budget": Decimal(project.budget),
                "website": f"https://{_slug(project.acronym)}.example.eu/",
                "ecosystems": [ecosystems[s] for s in project.ecosystems if s in ecosystems],
                "status": ProfileStatus.PUBLISHED,
            },
            partners=[(coordinator, PartnerRole.COORDINATOR)]
            + [(p, PartnerRole.PARTNER) for p in partners],
        )
        titles.add(project.title)
        made_projects += 1
    return made_clusters, made_projects
