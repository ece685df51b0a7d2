"""PostgreSQL only: a full-text index for the updates' search (``portal.updates.filters``).
On SQLite (the embedded default) the search falls back to substring matching."""

from django.db import migrations

FORWARD = [
    # The list page's and the API's text search over title, summary and text.
    "CREATE INDEX IF NOT EXISTS update_search_idx ON updates_update USING gin ("
    "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' "
    "|| coalesce(body, '')))",
]
BACKWARD = ["DROP INDEX IF EXISTS update_search_idx"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("updates", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
