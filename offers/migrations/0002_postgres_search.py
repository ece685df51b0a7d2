"""PostgreSQL only: trigram similarity for duplicate detection and a full-text index for the
catalogue. On SQLite (the embedded default) the portal falls back to simpler searches."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Duplicate detection compares titles of the same company by trigram similarity.
    "CREATE INDEX IF NOT EXISTS offer_title_trgm_idx ON offers_offer USING gin (title gin_trgm_ops)",
    # The public catalogue's full-text search (offers.selectors.offer_catalogue).
    "CREATE INDEX IF NOT EXISTS offer_search_idx ON offers_offer USING gin ("
    "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' "
    "|| coalesce(product_details, '') || ' ' || coalesce(company_name, '')))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS offer_search_idx",
    "DROP INDEX IF EXISTS offer_title_trgm_idx",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
