"""Loads the reference data: the 14 industrial ecosystems and the solution categories.

The data is frozen here, as migrations must be; a later change to it is a new migration.
Slugs are stable: the API and every app refer to them.
"""

from django.db import migrations

ECOSYSTEMS = [
    ("aerospace-defence", "Aerospace & Defence",
     "Aircraft, space systems and defence equipment, with their long chains of specialised suppliers."),
    ("agri-food", "Agri-food",
     "Farming, food and drink processing, and the distribution that brings food to people."),
    ("construction", "Construction",
     "Building and civil engineering, construction products, architecture and engineering services."),
    ("cultural-creative", "Cultural & Creative Industries",
     "Publishing, film, music, broadcasting, design, arts and the heritage sector."),
    ("digital", "Digital",
     "Telecommunications, software, data and computing services, and digital platforms."),
    ("electronics", "Electronics",
     "Electronic components and systems, semiconductors, sensors and their manufacture."),
    ("energy-intensive", "Energy-intensive Industries",
     "Chemicals, steel, metals, cement, glass, ceramics, paper, plastics and other processing industries."),
    ("renewable-energy", "Renewable Energy",
     "Wind, solar, hydro and other renewable energy equipment, and the services around it."),
    ("health", "Health",
     "Pharmaceuticals, medical devices, personal protective equipment and healthcare services."),
    ("mobility-transport-automotive", "Mobility-Transport-Automotive",
     "Vehicles and their parts, rail, ships, and the transport of people and goods."),
    ("proximity-social-economy", "Proximity, Social Economy & Civil Security",
     "Local businesses, social economy enterprises and civil security."),
    ("retail", "Retail", "Shops and online retail, wholesale, and the logistics that supply them."),
    ("textile", "Textile", "Textiles, clothing, leather and footwear."),
    ("tourism", "Tourism",
     "Travel, accommodation, food services, tour operators and the attractions visitors come for."),
]

# (slug, name, children): positions follow this order, parents just before their children.
CATEGORIES = [
    ("ppe", "Personal protective equipment", [
        ("ppe-masks", "Face masks and respirators"),
        ("ppe-gloves", "Gloves"),
        ("ppe-gowns", "Gowns, coveralls and aprons"),
        ("ppe-eye-face", "Goggles and face shields"),
        ("ppe-other", "Other protective equipment"),
    ]),
    ("medical-devices", "Medical devices", [
        ("medical-devices-ventilators", "Ventilators and respiratory support"),
        ("medical-devices-oxygen", "Oxygen supply and therapy"),
        ("medical-devices-monitoring", "Patient monitoring"),
        ("medical-devices-hospital", "Hospital beds, equipment and consumables"),
    ]),
    ("testing", "Testing and diagnostics", [
        ("testing-kits", "Test kits"),
        ("testing-reagents", "Reagents, swabs and sampling material"),
        ("testing-lab-equipment", "Laboratory equipment"),
    ]),
    ("disinfection", "Disinfection and hygiene", [
        ("disinfection-hand", "Hand sanitiser"),
        ("disinfection-surface", "Surface disinfectants"),
        ("disinfection-equipment", "Disinfection equipment (UV, fogging, air purification)"),
    ]),
    ("medicines", "Medicines and raw materials", [
        ("medicines-finished", "Finished medicines"),
        ("medicines-active-ingredients", "Active pharmaceutical ingredients"),
        ("medicines-raw-materials", "Raw materials and intermediates"),
    ]),
    ("manufacturing", "Manufacturing capacity and repurposing", [
        ("manufacturing-3d-printing", "3D printing and additive manufacturing"),
        ("manufacturing-textile", "Textile and garment production lines"),
        ("manufacturing-chemical", "Chemical and process production"),
        ("manufacturing-contract", "Contract manufacturing and assembly"),
    ]),
    ("logistics", "Logistics", [
        ("logistics-transport", "Transport"),
        ("logistics-warehousing", "Warehousing and distribution"),
        ("logistics-cold-chain", "Cold chain"),
    ]),
    ("digital-solutions", "Digital solutions", [
        ("digital-telemedicine", "Telemedicine and remote care"),
        ("digital-remote-work", "Remote work and learning"),
        ("digital-data-ai", "Data, AI and modelling for crisis response"),
    ]),
    ("services", "Services", [
        ("services-certification", "Testing, certification and regulatory support"),
        ("services-engineering", "Engineering and design"),
        ("services-training", "Training"),
        ("services-cleaning", "Cleaning and facility services"),
    ]),
    ("other", "Other", []),
]


def load(apps, schema_editor):
    Ecosystem = apps.get_model("core", "Ecosystem")
    Category = apps.get_model("core", "Category")
    for position, (slug, name, description) in enumerate(ECOSYSTEMS, start=1):
        Ecosystem.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    position = 0
    for slug, name, children in CATEGORIES:
        position += 1
        parent, _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent": None, "position": position}
        )
        for child_slug, child_name in children:
            position += 1
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={"name": child_name, "parent": parent, "position": position},
            )


def unload(apps, schema_editor):
    Category = apps.get_model("core", "Category")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    apps.get_model("core", "Ecosystem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
