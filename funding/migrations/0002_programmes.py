"""Loads the programmes the portal starts with: reference data, kept by Commission staff.

Descriptions and objectives restate what each programme's official page says; no figure is
given that the programme has not published. An empty ecosystem list means every ecosystem.
``load`` is idempotent (by slug) and adds missing programmes only, so tests that flush the
database can call it again; a programme staff have edited is left as it is.
"""

from django.db import migrations

PROGRAMMES = [
    {
        "slug": "euroclusters",
        "name": "Euroclusters",
        "summary": "Joint cluster initiatives that develop value chains in the single market, build capacity for strategic autonomy, and speed the green and digital transition.",
        "description": (
            "Euroclusters are cross-sectoral, trans-European initiatives of industrial clusters "
            "and other economic actors such as research organisations and companies. They "
            "implement the EU industrial strategy under the Single Market Programme: together "
            "they strengthen the resilience of Europe's industrial ecosystems and help their "
            "SMEs through the green and digital transition.\n\n"
            "Euroclusters also open calls of their own for SMEs (financial support for third "
            "parties), announced on the European Cluster Collaboration Platform."
        ),
        "objectives": (
            "Develop value chains across the single market\n"
            "Build capacity for strategic autonomy in critical supplies and technologies\n"
            "Speed up the green and digital transition of SMEs\n"
            "Upskill and reskill the workforce"
        ),
        "link": "https://clustercollaboration.eu/euroclusters",
        "ecosystems": [],
        "position": 10,
    },
    {
        "slug": "cluster-excellence-programme",
        "name": "Cluster Excellence Programme",
        "summary": "Strengthens the management excellence of cluster organisations, so that they offer better services to their SME members.",
        "description": (
            "The European Cluster Excellence Programme, launched under COSME, supports "
            "partnerships of cluster organisations that improve their management, set "
            "strategies together and offer their SME members more professional, specialised "
            "support. Its partnerships also run the ClusterXchange mobility scheme."
        ),
        "objectives": (
            "Develop cluster management skills\n"
            "Set cluster strategies, individually and as European partnerships\n"
            "Offer SMEs better, more specialised business support\n"
            "Build strategic collaboration between clusters across regions"
        ),
        "link": "https://single-market-economy.ec.europa.eu/industry/strategy/cluster-policy/european-clusters-excellence_en",
        "ecosystems": [],
        "position": 20,
    },
    {
        "slug": "clusterxchange",
        "name": "ClusterXchange",
        "summary": "A mobility scheme for short-term exchanges between cluster organisations, their SME members and support organisations in other countries.",
        "description": (
            "ClusterXchange supports short visits between cluster actors in different "
            "countries: cluster organisations, SMEs that are cluster members and scaling-up "
            "support organisations such as technology centres and innovation hubs. Visitors "
            "receive a lump sum towards their travel and stay; the exchanges are organised "
            "through European cluster partnerships and the ClusterXchange IT tool."
        ),
        "objectives": (
            "Connect Europe's industrial clusters and ecosystems across borders\n"
            "Foster peer learning, networking and the uptake of innovation\n"
            "Open new business opportunities and partnerships for SMEs"
        ),
        "link": "https://www.clustercollaboration.eu/clusterxchange",
        "ecosystems": [],
        "position": 30,
    },
    {
        "slug": "pact-for-skills",
        "name": "European Pact for Skills",
        "summary": "A shared engagement model for skills: companies, social partners, authorities and training providers commit to upskilling and reskilling people of working age.",
        "description": (
            "The Pact for Skills is the first flagship action of the European Skills Agenda. "
            "Organisations and partnerships, including large-scale partnerships in the "
            "industrial ecosystems, sign its Charter and commit to concrete upskilling and "
            "reskilling actions, supporting a fair recovery and the green and digital "
            "transitions."
        ),
        "objectives": (
            "Promote a culture of lifelong learning for all\n"
            "Build strong skills partnerships\n"
            "Monitor skills supply and demand and anticipate skills needs\n"
            "Work against discrimination and for gender equality and equal opportunities"
        ),
        "link": "https://ec.europa.eu/social/main.jsp?catId=1517&langId=en",
        "ecosystems": [],
        "position": 40,
    },
    {
        "slug": "social-economy-canvas",
        "name": "Social Economy canvas model",
        "summary": "A visual method to map the social, environmental and economic value of an activity and the relationships around it.",
        "description": (
            "The Canvas for Social Economy was developed by the Commission's DG GROW with the "
            "EU Policy Lab. Entrepreneurs, support organisations and social investors use it to "
            "design and develop social economy activities; policymakers use it to compare "
            "local experiences and spot shared challenges and opportunities."
        ),
        "objectives": (
            "Help entrepreneurs and support organisations design social economy activities\n"
            "Make social and environmental impact visible beside economic results\n"
            "Give policymakers a bottom-up view of the social economy across Europe"
        ),
        "link": "https://blogs.ec.europa.eu/eupolicylab/portfolios/social-economy-canvas/",
        "ecosystems": ["proximity-social-economy"],
        "position": 50,
    },
    {
        "slug": "intelligent-cities-reskilling",
        "name": "Intelligent Cities reskilling",
        "summary": "The Intelligent Cities Challenge's track on upskilling and reskilling the local workforce for a green, digital and social recovery.",
        "description": (
            "The Intelligent Cities Challenge supports European cities in leading the green and "
            "digital transformation of their local economies. Its upskilling and reskilling "
            "track helps cities set up local skills partnerships with companies, vocational "
            "schools, clusters and authorities, guided by a pragmatic guide to reskilling."
        ),
        "objectives": (
            "Upskill and reskill the local workforce for the green, digital and social transition\n"
            "Mobilise local skills ecosystems: companies, training providers, clusters and authorities\n"
            "Reduce skills gaps and anticipate new needs"
        ),
        "link": "https://intelligentcitieschallenge.eu/themes/upskilling-and-reskilling",
        "ecosystems": ["proximity-social-economy", "digital", "tourism"],
        "position": 60,
    },
]


def load(apps, schema_editor):
    Programme = apps.get_model("funding", "Programme")
    Ecosystem = apps.get_model("core", "Ecosystem")
    for entry in PROGRAMMES:
        data = {k: v for k, v in entry.items() if k not in ("slug", "ecosystems")}
        programme, created = Programme.objects.get_or_create(slug=entry["slug"], defaults=data)
        if created:
            programme.ecosystems.set(Ecosystem.objects.filter(slug__in=entry["ecosystems"]))


def unload(apps, schema_editor):
    Programme = apps.get_model("funding", "Programme")
    Programme.objects.filter(slug__in=[p["slug"] for p in PROGRAMMES], calls__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("core", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, unload)]
