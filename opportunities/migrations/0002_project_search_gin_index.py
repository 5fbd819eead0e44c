"""The GIN index behind full-text search, on PostgreSQL only.

It is not in ``Project.Meta.indexes`` because SQLite (laptops, quick tests) has no GIN; there
the search vector stays empty and search falls back to ``icontains``.
"""

from django.db import migrations

INDEX = "project_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON opportunities_project USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
